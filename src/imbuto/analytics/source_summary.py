"""The figures read from the summary tables (analytics.summary_models): a quarter reads its three
month rows per owner, team and slice value instead of its leads (with the sorted response minutes
of each), and the deal facts with their keys already resolved; medians and percentiles are the exact
ones of formulas over the same values. The readers' permission rules apply to the rows' owner and
team as they apply to leads and deals."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from imbuto.core import permissions
from imbuto.deals.models import PipelineStage
from imbuto.leads.models import Campaign, Channel
from imbuto.sla.models import LeadSla

from . import formulas as m
from .periods import Period, add_months, period_end
from .slicing import ALL, bounds, lead_key
from .source import WITHIN, Closed, Key, PipelineRow, Response
from .summary import state
from .summary_leads import add, unpack, zone
from .summary_models import DealFact, LeadDay, SummaryState

# rows of LeadDay per slice dimension: (dim, column holding the key)
LEAD_ROWS = {None: ("all", None), "rep": ("all", "owner_id"), "team": ("all", "team_id"),
             "channel": ("channel", "key"), "campaign": ("campaign", "key"), "country": ("country", "key")}
DEAL_KEY = {None: None, "rep": "owner_id", "team": "team_id", "channel": "channel_id",
            "campaign": "campaign_id", "country": "country", "product": "product_id"}
SCOPE_FIELDS = {"owner", "owner_id", "team", "team_id"}
SCOPE_TAILS = {"team", "team_id", "id", "pk", "isnull", "in", "exact"}


def _plain(q: Q) -> bool:
    """Whether a permission rule speaks only of owner and team (and so applies to summary rows)."""
    for child in q.children:
        if isinstance(child, Q):
            if not _plain(child):
                return False
        elif isinstance(child, tuple):
            head, *tail = str(child[0]).split("__")
            if head not in SCOPE_FIELDS or any(t not in SCOPE_TAILS for t in tail):
                return False
        else:
            return False
    return True


def fetch(qs: QuerySet[Any], *fields: str) -> list[tuple[Any, ...]]:
    """The rows of `qs` as plain tuples of `fields`, straight from the database driver (no model field
    conversion: for numbers and keys, many rows)."""
    try:
        sql, params = qs.values_list(*fields).order_by().query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match (an empty list of ids)
        return []
    with connections[qs.db].cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def spans(period: Period) -> tuple[list[dt.date], list[tuple[dt.date, dt.date]]]:
    """The whole months inside the period, and the day ranges left at its edges."""
    first = period.start if period.start.day == 1 else add_months(period.start, 1)
    months = []
    while first <= period.end and period_end(first, "month") <= period.end:
        months.append(first)
        first = add_months(first, 1)
    if not months:
        return [], [(period.start, period.end)]
    edges = [(period.start, months[0] - dt.timedelta(days=1)), (add_months(months[-1], 1), period.end)]
    return months, [(a, b) for a, b in edges if a <= b]


class SummarySource:
    """Source (analytics.source) over the summary tables, for one period and one reader."""

    name = "summary"

    @classmethod
    def open(cls, user: Any, period: Period) -> SummarySource | None:
        """The summary source, or None where it cannot answer: tables never built, days of another
        time zone, or a permission rule that is not about owner and team."""
        st = state()
        if st is None or st.time_zone != timezone.get_current_timezone_name():
            return None
        if user is None:
            return cls(st, user, period, Q(), Q())
        lead_q, deal_q = permissions.scope_of(user, "leads.lead"), permissions.scope_of(user, "deals.deal")
        if lead_q is None or deal_q is None or not (_plain(lead_q) and _plain(deal_q)):
            return None
        return cls(st, user, period, lead_q, deal_q)

    def __init__(self, st: SummaryState, user: Any, period: Period, lead_q: Q, deal_q: Q) -> None:
        self.state, self.user, self.period = st, user, period
        self.lead_q, self.deal_q = lead_q, deal_q
        self._rows: dict[str | None, dict[Key, dict[str, Any]]] = {}

    # ---- leads: LeadDay rows ------------------------------------------------------------------------

    def _in_period(self, period: Period) -> Q:
        months, ranges = spans(period)
        q = Q(grain="m", day__in=months) if months else Q(pk__in=[])
        for a, b in ranges:
            q |= Q(grain="d", day__gte=a, day__lte=b)
        return q

    def _lead_rows(self, dim: str, by_owner: bool) -> QuerySet[LeadDay]:
        """The LeadDay rows a reader sees: everyone's sums when they see every lead and need no owner
        or team, else the rows of each owner and team their permission rule lets through."""
        if self.lead_q == Q() and not by_owner:
            return LeadDay.objects.filter(dim=dim, everyone=True)
        return LeadDay.objects.filter(self.lead_q, dim=dim, everyone=False)

    def rows(self, by: str | None) -> dict[Key, dict[str, Any]]:
        """{slice key: the sum of its rows' counts} over the period."""
        if by not in self._rows:
            dim, column = LEAD_ROWS[by]
            found: dict[Key, dict[str, Any]] = defaultdict(dict)
            qs = self._lead_rows(dim, by in ("rep", "team")).filter(self._in_period(self.period))
            fields = ("owner_id", "team_id", "key", "data", "response_minutes")
            for owner, team, key, data, minutes in qs.values_list(*fields).order_by():
                if column is None:
                    k: Key = ALL
                elif column == "owner_id":
                    k = owner
                elif column == "team_id":
                    k = team
                else:
                    k = int(key) if key is not None and dim != "country" else key
                add(found[k], data)
                if minutes:
                    found[k].setdefault("rm", []).extend(unpack(minutes))
            self._rows[by] = found
        return self._rows[by]

    def leads_in(self, by: str | None) -> Any:
        slugs = dict(Channel.objects.values_list("pk", "slug"))
        names = dict(Campaign.objects.values_list("pk", "name"))
        total: dict[Key, int] = {ALL: 0} if by is None else {}
        by_channel: dict[tuple[Key, str | None], int] = defaultdict(int)
        by_campaign: dict[tuple[Key, str], int] = defaultdict(int)
        for k, data in self.rows(by).items():
            if data.get("n"):
                total[k] = data["n"]
            for channel, n in data.get("ch", {}).items():
                by_channel[(k, slugs.get(int(channel)) if channel else None)] += n
            for campaign, n in data.get("ca", {}).items():
                if int(campaign) in names:
                    by_campaign[(k, names[int(campaign)])] += n
        return total, dict(by_channel), dict(by_campaign)

    def cohort(self, by: str | None) -> Any:
        by_stage, by_left = {}, {}
        for k, data in self.rows(by).items():
            by_stage.update({(k, stage): n for stage, n in data.get("st", {}).items()})
            by_left.update({(k, stage or None): n for stage, n in data.get("lf", {}).items()})
        return by_stage, by_left

    def exits(self, by: str | None) -> dict[tuple[Key, str, str], int]:
        return {
            (k, stage, reason): n
            for k, data in self.rows(by).items()
            for stage, reasons in data.get("ex", {}).items()
            for reason, n in reasons.items()
        }

    def flow(self, by: str | None) -> dict[tuple[Key, str], int]:
        return {(k, new): n for k, data in self.rows(by).items() for new, n in data.get("fl", {}).items()}

    def response(self, by: str | None) -> dict[Key, Response]:
        out = {}
        for k, data in self.rows(by).items():
            if data.get("rm"):
                minutes = sorted(data["rm"])  # sorted runs: a merge
                out[k] = Response(
                    within={limit: bisect_right(minutes, limit) for limit in WITHIN},
                    median=m.median(minutes),
                    p90=m.percentile(minutes, 90),
                )
        return out

    def sla(self, by: str | None) -> dict[Key, tuple[int, int]]:
        """Clocks still waiting are late once due: those due before today from the rows, those due
        from today on (few) live from the clocks."""
        today = timezone.localdate(timezone=zone()).isoformat()
        live = self._late_today(by)
        out = {}
        for k, data in self.rows(by).items():
            if data.get("ss"):
                waiting = sum(n for due, n in data.get("sw", {}).items() if due < today)
                out[k] = (data.get("so", 0), data.get("sl", 0) + waiting + live.get(k, 0))
        return out

    def _late_today(self, by: str | None) -> dict[Key, int]:
        start, end = bounds(self.period)
        today_start, _ = bounds(Period(timezone.localdate(), timezone.localdate()))
        clocks = LeadSla.objects.all()
        if self.user is not None:
            clocks = permissions.restrict(self.user, clocks)
        late = clocks.filter(
            started_at__gte=start, started_at__lt=end, first_contact_at__isnull=True,
            due_at__gte=today_start, due_at__lt=timezone.now(),
        )
        key = lead_key(by, "lead__")
        if key is None:
            return {ALL: late.count()}
        return {row[key]: row["n"] for row in late.values(key).annotate(n=Count("pk")).order_by()}

    def campaign_leads(self, by: str | None, ids: list[int]) -> dict[Key, int]:
        wanted = {str(i) for i in ids}
        out = {}
        for k, data in self.rows(by).items():
            n = sum(v for c, v in data.get("ca", {}).items() if c in wanted)
            if n:
                out[k] = n
        return out

    # ---- deals: DealFact rows -----------------------------------------------------------------------

    def _deals(self, by: str | None, period: Period | None = None) -> QuerySet[DealFact]:
        qs = DealFact.objects.filter(self.deal_q, per_product=by == "product")
        if period is not None:
            qs = qs.filter(closed_day__gte=period.start, closed_day__lte=period.end)
        return qs

    def closed(self, by: str | None) -> dict[Key, Closed]:
        """The lost deals counted, the won ones read (a quarter's, a few thousand narrow rows) for
        the exact medians and percentiles of formulas."""
        key = DEAL_KEY[by]
        done = self._deals(by, self.period)
        group = key or "status"
        lost: dict[Key, int] = defaultdict(int)
        for k, n in fetch(done.filter(status="lost").values(group).annotate(n=Count("pk")), group, "n"):
            lost[k if key else ALL] += n
        won: dict[Key, list[tuple[Any, ...]]] = defaultdict(list)
        for k, *rest in fetch(done.filter(status="won"), group, "amount_cents", "from_lead", "from_deal"):
            won[k if key else ALL].append(tuple(rest))
        out = {}
        for k in set(won) | set(lost):
            items = won.get(k, [])
            from_lead = [i[1] for i in items if i[1] is not None]
            from_deal = [i[2] for i in items if i[2] is not None]
            out[k] = Closed(
                won=len(items), lost=lost.get(k, 0),
                won_sum=Decimal(sum(i[0] for i in items)).scaleb(-2),
                ticket_median=m.median([i[0] / 100 for i in items]),
                from_lead_median=m.median(from_lead), from_lead_p80=m.percentile(from_lead, 80),
                from_deal_median=m.median(from_deal), from_deal_p80=m.percentile(from_deal, 80),
            )
        return out

    def retention(self, by: str | None) -> dict[Key, tuple[int, int]]:
        key = DEAL_KEY[by]

        previous = self.period.previous()
        start = self.period.start
        both = self._deals(by, Period(previous.start, self.period.end)).filter(
            status="won", account_id__isnull=False
        )
        # per slice and account: won before, won now (GROUP BY treats a missing key as one value)
        before, now = Q(closed_day__lt=start), Q(closed_day__gte=start)
        pairs = both.values(k=F(key) if key else Value(ALL), a=F("account_id")).annotate(
            p=Max(Case(When(before, then=Value(1)), default=Value(0))),
            c=Max(Case(When(now, then=Value(1)), default=Value(0))),
        )
        try:
            inner, params = pairs.order_by().query.sql_with_params()
        except EmptyResultSet:
            return {}
        sql = f"SELECT k, SUM(p), SUM(p * c) FROM ({inner}) t GROUP BY k HAVING SUM(p) > 0"  # noqa: S608
        with connections[both.db].cursor() as cur:
            cur.execute(sql, params)
            return {k: (int(prev), int(again)) for k, prev, again in cur.fetchall()}

    def campaign_won(self, by: str | None, ids: list[int]) -> dict[Key, Decimal]:
        key = {None: None, "channel": "channel_id", "campaign": "campaign_id"}[by]
        won = self._deals(None, self.period).filter(status="won", campaign_id__in=ids)
        found: dict[Key, int] = defaultdict(int)
        for k, cents in fetch(won, key or "status", "amount_cents"):
            found[k if key else ALL] += cents
        return {k: Decimal(c).scaleb(-2) for k, c in found.items()}

    def pipeline(self, by: str | None, predicted: bool) -> list[PipelineRow]:
        """Open deals summed per slice, month and probability (the deal's, else its stage's, read
        live), then weighted here: Σ amount × p / 100 per probability is the same exact decimal as
        the raw tables' Σ of each amount × p / 100."""
        key = DEAL_KEY[by]
        # each deal as often as the raw join with its lines lists it (DealFact.lines)
        amount = F("amount") * F("lines") if by == "product" else F("amount")
        money = ExpressionWrapper(amount, output_field=DecimalField())
        aggregates: dict[str, Any] = {"n": Count("pk"), "value": Sum(money)}
        if predicted:
            chance = ExpressionWrapper(amount * F("prediction__probability"), output_field=FloatField())
            aggregates["predicted"] = Sum(chance)
        groups = [g for g in (key, "expected_month", "probability", "stage_id") if g]
        stages = dict(PipelineStage.objects.values_list("pk", "probability"))
        merged: dict[tuple[Key, Any], dict[str, Any]] = {}
        for row in self._deals(by).filter(status="open").values(*groups).annotate(**aggregates).order_by():
            cell = merged.setdefault(
                (row[key] if key else ALL, row["expected_month"]),
                {"n": 0, "value": None, "weighted": None, "predicted": None},
            )
            cell["n"] += row["n"]
            value, weight = row["value"], row["probability"]
            weight = stages.get(row["stage_id"]) if weight is None else weight
            if value is not None:
                cell["value"] = (cell["value"] or Decimal(0)) + value
                if weight is not None:
                    cell["weighted"] = (cell["weighted"] or Decimal(0)) + value * weight / 100
            if row.get("predicted") is not None:
                cell["predicted"] = (cell["predicted"] or 0.0) + row["predicted"]
        return [PipelineRow(key=k, month=month, **cell) for (k, month), cell in merged.items()]

    # ---- the dashboard's monthly trend ------------------------------------------------------------

    def trend(self, first: dt.date, months: int) -> dict[dt.date, dict[str, Any]]:
        """Leads in, deals won and won amount per month, `months` months from `first`."""
        last = add_months(first, months - 1)
        out: dict[dt.date, dict[str, Any]] = {}
        leads = self._lead_rows("all", False).filter(grain="m", day__gte=first, day__lte=last)
        counted: dict[dt.date, int] = defaultdict(int)
        for day, data in leads.values_list("day", "data").order_by():
            counted[day] += data.get("n", 0)
        for day, n in counted.items():
            out.setdefault(day, {"leads_in": 0, "won_count": 0, "won_amount": 0.0})["leads_in"] = n
        won = self._deals(None, Period(first, period_end(last, "month"))).filter(status="won")
        by_month: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
        for day, n, cents in won.values_list("closed_day").annotate(n=Count("pk"), c=Sum("amount_cents")):
            by_month[day.replace(day=1)][0] += n
            by_month[day.replace(day=1)][1] += cents or 0
        for month, (n, cents) in by_month.items():
            row = out.setdefault(month, {"leads_in": 0, "won_count": 0, "won_amount": 0.0})
            row.update(won_count=n, won_amount=float(Decimal(cents).scaleb(-2)))
        return out
