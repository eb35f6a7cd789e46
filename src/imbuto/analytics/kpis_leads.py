"""The lead-side KPIs of a period (leads in, funnel as cohort and as flow, exits, response time, SLA
attainment), each into {slice key: {field: value}}, from what a source (analytics.source) reads."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from imbuto.leads.choices import EXITS, FUNNEL

from . import formulas as m
from .source import WITHIN, Source

Out = dict[Any, dict[str, Any]]
STAGES = [str(s) for s in FUNNEL]
EXIT_STAGES = [str(s) for s in EXITS]


def _conversions(reached: dict[str, int]) -> dict[str, float | None]:
    return {
        f"{a}_to_{b}": m.ratio(reached.get(b, 0), reached.get(a, 0))
        for a, b in zip(STAGES, STAGES[1:], strict=False)
    }


def leads_in(src: Source, by: str | None, out: Out) -> None:
    """Leads created in the period: total, by channel (slug) and by campaign (name)."""
    total, by_channel, by_campaign = src.leads_in(by)
    for k, n in total.items():
        out[k]["leads_in"] = n
    for (k, slug), n in by_channel.items():
        out[k].setdefault("leads_by_channel", {})[slug or "none"] = n
    for (k, name), n in by_campaign.items():
        if name:
            out[k].setdefault("leads_by_campaign", {})[name] = n


def funnel_cohort(src: Source, by: str | None, out: Out) -> None:
    """Leads created in the period, followed to today: how many reached each funnel stage. A lead
    reached every stage up to its current one; a discarded or parked lead up to the stage it left."""
    reached: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES, 0))
    by_stage, by_left = src.cohort(by)
    for (k, stage), n in by_stage.items():
        if stage in STAGES:
            for s in STAGES[: STAGES.index(stage) + 1]:
                reached[k][s] += n
        else:
            _ = reached[k]  # the slice exists even when all its leads left
    for (k, left), n in by_left.items():
        if left in STAGES:
            for s in STAGES[: STAGES.index(left) + 1]:
                reached[k][s] += n
        else:  # no recorded move: it arrived discarded or parked (counted as in at the first stage)
            reached[k][STAGES[0]] += n
    for k in set(out) | set(reached):
        stages = reached[k]
        out[k]["funnel_cohort"] = stages
        out[k]["conversion_cohort"] = _conversions(stages)


def funnel_flow(src: Source, by: str | None, out: Out, slices: set[Any]) -> None:
    """Moves made in the period: how many leads entered each stage (creation at a stage counts as
    entering it), whatever their creation date."""
    flow: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES + EXIT_STAGES, 0))
    for (k, new), n in src.flow(by).items():
        if new in STAGES or new in EXIT_STAGES:
            flow[k][new] += n
    for k in slices | set(flow):
        stages = flow[k]
        out[k]["funnel_flow"] = stages
        out[k]["conversion_flow"] = _conversions(stages)


def exits(src: Source, by: str | None, out: Out) -> None:
    """Leads discarded or parked in the period (and still so), by reason code."""
    for (k, stage, reason), n in src.exits(by).items():
        bucket = out[k].setdefault("exits", {s: {} for s in EXIT_STAGES})
        bucket[stage][reason or "other"] = bucket[stage].get(reason or "other", 0) + n


def response(src: Source, by: str | None, out: Out) -> None:
    """First contact of the leads created in the period: median and p90 minutes (wall clock), and the
    share of the period's leads contacted within 5 minutes, 1 hour and 24 hours."""
    found = src.response(by)
    for k, fields in out.items():
        stats = found.get(k)
        within = stats.within if stats else dict.fromkeys(WITHIN, 0)
        whole = fields.get("leads_in", 0)
        fields.update(
            {
                "response_minutes_median": stats.median if stats else None,
                "response_minutes_p90": stats.p90 if stats else None,
                "contacted_within_5m": m.ratio(within[5], whole),
                "contacted_within_1h": m.ratio(within[60], whole),
                "contacted_within_24h": m.ratio(within[1440], whole),
            }
        )


def sla(src: Source, by: str | None, out: Out) -> None:
    """Response-time targets (sla.LeadSla) of the clocks started in the period: on time (first contact
    by the due time), late (after it, or still waiting past it), attainment = on time / (on time + late)."""
    for k, (on, late) in src.sla(by).items():
        out[k].update({"sla_on_time": on, "sla_late": late, "sla_attainment": m.ratio(on, on + late)})
