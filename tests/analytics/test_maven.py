"""Cross-check on data nobody here wrote: the Maven CRM sample imported with `imbuto import-maven`
gives the same win rate, average ticket, sales volume by agent and sales cycle as pandas computes
straight from the CSV files. Skipped where ../shared/datasets/maven-crm is absent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from imbuto.analytics import kpis
from imbuto.analytics.periods import Period
from imbuto.users.models import User

MAVEN = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "maven-crm"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not (MAVEN / "sales_pipeline.csv").is_file(), reason="no ../shared Maven data"),
]


def test_imported_kpis_equal_an_independent_pandas_computation(capsys):
    pd = pytest.importorskip("pandas")
    call_command("import_maven", str(MAVEN))
    assert "8800 deals" in capsys.readouterr().out
    df = pd.read_csv(MAVEN / "sales_pipeline.csv", parse_dates=["engage_date", "close_date"])
    closed = df[df.deal_stage.isin(["Won", "Lost"])]
    won = closed[closed.deal_stage == "Won"]
    cycle = (won.close_date - won.engage_date).dt.days

    period = Period(dt.date(2016, 10, 1), dt.date(2017, 12, 31))
    [k] = kpis.compute(None, period)
    assert (k["won_count"], k["lost_count"]) == (len(won), len(closed) - len(won))
    assert k["win_rate"] == round(len(won) / len(closed), 4)
    assert k["won_amount"] == pytest.approx(float(won.close_value.sum()))
    assert k["avg_ticket_mean"] == pytest.approx(won.close_value.mean(), abs=1e-4)
    assert k["avg_ticket_median"] == pytest.approx(won.close_value.median())
    assert k["cycle_days_from_deal_median"] == pytest.approx(cycle.median())
    assert k["cycle_days_from_deal_p80"] == pytest.approx(cycle.quantile(0.8), abs=1e-4)

    expected = won.groupby("sales_agent").close_value.sum()
    names = {u.pk: u.get_full_name() for u in User.objects.filter(username__startswith="maven-")}
    by_rep = {
        names[o["slice_key"]]: o["won_amount"] for o in kpis.compute(None, period, "rep") if o["won_count"]
    }
    assert by_rep == pytest.approx({agent: float(v) for agent, v in expected.items()})
