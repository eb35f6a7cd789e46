"""Forms of the web import: the upload and the column mapping of a preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from imbuto.leads import fields as lead_fields
from imbuto.leads.forms import restrict_defaults
from imbuto.leads.models import Campaign, Channel
from imbuto.users.models import Team, User

from ..models import ColumnMapping
from .columns import FULL_NAME, LEAD_FIELDS


def field_label(name: str) -> str:
    """The lead field's label from the field specification (leads.fields)."""
    if name == FULL_NAME:
        return str(_("full name (split into first and last)"))
    if name == "message":
        return str(_("message / notes (kept with the source)"))
    return str(lead_fields.label(name))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}))
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.order_by("name"), required=False,
                                      label=_("Campaign"), empty_label=_("(none, or a new one below)"))
    new_campaign = forms.CharField(max_length=200, required=False, label=_("or a new campaign named"))
    channel = forms.ModelChoiceField(queryset=Channel.objects.filter(is_active=True), required=False,
                                     to_field_name="slug", label=_("Channel"),
                                     empty_label=_("(the campaign's, else purchased list)"))
    mapping = forms.ModelChoiceField(queryset=ColumnMapping.objects.order_by("name"), required=False,
                                     label=_("Saved column mapping"), empty_label=_("(detect from headers)"))
    default_owner = forms.ModelChoiceField(
        label=_("New leads go to"), required=False, queryset=User.objects.none(),
        empty_label=_("(nobody: the unassigned queue)"))
    default_team = forms.ModelChoiceField(
        label=_("or to the queue of team"), required=False, queryset=Team.objects.order_by("name"),
        empty_label=_("(no team)"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_defaults(self, user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("campaign") and (data.get("new_campaign") or "").strip():
            self.add_error("new_campaign", _("Choose an existing campaign or name a new one, not both."))
        return data


def mapping_choices() -> list[tuple[str, str]]:
    return [("", str(_("— ignore this column —")))] + [(f, field_label(f)) for f in LEAD_FIELDS]
