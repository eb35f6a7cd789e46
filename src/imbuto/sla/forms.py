"""The response-time policy form (administrators)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SlaPolicy

WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
            (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]


class PolicyForm(forms.ModelForm):
    working_days = forms.TypedMultipleChoiceField(label=_("Working days"), choices=WEEKDAYS, coerce=int,
                                                  widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = SlaPolicy
        fields = ["hot_target", "hot_unit", "warm_target", "warm_unit", "cold_target", "cold_unit",
                  "hot_reminder", "hot_reminder_unit", "reminder", "reminder_unit", "reassign_at_breach",
                  "working_days", "work_start", "work_end", "country", "subdivision"]
        widgets = {"work_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "work_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("hot_target", "warm_target", "cold_target", "hot_reminder", "reminder"):
            field = self.fields[name]
            if isinstance(field, forms.IntegerField):
                field.min_value = None  # the service says why a value is refused
                field.validators = []
                field.widget.attrs.pop("min", None)
