"""Forms of the web UI. They only parse input; the services decide what is valid and allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from imbuto.core import permissions
from imbuto.core.errors import apply_domain_error as apply_domain_error  # moved to core; kept here
from imbuto.users.models import Team, User

from . import fields as lead_fields
from . import lifecycle
from .assignment import assignable_users
from .choices import DiscardReason, ParkReason, Stage, Temperature
from .models import Campaign, Channel, Lead
from .selectors import ORDERINGS


def restrict_defaults(form: forms.Form, user: Any) -> None:
    """Offer as default owner or team only whom `user` may hand leads to (leads.assignment)."""
    form.fields["default_owner"].queryset = (assignable_users(user).order_by("first_name", "username")
                                             if user is not None else User.objects.none())
    if user is not None and permissions.role_of(user) == "manager":
        form.fields["default_team"].queryset = Team.objects.filter(pk=user.team_id)



class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _ordering_choices() -> list[tuple[str, str]]:
    return [(k, k) for k in ORDERINGS] + [(f"-{k}", f"-{k}") for k in ORDERINGS]


class LeadFilterForm(forms.Form):
    """The lead list filters: the same names as the API's query parameters."""

    search = forms.CharField(label=_("Search"), required=False, max_length=200,
                             widget=forms.SearchInput(attrs={
                                 "placeholder": _("Name, company, email or phone"),
                                 "autocomplete": "off"}))
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    temperature = forms.ChoiceField(label=_("Temperature"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    campaign = forms.ChoiceField(label=_("Campaign"), required=False)
    country = forms.CharField(label=_("Country"), required=False, max_length=2,
                              widget=forms.TextInput(attrs={"placeholder": "IT", "size": 3}))
    created_after = forms.DateField(label=_("Created from"), required=False, widget=DateInput())
    created_before = forms.DateField(label=_("Created before"), required=False, widget=DateInput())
    needs_checking = forms.BooleanField(label=_("Needs checking"), required=False)
    min_score = forms.IntegerField(label=_("Score from"), required=False, min_value=-(2**31),
                                   max_value=2**31 - 1)
    max_score = forms.IntegerField(label=_("Score up to"), required=False, min_value=-(2**31),
                                   max_value=2**31 - 1)
    ordering = forms.ChoiceField(required=False, widget=forms.HiddenInput(attrs={"id": "ordering-input"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["stage"].choices = anything + list(Stage.choices)
        self.fields["temperature"].choices = anything + list(Temperature.choices)
        users = permissions.restrict(user, User.objects.filter(is_active=True)).only(
            "id", "username", "first_name", "last_name")
        self.fields["owner"].choices = anything + [("none", _("Unassigned"))] + [
            (str(u.pk), str(u)) for u in users]
        self.fields["channel"].choices = anything + [
            (c.slug, c.display_name) for c in Channel.objects.filter(is_active=True)]
        self.fields["campaign"].choices = anything + [
            (str(c.pk), c.name) for c in Campaign.objects.only("id", "name").order_by("name")]
        self.fields["ordering"].choices = [("", "")] + _ordering_choices()

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def params(self) -> dict[str, Any]:
        """The valid filters, as lead_list expects them; invalid ones are left out (and shown)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {k: v for k, v in data.items() if v not in (None, "") and k not in self.errors}

    @property
    def active_count(self) -> int:
        skip = {"search", "ordering"}
        return sum(1 for k, v in self.params().items() if k not in skip)


# The form's groups follow the lead field specification; source and qualification add what a person
# sets by hand (owner) and leave out what only intake writes (external id, stage).
PERSON = lead_fields.names(group="person")
ORGANISATION = lead_fields.names(group="organisation")
ADDRESS = lead_fields.names(group="address")
SOURCE = ("channel", "campaign", *lead_fields.names(group="source", kind="plain"))
QUALIFICATION = ("owner", "purchase_timeframe", "temperature")
CONSENT = lead_fields.names(group="consent")
# Fields the model leaves without a translatable name: their label in the specification.
EXTRA_LABELS = {name: lead_fields.label(name) for name in lead_fields.names(kind="plain", group="source")}
LEAD_GROUPS = (
    (_("Person"), PERSON), (_("Organisation"), ORGANISATION), (_("Address"), ADDRESS),
    (_("Source"), SOURCE), (_("Qualification"), QUALIFICATION), (_("Consent"), CONSENT),
)


def _lead_fields() -> dict[str, forms.Field]:
    names = [n for _label, group in LEAD_GROUPS for n in group]
    fields = forms.fields_for_model(Lead, fields=names, widgets={"consent_at": DateTimeInput()})
    fields["consent_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
    fields["temperature"] = forms.ChoiceField(
        label=_("Temperature"), required=False,
        choices=[("", _("Automatic (from the time frame)"))] + list(Temperature.choices))
    fields["channel"].queryset = Channel.objects.filter(is_active=True)
    fields["channel"].label_from_instance = lambda c: c.display_name
    fields["owner"].queryset = User.objects.filter(is_active=True)
    for name, label in EXTRA_LABELS.items():
        fields[name].label = label
    fields["email"].widget.input_type = "email"
    fields["phone"].widget.input_type = "tel"
    fields["country"].widget.attrs.update({"maxlength": 2, "placeholder": "IT"})
    return fields


class LeadForm(forms.Form):
    """Create or edit a lead. Only the changed fields go to lead_update, so history stays exact."""

    def __init__(self, *args: Any, user: Any, lead: Lead | None = None, **kwargs: Any) -> None:
        self.lead = lead
        if lead is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(lead)
        super().__init__(*args, **kwargs)
        self.fields.update(_lead_fields())
        if permissions.role_of(user) not in ("admin", "manager", "marketer"):
            # A rep works their own leads: a lead a rep creates is theirs (leads.assignment decides).
            del self.fields["owner"]
        else:
            # Only the people this user may hand the lead to (leads.assignment), and its current owner.
            users = assignable_users(user)
            if lead is not None and lead.owner_id:
                users = users | User.objects.filter(pk=lead.owner_id)
            self.fields["owner"].queryset = users.distinct().order_by("username")

    @staticmethod
    def initial_for(lead: Lead) -> dict[str, Any]:
        names = [n for _label, group in LEAD_GROUPS for n in group]
        initial = {n: getattr(lead, n) for n in names}
        initial["channel"] = lead.channel_id
        initial["campaign"] = lead.campaign_id
        initial["owner"] = lead.owner_id
        initial["temperature"] = lead.temperature if lead.temperature_overridden else ""
        if lead.consent_at:  # the input has minutes only; seconds would look like a change
            initial["consent_at"] = lead.consent_at.replace(second=0, microsecond=0)
        return initial

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(label, [self[n] for n in names if n in self.fields]) for label, names in LEAD_GROUPS]

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()

    def create_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("temperature"):
            data.pop("temperature", None)
        if data.get("owner") is None:
            data.pop("owner", None)
        return data

    def update_values(self) -> dict[str, Any]:
        """Only what the person changed. Clearing an override hands temperature back to the time frame."""
        values = {n: self.cleaned_data[n] for n in self.changed_data}
        if "temperature" in values and not values["temperature"]:
            timeframe = values.get("purchase_timeframe") or self.lead.purchase_timeframe
            values["temperature"] = lifecycle.temperature_for(timeframe)
        return values


class TransitionForm(forms.Form):
    """One lifecycle move: the target, a reason (a code and/or a note) and a revisit date for park."""

    to = forms.ChoiceField(choices=Stage.choices)
    reason_code = forms.ChoiceField(label=_("Reason"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    parked_until = forms.DateField(label=_("Revisit on"), required=False, widget=DateInput())

    ALIASES = {"reason": "reason_code"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = dict(DiscardReason.choices) | dict(ParkReason.choices)
        self.fields["reason_code"].choices = [("", "")] + list(codes.items())

    @staticmethod
    def discard_reasons() -> list[tuple[str, str]]:
        return list(DiscardReason.choices)

    @staticmethod
    def park_reasons() -> list[tuple[str, str]]:
        return list(ParkReason.choices)

    def reason(self) -> str:
        """The chosen reason code (empty if none: the service then asks for one)."""
        return self.cleaned_data.get("reason_code") or ""

    def typed_note(self) -> str:
        """What the person typed; kept whatever the reason (it used to be lost unless "other")."""
        return (self.cleaned_data.get("note") or "").strip()

    def parked_date(self) -> dt.date | None:
        return self.cleaned_data.get("parked_until")
