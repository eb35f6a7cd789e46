"""What the KPI formulas (kpis_leads, kpis_deals) read, as plain per-slice data: the one interface the
two sources of figures share. `source_raw.RawSource` computes it live from the leads, history, clocks
and deals tables; `source_summary.SummarySource` from the summary tables (analytics.summary). The
formulas are the same for both, so the figures are the same for both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

# minutes limits of the "contacted within" shares
WITHIN = (5, 60, 1440)
Key = Any  # a slice key (an id, a country code, None for "(none)") or slicing.ALL


@dataclass(frozen=True)
class Response:
    """The first contacts of a slice's leads created in the period."""

    within: dict[int, int]  # minutes limit -> leads contacted within it
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Closed:
    """A slice's deals closed in the period."""

    won: int
    lost: int
    won_sum: Decimal
    ticket_median: float | None
    from_lead_median: float | None
    from_lead_p80: float | None
    from_deal_median: float | None
    from_deal_p80: float | None


@dataclass(frozen=True)
class PipelineRow:
    """Open deals now, one slice and one expected-close month (None: no expected close)."""

    key: Key
    month: dt.date | None
    n: int
    value: Any  # Decimal or float as the database sums it, None for no amounts
    weighted: Any
    predicted: Any


class Source(Protocol):
    """Every read the formulas make, for one period and what one reader may see; `by` is the slice
    dimension (slicing.BY) or None for the whole."""

    name: str  # "live" or "summary"

    def leads_in(
        self, by: str | None
    ) -> tuple[dict[Key, int], dict[tuple[Key, str | None], int], dict[tuple[Key, str], int]]:
        """Leads created in the period: {k: n}, {(k, channel slug): n}, {(k, campaign name): n}."""
        ...

    def cohort(self, by: str | None) -> tuple[dict[tuple[Key, str], int], dict[tuple[Key, str | None], int]]:
        """The period's leads by current stage {(k, stage): n}, and those discarded or parked by the
        funnel stage they left from {(k, stage or None when unknown): n}."""
        ...

    def exits(self, by: str | None) -> dict[tuple[Key, str, str], int]:
        """Leads discarded or parked in the period and still so: {(k, stage, reason): n}."""
        ...

    def flow(self, by: str | None) -> dict[tuple[Key, str], int]:
        """Stage moves made in the period: {(k, stage entered): n}."""
        ...

    def response(self, by: str | None) -> dict[Key, Response]:
        ...

    def sla(self, by: str | None) -> dict[Key, tuple[int, int]]:
        """Response clocks started in the period: {k: (on time, late)}, every slice with a clock."""
        ...

    def closed(self, by: str | None) -> dict[Key, Closed]:
        ...

    def retention(self, by: str | None) -> dict[Key, tuple[int, int]]:
        """{k: (customers of the previous period, of them won again in this one)}, every slice with
        a customer in the previous period."""
        ...

    def campaign_leads(self, by: str | None, ids: list[int]) -> dict[Key, int]:
        """Leads created in the period from the campaigns `ids`."""
        ...

    def campaign_won(self, by: str | None, ids: list[int]) -> dict[Key, Decimal]:
        """Amount won in the period from deals whose lead came from the campaigns `ids`."""
        ...

    def pipeline(self, by: str | None, predicted: bool) -> list[PipelineRow]:
        ...
