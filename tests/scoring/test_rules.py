"""The pure rules (no database): matching, decay, caps, and what a rule or a threshold may not be."""

import pytest

from imbuto.scoring import rules as R

# Pure code, no database: run once (the PostgreSQL run) when scripts/test.sh runs both.
pytestmark = pytest.mark.one_database


def spec(**kw):
    kw.setdefault("id", 1)
    kw.setdefault("name", "r")
    kw.setdefault("points", 10)
    kw.setdefault("kind", "fit")
    if "values" in kw:
        kw["values"] = R.comparable(kw.get("attribute", ""), kw["values"])
    return R.RuleSpec(**kw)


def check(**data):
    return R.check_rule(data, channels={"webinar", "web-form"}, campaigns={"spring"})


@pytest.mark.parametrize(
    ("attribute", "values", "lead", "matches"),
    [
        ("industry", ["Manufacturing"], {"industry": "manufacturing "}, True),
        ("industry", ["Manufacturing"], {"industry": "Retail"}, False),
        ("country", ["it"], {"country": "IT"}, True),
        ("size_band", ["50-249"], {"size_band": "50-249"}, True),
        ("job_title", ["director", "ceo"], {"job_title": "Sales Director EMEA"}, True),
        ("job_title", ["director"], {"job_title": ""}, False),
        ("channel", ["webinar"], {"channel__slug": "webinar"}, True),
        ("campaign", ["Spring"], {"campaign__name": "spring"}, True),
        ("has_vat_id", [], {"vat_id": "IT01234567890", "quality_flags": {}}, True),
        ("has_vat_id", [], {"vat_id": "IT0", "quality_flags": {"vat_id": "invalid"}}, False),
        ("consent", [], {"consent_basis": "consent"}, True),
        ("consent", [], {"consent_basis": ""}, False),
    ],
)
def test_a_fit_rule_matches_the_attribute_it_names(attribute, values, lead, matches):
    assert R.fit_matches(spec(attribute=attribute, values=values), lead) is matches


def test_engagement_halves_every_half_life_and_never_grows():
    assert R.decay_factor(0, 30) == 1.0
    assert R.decay_factor(30, 30) == pytest.approx(0.5)
    assert R.decay_factor(90, 30) == pytest.approx(0.125)
    assert R.decay_factor(-5, 30) == 1.0  # an event from the future counts fully, not more
    assert R.decay_factor(1000, None) == 1.0


def test_a_cap_limits_either_way():
    assert R.capped(42.0, 20) == 20 and R.capped(-42.0, 20) == -20 and R.capped(42.0, None) == 42.0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "fit", "attribute": "industry", "values": [], "points": 5, "name": "x"}, "values"),
        ({"kind": "fit", "attribute": "size_band", "values": ["huge"], "points": 5, "name": "x"}, "values"),
        ({"kind": "fit", "attribute": "country", "values": ["Italy!"], "points": 5, "name": "x"}, "values"),
        (
            {"kind": "fit", "attribute": "channel", "values": ["carrier-pigeon"], "points": 5, "name": "x"},
            "values",
        ),
        ({"kind": "fit", "attribute": "shoe_size", "values": ["42"], "points": 5, "name": "x"}, "attribute"),
        ({"kind": "fit", "attribute": "industry", "values": ["x"], "points": 0, "name": "x"}, "points"),
        ({"kind": "fit", "attribute": "industry", "values": ["x"], "points": 5, "name": " "}, "name"),
        (
            {"kind": "fit", "attribute": "industry", "values": ["x"], "points": 5, "name": "x", "cap": 3},
            "cap",
        ),
        (
            {"kind": "engagement", "event_kind": "like", "points": 5, "name": "x", "half_life_days": -3},
            "half_life_days",
        ),
        (
            {"kind": "engagement", "event_kind": "like", "points": 5, "name": "x", "half_life_days": 0},
            "half_life_days",
        ),
        ({"kind": "engagement", "event_kind": "like", "points": 5, "name": "x", "cap": -1}, "cap"),
        ({"kind": "engagement", "event_kind": "like", "points": 5, "name": "x", "cap": 10**12}, "cap"),
    ({"kind": "engagement", "event_kind": "telepathy", "points": 5, "name": "x"}, "event_kind"),
        ({"kind": "sometimes", "points": 5, "name": "x"}, "kind"),
    ],
)
def test_a_rule_that_can_never_match_or_makes_no_sense_is_refused(data, field):
    assert field in check(**data).errors


def test_rules_that_match_nothing_yet_or_overlap_are_saved_with_a_warning():
    unknown_campaign = check(kind="fit", attribute="campaign", values=["Autumn"], points=5, name="x")
    assert not unknown_campaign.errors and "Autumn" in unknown_campaign.warnings[0]
    zero_cap = check(kind="engagement", event_kind="like", points=5, name="x", cap=0)
    assert not zero_cap.errors and zero_cap.warnings
    other = spec(attribute="country", values=["IT", "DE"], name="DACH and Italy")
    twin = R.check_rule(
        {"kind": "fit", "attribute": "country", "values": "it, fr", "points": 5, "name": "y"},
        channels=set(),
        campaigns=set(),
        others=[other],
    )
    assert twin.data["values"] == ["it", "fr"] and "DACH and Italy" in twin.warnings[0]


def test_thresholds_must_be_positive_and_in_order_and_reachable():
    assert "sql_threshold" in R.check_thresholds(50, 50, None).errors  # overlapping
    assert "sql_threshold" in R.check_thresholds(80, 40, None).errors  # backwards
    assert "mql_threshold" in R.check_thresholds(0, 40, None).errors
    fine = R.check_thresholds(30, 60, None)
    assert not fine.errors and not fine.warnings
    unreachable = R.check_thresholds(30, 60, 45)
    assert not unreachable.errors and "45" in unreachable.warnings[0]


def test_the_highest_score_is_unbounded_with_an_uncapped_engagement_rule():
    fit = spec(attribute="industry", values=["x"], points=10)
    capped_rule = spec(id=2, kind="engagement", event_kind="like", points=3, cap=15)
    assert R.max_score([fit, capped_rule, spec(id=3, points=-50, attribute="consent")]) == 25
    assert R.max_score([fit, spec(id=4, kind="engagement", event_kind="like", points=3)]) is None
