"""/api/v1/analytics: every KPI of a period at once (JSON, CSV, XLSX) and the sales targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import create_model

from imbuto.core.errors import PermissionDenied
from imbuto.core.schema_rules import StrictInput
from imbuto.users.models import User

from . import files, selectors, services
from .kpis import FIELDS
from .periods import Period, make_period, parse_period

router = Router(tags=["analytics"])
By = Literal["rep", "team", "channel", "campaign", "country", "product"]
TEXT = ("slice_by", "slice_label", "period_from", "period_to")


def _person(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise PermissionDenied(_("You may not do this."))
    return user


class KpiQuery(Schema):
    from_: dt.date | None = Field(None, alias="from", description="First day (default: this quarter's).")
    to: dt.date | None = Field(None, description="Last day, included (default: today).")
    period: str | None = Field(
        None,
        max_length=10,
        pattern=r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$",
        description="Instead of from/to: 2026-Q3, 2026-07 or 2026.",
    )
    by: By | None = Field(
        None, description="One object per rep, team, channel, campaign, country or product."
    )

    def resolve(self) -> Period:
        if self.period:
            return parse_period(self.period)
        return make_period(self.from_, self.to, timezone.localdate())


_scalars: dict[str, Any] = {f: (str | None if f in TEXT else float | None, Field(None)) for f in FIELDS}
_scalars["slice_key"] = (
    int | str | None,
    Field(None, description="Id (or country code) of the slice; null for the whole."),
)
KpiSliceOut = create_model(
    "KpiSliceOut",
    __base__=Schema,
    leads_by_channel=(dict[str, int] | None, None),
    leads_by_campaign=(dict[str, int] | None, None),
    funnel_cohort=(dict[str, int] | None, None),
    conversion_cohort=(dict[str, float | None] | None, None),
    funnel_flow=(dict[str, int] | None, None),
    conversion_flow=(dict[str, float | None] | None, None),
    exits=(dict[str, dict[str, int]] | None, None),
    forecast=(list[dict[str, Any]] | None, None),
    **_scalars,
)


class KpiReportOut(Schema):
    computed_at: dt.datetime = Field(description="When this answer was computed.")
    source: Literal["summary", "live"] = Field(
        description="Where the figures come from: the summary tables (kept current by tasks, rebuilt "
        "nightly) or the raw tables (live); the open pipeline, targets and campaign costs are always live."
    )
    figures_as_of: dt.datetime = Field(
        description="Every change made before this instant is in the figures (live: computed_at)."
    )
    summary_updated_at: dt.datetime | None = Field(None, description="Last write to the summary tables.")
    summary_built_at: dt.datetime | None = Field(None, description="Last full rebuild of the summary tables.")
    from_: dt.date = Field(alias="from")
    to: dt.date
    by: str
    slices: list[KpiSliceOut]  # type: ignore[valid-type]


@router.get("/analytics/kpis", response=KpiReportOut, by_alias=True)
def kpi_report(request: HttpRequest, q: Query[KpiQuery]) -> Any:
    """Every KPI of the period, one object per slice, over the leads and deals you may see. Ratios
    with nothing to divide by are null. Field definitions: docs/kpis.md."""
    return selectors.kpi_report(_person(request), q.resolve(), q.by)


class KpiExportFormat(Schema):
    format: Literal["csv", "xlsx"] = Field("csv", description="csv (`;` for Italian readers) or xlsx")


@router.get(
    "/analytics/kpis/export",
    response={200: None},
    openapi_extra={
        "responses": {200: {"description": "The file", "content": {"text/csv": {}, files.XLSX: {}}}}
    },
)
def kpi_export(request: HttpRequest, q: Query[KpiQuery], fmt: Query[KpiExportFormat]) -> Any:
    """The same figures as GET /analytics/kpis, one row per slice; nested figures become `name.key`
    columns, nulls are written "n/a"."""
    return files.download(selectors.kpi_report(_person(request), q.resolve(), q.by), fmt.format)


class TargetOut(Schema):
    id: int
    user_id: int | None
    team_id: int | None
    period_kind: str
    period_start: dt.date
    amount: Decimal | None
    count: int | None
    created_at: dt.datetime
    replaced_at: dt.datetime | None = Field(description="Set when replaced or removed (history).")


class TargetQuery(Schema):
    from_: dt.date | None = Field(None, alias="from", description="Periods starting on or after.")
    to: dt.date | None = Field(None, description="Periods starting on or before.")
    history: bool = Field(False, description="Include replaced and removed targets.")
    limit: int = Field(500, ge=1, le=5000)


@router.get("/analytics/targets", response=list[TargetOut])
def target_list(request: HttpRequest, q: Query[TargetQuery]) -> Any:
    """The targets you may see, by period start."""
    return list(
        selectors.targets(_person(request), period_from=q.from_, period_to=q.to, include_history=q.history)[
            : q.limit
        ]
    )


class TargetIn(StrictInput):
    user_id: int | None = Field(None, ge=1, le=2**63 - 1, description="The rep (or give team_id).")
    team_id: int | None = Field(None, ge=1, le=2**63 - 1, description="The team (or give user_id).")
    period_kind: Literal["month", "quarter"]
    period_start: dt.date = Field(description="First day of the month or quarter.")
    amount: Decimal | None = Field(None, ge=0, le=999_999_999_999, description="Rounded to cents.")
    count: int | None = Field(None, ge=0, le=1_000_000)


class TargetChange(StrictInput):
    amount: Decimal | None = Field(None, ge=0, le=999_999_999_999, description="Rounded to cents.")
    count: int | None = Field(None, ge=0, le=1_000_000)


@router.post("/analytics/targets", response={201: TargetOut})
def target_create(request: HttpRequest, body: TargetIn) -> Any:
    """Set a rep's or a team's quota for a month or quarter (admins; managers for their team). A
    current target of the same rep or team and period is replaced (kept as history)."""
    return Status(201, services.target_set(actor=_person(request), **body.dict()))


@router.patch("/analytics/targets/{int:target_id}", response=TargetOut)
def target_update(request: HttpRequest, target_id: int, body: TargetChange) -> Any:
    """New figures for a current target: the old row is closed, a new one answers."""
    return services.target_update(
        actor=_person(request), target_id=target_id, amount=body.amount, count=body.count
    )


@router.delete("/analytics/targets/{int:target_id}", response={204: None})
def target_delete(request: HttpRequest, target_id: int) -> Any:
    """Remove a current target (it stays in the history: `history=true` lists it)."""
    services.target_remove(actor=_person(request), target_id=target_id)
    return Status(204, None)
