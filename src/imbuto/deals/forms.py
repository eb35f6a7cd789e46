"""Forms of the deal pages. They only parse input (Italian or English numbers, dates) and say what
changed; services.deal_update decides what is valid and allowed, as it does for PATCH /deals/{id}."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imbuto.core.errors import DomainError

from . import policies, selectors
from .models import Deal, Product

LIMIT = Decimal("1e12")


def parse_amount(text: str | None) -> Decimal | None:
    """ "1.250,50" (Italian), "1,250.50" or "1250.50" to Decimal("1250.50"); "" to None."""
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text:
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise _not_a_number() from exc
    if not value.is_finite() or abs(value) >= LIMIT:
        raise _not_a_number()
    return value.quantize(Decimal("0.01"))


def shown(value: Decimal | None, places: int | None = 2) -> str:
    """A number as the person's language writes it (12500,50 in Italian), which parse_amount reads."""
    if value is None:
        return ""
    if places is None:  # a quantity: 2 or 2,5, not 2,00
        value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return formats.number_format(value, decimal_pos=places)


def _not_a_number() -> DomainError:
    return DomainError(gettext("The amount is not a number."), fields={"amount": [gettext("Not a number.")]})


class NumberField(forms.Field):
    """A decimal typed the Italian or the English way (1.250,50 or 1,250.50)."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": 30})

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "")
        try:
            return parse_amount(text) if len(text) <= 30 else parse_amount("x")
        except DomainError as exc:
            raise forms.ValidationError(_("Not a number.")) from exc


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _person(user: Any) -> str:
    return user.get_full_name() or user.username


class DealEditForm(forms.Form):
    """Name, amount, expected close, probability and owner of a deal; `version` is the one the
    person saw, so a deal changed meanwhile is refused (409) instead of overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    name = forms.CharField(label=_("Name"), max_length=200)
    amount = NumberField(label=_("Amount"), required=False)
    expected_close = forms.DateField(label=_("Expected close"), required=False, widget=DateInput())
    probability = forms.IntegerField(label=_("Probability (%)"), required=False, min_value=0, max_value=100)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, user: Any, deal: Deal, **kwargs: Any) -> None:
        initial = {
            "version": deal.version,
            "name": deal.name,
            "amount": shown(deal.amount),
            "expected_close": deal.expected_close,
            "probability": deal.probability,
            "owner": deal.owner_id,
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.deal = deal
        people = {u.pk: u for u in selectors.owner_choices(user)}
        if deal.owner is not None:
            people.setdefault(deal.owner.pk, deal.owner)  # unchanged, it is not sent: always valid
        self.people = people
        choices: list[tuple[str, Any]] = [(str(pk), _person(u)) for pk, u in people.items()]
        if deal.owner is None or policies.may_give_deal(user, None):
            choices.insert(0, ("", _("Nobody")))
        cast(forms.ChoiceField, self.fields["owner"]).choices = choices
        stage_default = {"p": deal.stage.probability}
        self.fields["probability"].help_text = gettext("Empty: the stage's %(p)s%%.") % stage_default
        self.fields["name"].widget.attrs["autocomplete"] = "off"

    def changed_values(self) -> dict[str, Any]:
        """The fields whose value differs from the deal's, as deal_update takes them."""
        data, deal = self.cleaned_data, self.deal
        values: dict[str, Any] = {}
        if data["name"].strip() != deal.name:
            values["name"] = data["name"].strip()
        for name in ("amount", "expected_close", "probability"):
            if data[name] != getattr(deal, name):
                values[name] = data[name]
        if data["owner"] != deal.owner_id:
            values["owner"] = self.people.get(data["owner"]) if data["owner"] is not None else None
        return values


class LineForm(forms.Form):
    """A product of the catalogue (or a description), its quantity and unit price (empty: the
    product's price)."""

    product = forms.TypedChoiceField(label=_("Product"), required=False, coerce=int, empty_value=None)
    description = forms.CharField(label=_("Description"), required=False, max_length=200)
    quantity = NumberField(label=_("Quantity"), required=False)
    unit_price = NumberField(label=_("Unit price"), required=False)

    def __init__(self, *args: Any, products: dict[int, Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.products = products
        choices = [("", "—")] + [(str(pk), p.name) for pk, p in products.items()]
        cast(forms.ChoiceField, self.fields["product"]).choices = choices

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data or (data.get("product") is None and not (data.get("description") or "").strip())

    def value(self) -> dict[str, Any]:
        data = self.cleaned_data
        product = self.products.get(data["product"]) if data["product"] is not None else None
        price = data["unit_price"]
        return {
            "product": product,
            "description": (data["description"] or "").strip(),
            "quantity": data["quantity"] if data["quantity"] is not None else Decimal(1),
            "unit_price": price if price is not None else (product.unit_price if product else Decimal(0)),
        }


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict[str, Any]]:
        """The filled-in lines not marked for removal, in order."""
        return [
            f.value()
            for f in self.forms
            if not f.is_blank() and not f.cleaned_data.get("DELETE")
        ]


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=1, can_delete=True, max_num=100, absolute_max=101,
    validate_max=True,
)


def line_formset(data: Any, *, user: Any, deal: Deal) -> BaseLineFormSet:
    """The deal's lines, and one empty row to add a product; products: the active catalogue and
    whatever the deal already holds."""
    current = list(deal.lines.all())
    products = {p.pk: p for p in selectors.products(user, active_only=True)}
    for line in current:
        if line.product is not None:
            products.setdefault(line.product.pk, line.product)
    initial = [
        {
            "product": line.product_id,
            "description": line.description,
            "quantity": shown(line.quantity, places=None),
            "unit_price": shown(line.unit_price),
        }
        for line in current
    ]
    formset = LineFormSet(data, initial=initial, prefix="lines", form_kwargs={"products": products})
    return cast(BaseLineFormSet, formset)


def lines_changed(deal: Deal, lines: list[dict[str, Any]]) -> bool:
    def key(product: Any, description: str, quantity: Decimal, price: Decimal) -> tuple[Any, ...]:
        return (getattr(product, "pk", product), description, Decimal(quantity), Decimal(price))

    before = [key(x.product_id, x.description, x.quantity, x.unit_price) for x in deal.lines.all()]
    after = [key(x["product"], x["description"], x["quantity"], x["unit_price"]) for x in lines]
    return before != after
