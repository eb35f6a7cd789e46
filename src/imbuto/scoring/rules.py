"""Pure scoring rules over plain data (no database): which lead attributes a fit rule may look at,
how a rule is checked before it is saved, how a fit rule matches a lead, how engagement decays, and
how thresholds are checked. The set-based computation (scoring.compute) and the services use these."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imbuto.intake.models import EngagementKind
from imbuto.leads.choices import SizeBand, Temperature, Timeframe

MAX_POINTS = 10_000
MAX_VALUES = 200
MAX_VALUE_LENGTH = 100


@dataclass(frozen=True)
class Attribute:
    """A lead attribute a fit rule may test: `how` says how its values are compared."""

    label: Any  # lazy translation
    how: str  # text (case-insensitive equal), choice, country, keywords (contained), channel, campaign, flag
    choices: tuple[tuple[str, Any], ...] = ()


ATTRIBUTES: dict[str, Attribute] = {
    "industry": Attribute(gettext_lazy("Industry"), "text"),
    "size_band": Attribute(gettext_lazy("Company size"), "choice", tuple(SizeBand.choices)),
    "country": Attribute(gettext_lazy("Country"), "country"),
    "region": Attribute(gettext_lazy("Province or region"), "text"),
    "job_title": Attribute(gettext_lazy("Job title or seniority contains"), "keywords"),
    "language": Attribute(gettext_lazy("Language"), "text"),
    "channel": Attribute(gettext_lazy("Channel"), "channel"),
    "campaign": Attribute(gettext_lazy("Campaign"), "campaign"),
    "temperature": Attribute(gettext_lazy("Temperature"), "choice", tuple(Temperature.choices)),
    "purchase_timeframe": Attribute(gettext_lazy("Purchase timeframe"), "choice", tuple(Timeframe.choices)),
    "has_vat_id": Attribute(gettext_lazy("Has a valid VAT id"), "flag"),
    "consent": Attribute(gettext_lazy("Has a recorded lawful basis (consent)"), "flag"),
}
# The lead columns the fit rules read (Lead.objects.values(*LEAD_FIELDS)).
LEAD_FIELDS = (
    "id",
    "industry",
    "size_band",
    "country",
    "region",
    "job_title",
    "language",
    "channel__slug",
    "campaign__name",
    "temperature",
    "purchase_timeframe",
    "vat_id",
    "quality_flags",
    "consent_basis",
    "stage",
    "score",
)


@dataclass(frozen=True)
class RuleSpec:
    """A rule as the computation sees it (values already normalised for comparison)."""

    id: int
    name: str
    kind: str
    points: int
    attribute: str = ""
    values: frozenset[str] = frozenset()
    event_kind: str = ""
    cap: int | None = None
    half_life_days: float | None = None


@dataclass
class Checked:
    """A rule's cleaned values, its errors by field (refuse to save) and its warnings (save, but say)."""

    data: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def split_values(raw: Any) -> list[str]:
    """A list, or text separated by commas or new lines, as a list of distinct trimmed values."""
    items: Iterable[Any] = (
        raw if isinstance(raw, list | tuple) else str(raw or "").replace("\n", ",").split(",")
    )
    seen: dict[str, str] = {}
    for item in items:
        text = str(item).strip()
        if text and text.lower() not in seen:
            seen[text.lower()] = text
    return list(seen.values())


def comparable(attribute: str, values: Iterable[str]) -> frozenset[str]:
    """Values as the matcher compares them: codes as they are, countries upper case, text lower case."""
    how = ATTRIBUTES[attribute].how if attribute in ATTRIBUTES else "text"
    if how in ("choice", "channel"):
        return frozenset(values)
    if how == "country":
        return frozenset(v.upper() for v in values)
    return frozenset(v.lower() for v in values)


def check_rule(
    data: Mapping[str, Any], *, channels: set[str], campaigns: set[str], others: Sequence[RuleSpec] = ()
) -> Checked:
    """Check a rule before it is saved. `channels`: known channel slugs; `campaigns`: campaign names in
    lower case; `others`: the other active rules (for overlap warnings)."""
    out = Checked(data={})
    name = str(data.get("name") or "").strip()
    if not name:
        out.error("name", _("Give the rule a name."))
    elif len(name) > 120:
        out.error("name", _("At most 120 characters."))
    kind = data.get("kind")
    if kind not in ("fit", "engagement"):
        out.error("kind", _("Choose fit or engagement."))
    points = _int(data.get("points"))
    if points is None or isinstance(data.get("points"), bool):
        out.error("points", _("Give the points as a whole number."))
    elif points == 0:
        out.error("points", _("A rule giving 0 points changes no score."))
    elif abs(points) > MAX_POINTS:
        out.error("points", _("At most %(max)s points, plus or minus.") % {"max": MAX_POINTS})
    out.data = {"name": name, "kind": kind, "points": points, "is_active": bool(data.get("is_active", True))}
    if kind == "fit":
        _check_fit(data, out, channels, campaigns)
    elif kind == "engagement":
        _check_engagement(data, out)
    if not out.errors:
        _overlaps(out, others)
    return out


def _int(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value if value is not None else "").strip()
    return int(text) if text.lstrip("-").isdigit() and len(text) < 12 else None


def _number(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return math.nan
    return number if math.isfinite(number) else math.nan


def _check_fit(data: Mapping[str, Any], out: Checked, channels: set[str], campaigns: set[str]) -> None:
    attribute = str(data.get("attribute") or "")
    out.data |= {"attribute": attribute, "event_kind": "", "cap": None, "half_life_days": None}
    if attribute not in ATTRIBUTES:
        out.error("attribute", _("Choose the lead attribute this rule looks at."))
        return
    for name in ("cap", "half_life_days"):
        if data.get(name) not in (None, ""):
            out.error(name, _("Only engagement rules have a cap or a half-life."))
    how = ATTRIBUTES[attribute].how
    values = [] if how == "flag" else split_values(data.get("values"))
    out.data["values"] = values
    if how == "flag":
        return
    if not values:
        out.error("values", _("Give at least one value: without one the rule can never match."))
        return
    if len(values) > MAX_VALUES or any(len(v) > MAX_VALUE_LENGTH for v in values):
        out.error(
            "values",
            _("At most %(n)s values of %(length)s characters each.")
            % {"n": MAX_VALUES, "length": MAX_VALUE_LENGTH},
        )
        return
    if how == "choice":
        allowed = dict(ATTRIBUTES[attribute].choices)
        unknown = [v for v in values if v not in allowed]
        if unknown:
            out.error(
                "values",
                _("%(values)s can never match: use %(allowed)s.")
                % {"values": ", ".join(unknown), "allowed": ", ".join(allowed)},
            )
    elif how == "country":
        unknown = [v for v in values if not (len(v) == 2 and v.isascii() and v.isalpha())]
        if unknown:
            out.error(
                "values",
                _("%(values)s can never match: use two-letter country codes (IT, DE).")
                % {"values": ", ".join(unknown)},
            )
    elif how == "channel":
        unknown = [v for v in values if v not in channels]
        if unknown:
            out.error(
                "values",
                _("No channel is called %(values)s: the rule could never match.")
                % {"values": ", ".join(unknown)},
            )
    elif how == "campaign":
        unknown = [v for v in values if v.lower() not in campaigns]
        if unknown:
            out.warnings.append(
                _("No campaign is called %(values)s yet: the rule matches nothing until one is.")
                % {"values": ", ".join(unknown)}
            )


def _check_engagement(data: Mapping[str, Any], out: Checked) -> None:
    event_kind = str(data.get("event_kind") or "")
    out.data |= {"attribute": "", "values": [], "event_kind": event_kind}
    if event_kind not in EngagementKind.values:
        out.error("event_kind", _("Choose the kind of engagement this rule counts."))
    cap = data.get("cap")
    cap_value = None if cap in (None, "") else _int(cap)
    if cap not in (None, "") and (cap_value is None or isinstance(cap, bool)):
        out.error("cap", _("Give the cap as a whole number of points, or leave it empty."))
    elif cap_value is not None and cap_value < 0:
        out.error("cap", _("A cap cannot be below zero."))
    elif cap_value is not None and cap_value > MAX_POINTS * 100:
        out.error("cap", _("At most %(max)s points.") % {"max": MAX_POINTS * 100})
    elif cap_value == 0:
        out.warnings.append(_("A cap of 0 points means this rule never adds anything."))
    half_life = _number(data.get("half_life_days"))
    if half_life is not None and (math.isnan(half_life) or half_life <= 0):
        out.error(
            "half_life_days", _("The half-life must be a positive number of days, or empty for no decay.")
        )
    elif half_life is not None and half_life > 36_500:
        out.error("half_life_days", _("At most 36,500 days (a hundred years)."))
    out.data |= {"cap": cap_value, "half_life_days": half_life}


def _overlaps(out: Checked, others: Sequence[RuleSpec]) -> None:
    d = out.data
    mine = comparable(d["attribute"], d["values"]) if d["kind"] == "fit" else frozenset()
    for other in others:
        same = (other.kind == d["kind"] == "engagement" and other.event_kind == d["event_kind"]) or (
            other.kind == d["kind"] == "fit"
            and other.attribute == d["attribute"]
            and (ATTRIBUTES[d["attribute"]].how == "flag" or mine & other.values)
        )
        if same:
            out.warnings.append(
                _("The active rule “%(name)s” scores the same thing: both add their points.")
                % {"name": other.name}
            )


def fit_matches(rule: RuleSpec, lead: Mapping[str, Any]) -> bool:
    """Whether a fit rule matches a lead (a dict of LEAD_FIELDS)."""
    attribute = rule.attribute
    how = ATTRIBUTES[attribute].how if attribute in ATTRIBUTES else ""
    if how == "flag":
        if attribute == "has_vat_id":
            return bool(lead.get("vat_id")) and "vat_id" not in (lead.get("quality_flags") or {})
        return bool(lead.get("consent_basis"))
    key = {"channel": "channel__slug", "campaign": "campaign__name"}.get(attribute, attribute)
    value = str(lead.get(key) or "").strip()
    if not value:
        return False
    if how == "keywords":
        title = value.lower()
        return any(word in title for word in rule.values)
    if how == "country":
        return value.upper() in rule.values
    if how in ("choice", "channel"):
        return value in rule.values
    return value.lower() in rule.values


def decay_factor(age_days: float, half_life_days: float | None) -> float:
    """How much of an event's points remain after `age_days` (events from the future count fully)."""
    if not half_life_days:
        return 1.0
    return float(0.5 ** (max(age_days, 0.0) / half_life_days))


def capped(points: float, cap: int | None) -> float:
    """A rule's points in all, at most `cap` either way (negative rules are capped below)."""
    if cap is None:
        return points
    return max(min(points, cap), -cap)


def max_score(rules: Sequence[RuleSpec]) -> int | None:
    """The highest total the active rules can give, or None when an uncapped engagement rule makes it
    unbounded."""
    total = 0
    for rule in rules:
        if rule.points <= 0:
            continue
        if rule.kind == "engagement":
            if rule.cap is None:
                return None
            total += rule.cap
        else:
            total += rule.points
    return total


def check_thresholds(mql: int | None, sql: int | None, ceiling: int | None) -> Checked:
    """Thresholds: each at least 1; MQL below SQL (else the two would overlap or run backwards); a
    warning for a threshold the active rules can never reach."""
    out = Checked(data={"mql_threshold": mql, "sql_threshold": sql})
    for name, value in (("mql_threshold", mql), ("sql_threshold", sql)):
        if value is not None and value < 1:
            out.error(name, _("A threshold must be at least 1: otherwise every lead would move."))
    if mql is not None and sql is not None and mql >= sql and not out.errors:
        out.error(
            "sql_threshold",
            _(
                "The SQL threshold must be above the MQL threshold (%(mql)s): a lead "
                "becomes marketing qualified before it becomes sales qualified."
            )
            % {"mql": mql},
        )
    if ceiling is not None:
        for label, value in ((_("MQL"), mql), (_("SQL"), sql)):
            if value is not None and value > ceiling:
                out.warnings.append(
                    _(
                        "The %(stage)s threshold (%(value)s) can never be reached: the active "
                        "rules give at most %(max)s points."
                    )
                    % {"stage": label, "value": value, "max": ceiling}
                )
    return out
