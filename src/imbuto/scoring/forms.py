"""The rule and threshold forms of the scoring page: they collect what a person typed and hand it to
scoring.services, which checks it (the API obeys the very same checks); its errors land on the fields."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from imbuto.intake.models import EngagementKind

from .models import RuleKind, ScoringRule
from .rules import ATTRIBUTES


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=RuleKind.choices,
        help_text=_("Fit: points for who the lead is. Engagement: points per interaction."),
    )
    points = forms.IntegerField(
        label=_("Points"), help_text=_("Per event for engagement rules; may be negative.")
    )
    attribute = forms.ChoiceField(label=_("Lead attribute (fit)"), required=False)
    values = forms.CharField(
        label=_("Values (fit)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Separated by commas: e.g. IT, DE for countries, manufacturing for an "
            "industry, director, CEO for job titles. Not needed for yes/no "
            "attributes."
        ),
    )
    event_kind = forms.ChoiceField(label=_("Engagement kind"), required=False)
    half_life_days = forms.CharField(
        label=_("Half-life in days (engagement)"),
        required=False,
        max_length=20,
        help_text=_("An event's points halve every so many days; empty: no decay."),
    )
    cap = forms.CharField(
        label=_("Cap (engagement)"),
        required=False,
        max_length=20,
        help_text=_("At most this many points from this rule in all; empty: no cap."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, rule: ScoringRule | None = None, **kwargs: Any) -> None:
        if rule is not None and not args:
            kwargs["initial"] = {
                "name": rule.name,
                "kind": rule.kind,
                "points": rule.points,
                "attribute": rule.attribute,
                "values": ", ".join(rule.values or []),
                "event_kind": rule.event_kind,
                "half_life_days": "" if rule.half_life_days is None else f"{rule.half_life_days:g}",
                "cap": "" if rule.cap is None else rule.cap,
                "is_active": rule.is_active,
            }
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["attribute"]).choices = [
            ("", "—"),
            *((k, a.label) for k, a in ATTRIBUTES.items()),
        ]
        cast(forms.ChoiceField, self.fields["event_kind"]).choices = [("", "—"), *EngagementKind.choices]

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "kind": d["kind"],
            "points": d["points"],
            "is_active": d["is_active"],
            **(
                {"attribute": d["attribute"], "values": d["values"]}
                if d["kind"] == "fit"
                else {
                    "event_kind": d["event_kind"],
                    "half_life_days": d["half_life_days"] or None,
                    "cap": d["cap"] or None,
                }
            ),
        }


class ThresholdsForm(forms.Form):
    mql_threshold = forms.CharField(
        label=_("MQL at a score of"),
        required=False,
        max_length=12,
        help_text=_("Empty: never automatically."),
    )
    sql_threshold = forms.CharField(
        label=_("SQL at a score of"),
        required=False,
        max_length=12,
        help_text=_("Must be above the MQL threshold. Empty: never automatically."),
    )
    buy_now_to_sql = forms.BooleanField(label=_("A lead that wants to buy now becomes SQL"), required=False)

    def to_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
