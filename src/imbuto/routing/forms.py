"""The routing page's forms: they parse what people type; `config` checks and saves (the same checks
as the API), and its errors land on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from imbuto.leads.choices import SizeBand, Temperature
from imbuto.users.models import Team, User

from .models import Pool

DAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]
LIST_HELP = _("Separate values with commas; empty: any.")


def _words(label: Any, help_text: Any = LIST_HELP) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=2000, help_text=help_text)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    pool = forms.ModelChoiceField(label=_("Pool"), queryset=Pool.objects.none(), empty_label=None)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    countries = _words(_("Countries"), _("Names or ISO codes (Italia, DE), separated by commas; empty: any."))
    regions = _words(_("Regions"))
    languages = _words(_("Languages"))
    products = _words(_("Product interest"), _("Keywords found in the lead's UTM campaign, term or content."))
    size_bands = forms.MultipleChoiceField(
        label=_("Company sizes"),
        required=False,
        choices=SizeBand.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    industries = _words(_("Industries"))
    channels = _words(_("Channels"), _("Channel codes (web-form, email-campaign...), separated by commas."))
    campaigns = _words(_("Campaigns"), _("Campaign numbers, separated by commas."))
    temperatures = forms.MultipleChoiceField(
        label=_("Temperatures"),
        required=False,
        choices=Temperature.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    min_score = forms.IntegerField(label=_("Minimum score"), required=False)
    max_score = forms.IntegerField(label=_("Maximum score"), required=False)
    skill = forms.CharField(label=_("Skill needed"), required=False, max_length=50)

    def __init__(self, *args: Any, pools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = pools  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return data


def rule_initial(rule: Any) -> dict[str, Any]:
    initial = {
        name: getattr(rule, name)
        for name in (
            "name",
            "pool",
            "is_active",
            "min_score",
            "max_score",
            "skill",
            "size_bands",
            "temperatures",
        )
    }
    for name in ("countries", "regions", "languages", "products", "industries", "channels", "campaigns"):
        initial[name] = ", ".join(str(v) for v in getattr(rule, name))
    return initial


class PoolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), empty_label=None)
    is_default = forms.BooleanField(label=_("Default pool (leads no rule matches)"), required=False)
    nurturing_owner = forms.ModelChoiceField(
        label=_("Nurturing owner"),
        required=False,
        queryset=User.objects.none(),
        empty_label="—",
        help_text=_("Takes this pool's leads that are not sales qualified yet (empty: the global one)."),
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["nurturing_owner"].queryset = User.objects.filter(is_active=True).order_by("username")  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Rep"), queryset=User.objects.none(), empty_label=None)
    weight = forms.IntegerField(label=_("Weight"), initial=1)
    capacity = forms.IntegerField(
        label=_("Capacity"), required=False, help_text=_("Most open leads at once; empty: no limit.")
    )
    skills = _words(_("Skills"))
    away_from = forms.DateField(
        label=_("Out of office from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    away_until = forms.DateField(
        label=_("Out of office until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    work_days = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        required=False,
        choices=DAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )
    work_start = forms.TimeField(
        label=_("Working hours from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_end = forms.TimeField(
        label=_("Working hours until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")  # type: ignore[attr-defined]
        if editing:
            del self.fields["user"]


class SettingsForm(forms.Form):
    nurturing_owner = forms.ModelChoiceField(
        label=_("Global nurturing owner"),
        required=False,
        queryset=User.objects.none(),
        empty_label="—",
        help_text=_("Takes leads that are not sales qualified yet, for pools without their own."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nurturing_owner"].queryset = User.objects.filter(is_active=True).order_by("username")  # type: ignore[attr-defined]
