"""The staff form that configures a WebForm. It only parses input; services.webform_save writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from imbuto.core.errors import DomainError
from imbuto.leads.forms import restrict_defaults
from imbuto.leads.models import Campaign, Channel
from imbuto.users.models import Team, User

from ..models import WebForm
from . import cors
from .forms import DEFAULT_FIELDS, FIELDS, form_fields

FIELD_CHOICES = [(name, spec.label) for name, spec in FIELDS.items()]



class OriginsField(forms.CharField):
    """Sites allowed to embed a form or show the chat: one origin per line, stored normalised."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault("help_text",
                          _("One origin per line, e.g. https://www.example.com; * allows any site."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        lines = [line.strip() for line in str(super().clean(value) or "").splitlines() if line.strip()]
        bad = [line for line in lines if not cors.normalise_origin(line)]
        if bad:
            raise forms.ValidationError(_("Not an origin (scheme://host[:port]): %(v)s"),
                                        params={"v": ", ".join(bad[:3])})
        return "\n".join(dict.fromkeys(cors.normalise_origin(line) for line in lines))


class ChatSitesForm(forms.Form):
    allowed_origins = OriginsField(label=_("Sites allowed to show the chat"))

class WebFormForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    channel = forms.ModelChoiceField(label=_("Channel"), queryset=Channel.objects.filter(is_active=True),
                                     to_field_name="slug")
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.all(),
                                      required=False)
    field_names = forms.MultipleChoiceField(label=_("Fields the form asks for"), choices=FIELD_CHOICES,
                                            widget=forms.CheckboxSelectMultiple)
    required_names = forms.MultipleChoiceField(label=_("Required fields"), choices=FIELD_CHOICES,
                                               widget=forms.CheckboxSelectMultiple, required=False)
    allowed_origins = OriginsField(label=_("Sites allowed to embed the form"))
    thank_you_url = forms.URLField(label=_("Thank-you page"), required=False,
                                   help_text=_("Where visitors go after sending; empty shows a message."))
    consent_text = forms.CharField(label=_("Consent text"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    min_fill_seconds = forms.IntegerField(label=_("Minimum fill time (seconds)"), min_value=0,
                                          max_value=600, initial=3)
    rate_limit_per_ip = forms.IntegerField(label=_("Submissions per hour from one address"),
                                           min_value=0, max_value=10000, initial=10)
    rate_limit_per_form = forms.IntegerField(label=_("Submissions per hour for the whole form"),
                                             min_value=0, max_value=1_000_000, initial=1000)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    default_owner = forms.ModelChoiceField(
        label=_("New leads go to"), required=False, queryset=User.objects.none(),
        empty_label=_("(nobody: the unassigned queue)"))
    default_team = forms.ModelChoiceField(
        label=_("or to the queue of team"), required=False, queryset=Team.objects.order_by("name"),
        empty_label=_("(no team)"), help_text=_("Used when no owner is chosen; the team's manager assigns."))

    def __init__(self, data: Any = None, *, instance: WebForm | None = None, user: Any = None) -> None:
        initial: dict[str, Any] = {"field_names": [f["name"] for f in DEFAULT_FIELDS],
                                   "required_names": ["email"], "channel": "web-form"}
        if instance is not None:
            configured = form_fields(instance.fields)
            initial = {
                "name": instance.name, "channel": instance.channel.slug, "campaign": instance.campaign_id,
                "field_names": [f.name for f in configured],
                "required_names": [f.name for f in configured if f.required],
                "allowed_origins": instance.allowed_origins, "thank_you_url": instance.thank_you_url,
                "consent_text": instance.consent_text, "min_fill_seconds": instance.min_fill_seconds,
                "rate_limit_per_ip": instance.rate_limit_per_ip,
                "rate_limit_per_form": instance.rate_limit_per_form, "is_active": instance.is_active,
                "default_owner": instance.default_owner_id, "default_team": instance.default_team_id,
            }
        super().__init__(data, initial=initial)
        self.instance = instance
        restrict_defaults(self, user)

    def field_table(self) -> list[tuple[str, Any, bool, bool]]:
        """(name, label, asked, required) per lead field, for a compact two-checkbox table."""
        asked = set(self["field_names"].value() or [])
        required = set(self["required_names"].value() or [])
        return [(name, spec.label, name in asked, name in required) for name, spec in FIELDS.items()]

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        required = set(c["required_names"])
        fields = [{"name": n, "required": n in required} for n in FIELDS if n in c["field_names"]]
        return {
            "name": c["name"], "channel": c["channel"], "campaign": c["campaign"], "fields": fields,
            "allowed_origins": c["allowed_origins"], "thank_you_url": c["thank_you_url"],
            "consent_text": c["consent_text"], "min_fill_seconds": c["min_fill_seconds"],
            "rate_limit_per_ip": c["rate_limit_per_ip"], "rate_limit_per_form": c["rate_limit_per_form"],
            "is_active": c["is_active"], "default_owner": c["default_owner"],
            "default_team": c["default_team"],
        }

    def add_domain_error(self, exc: DomainError) -> None:
        for name, msgs in (exc.fields or {"__all__": [exc.message]}).items():
            for msg in msgs:
                self.add_error(name if name in self.fields else None, msg)
