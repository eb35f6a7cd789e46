"""The quick-log form of the record panels and the edit form; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Activity, Direction, Kind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# service field -> form field (a task's due time and the others' time share "when")
ALIASES = {"occurred_at": "when", "due_at": "when", "lead": "subject", "owner": "owner",
           "contact": "subject", "account": "subject", "deal": "subject"}


class QuickLogForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=Kind.choices, initial=Kind.CALL)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    when = forms.DateTimeField(label=_("When"), required=False, widget=DATETIME,
                               help_text=_("Empty: now. A task's due time; a meeting's start."))
    remind_at = forms.DateTimeField(label=_("Reminder"), required=False, widget=DATETIME)
    direction = forms.ChoiceField(label=_("Who reached out"), choices=Direction.choices,
                                  initial=Direction.OUTBOUND, required=False,
                                  help_text=_("For calls and emails."))
    body = forms.CharField(label=_("Notes"), required=False, max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        when_field = "due_at" if data["kind"] == Kind.TASK else "occurred_at"
        values = {"subject": data["subject"], "body": data.get("body") or "", when_field: data.get("when"),
                  "remind_at": data.get("remind_at")}
        if data["kind"] in (Kind.CALL, Kind.EMAIL):
            values["direction"] = data.get("direction") or Direction.OUTBOUND
        return values


class EditForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    when = forms.DateTimeField(label=_("When"), required=False, widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), required=False, widget=DATETIME)
    remind_at = forms.DateTimeField(label=_("Reminder"), required=False, widget=DATETIME)
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    body = forms.CharField(label=_("Notes"), required=False, max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, activity: Activity, people: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {
            "subject": activity.subject, "body": activity.body, "location": activity.location,
            "when": activity.due_at if activity.kind == Kind.TASK else activity.occurred_at,
            "ends_at": activity.ends_at, "remind_at": activity.remind_at, "owner": activity.owner_id})
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        if activity.kind != Kind.MEETING:
            del self.fields["ends_at"], self.fields["location"]
        if activity.kind in (Kind.CALL, Kind.EMAIL, Kind.NOTE):
            del self.fields["remind_at"]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        when = data.pop("when", None)
        data["due_at" if self.activity.kind == Kind.TASK else "occurred_at"] = when
        return data
