"""Permission-scoped reads of deals for the API, the list, the board and the detail page.

`deal_list` follows the lead list's conventions: filter names of the API contract (pipeline, stage,
owner, team, account, close_before, close_after, status, search), `ordering` and a keyset cursor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.errors import NotFound, ValidationFailed
from imbuto.leads.selectors import decode_cursor, encode_cursor

from . import policies
from .models import Deal, LossRecycling, Pipeline, PipelineStage, Product, StageOutcome

ORDERINGS = {
    "created_at": "created_at",
    "updated_at": "updated_at",
    "name": "name",
    "amount": "amount_key",
    "expected_close": "close_key",
    "stage": "stage__position",
}
DEFAULT_ORDERING = "-created_at"
MAX_LIMIT = 500
FAR_DATE = dt.date(9999, 12, 31)


@dataclass
class DealPage:
    items: list[Deal]
    next_cursor: str | None
    ordering: str


def visible_deals(user: Any, action: str = "view") -> QuerySet[Deal]:
    return permissions.restrict(user, Deal.objects.all(), action)


def deal_get(user: Any, deal_id: int) -> Deal:
    """One deal, or NotFound (a deal outside the user's scope is not acknowledged)."""
    deal = (
        visible_deals(user)
        .select_related("pipeline", "stage", "owner", "team", "account", "contact", "lead")
        .prefetch_related("lines__product")
        .filter(pk=deal_id)
        .first()
    )
    if deal is None:
        raise NotFound(_("No such deal."))
    return deal


def _as_id(value: Any) -> int | None:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 18 else None


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed(
            _("%(name)s is not a date (YYYY-MM-DD).") % {"name": name}, fields={name: [_("Use YYYY-MM-DD.")]}
        ) from exc


def filter_deals(qs: QuerySet[Deal], params: dict[str, Any]) -> QuerySet[Deal]:
    p = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in params.items()}
    p = {k: v for k, v in p.items() if v not in (None, "", [])}
    if "pipeline" in p:
        qs = qs.filter(pipeline_id=_as_id(p["pipeline"]) or 0)
    if "stage" in p:
        values = [v.strip() for v in str(p["stage"]).split(",") if v.strip()]
        ids = [i for i in map(_as_id, values) if i is not None]
        qs = qs.filter(Q(stage__key__in=values) | Q(stage_id__in=ids))
    if "status" in p:
        qs = qs.filter(status__in=[v.strip() for v in str(p["status"]).split(",")])
    if "owner" in p:
        owner = str(p["owner"])
        if owner in ("none", "unassigned"):
            qs = qs.filter(owner__isnull=True)
        else:
            qs = qs.filter(owner_id=_as_id(owner)) if _as_id(owner) else qs.filter(owner__username=owner)
    if "team" in p:
        team = str(p["team"])
        team_id = _as_id(team)
        qs = qs.filter(team_id=team_id) if team_id is not None else qs.filter(team__slug=team)
    if "account" in p:
        qs = qs.filter(account_id=_as_id(p["account"]) or 0)
    if "close_after" in p:
        qs = qs.filter(expected_close__gte=_date(p["close_after"], "close_after"))
    if "close_before" in p:
        qs = qs.filter(expected_close__lt=_date(p["close_before"], "close_before"))
    if "search" in p:
        for word in str(p["search"]).split()[:8]:
            qs = qs.filter(
                Q(name__icontains=word) | Q(account__name__icontains=word) | Q(competitor__icontains=word)
            )
    return qs


def _ordering(ordering: str) -> str:
    if ordering.lstrip("-") not in ORDERINGS:
        raise ValidationFailed(
            _("Unknown ordering %(o)r.") % {"o": ordering}, fields={"ordering": [", ".join(ORDERINGS)]}
        )
    return ORDERINGS[ordering.lstrip("-")]


def deal_list(user: Any, params: dict[str, Any], *, limit: int = 50, cursor: str | None = None) -> DealPage:
    """A page of visible deals, filtered and ordered, and the cursor of the next page."""
    ordering = params.get("ordering") or DEFAULT_ORDERING
    key = _ordering(ordering)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(_("limit must be between 1 and 500."), fields={"limit": [_("Out of range.")]})
    qs = filter_deals(visible_deals(user), params).annotate(
        amount_key=Coalesce(
            "amount", Value(Decimal(-1)), output_field=DecimalField(max_digits=14, decimal_places=2)
        ),
        close_key=Coalesce("expected_close", Value(FAR_DATE)),
    )
    desc = ordering.startswith("-")
    sign = "-" if desc else ""
    qs = qs.order_by(f"{sign}{key}", f"{sign}id")
    if cursor:
        value, last_id = decode_cursor(cursor, (str, int, float))
        op = "lt" if desc else "gt"
        value = _cursor_value(key, value)
        qs = qs.filter(Q(**{f"{key}__{op}": value}) | Q(**{key: value, f"id__{op}": last_id}))
    qs = qs.select_related("pipeline", "stage", "owner", "team", "account").prefetch_related("lines__product")
    items = list(qs[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    last = items[-1] if items else None
    value = (last.stage.position if key == "stage__position" else getattr(last, key)) if last else None
    nxt = encode_cursor([_cursor_key(value), last.pk]) if more and last is not None else None
    return DealPage(items=list[Deal](items), next_cursor=nxt, ordering=ordering)


def _cursor_key(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _cursor_value(key: str, value: Any) -> Any:
    try:
        if key in ("created_at", "updated_at"):
            parsed = dt.datetime.fromisoformat(str(value))
            return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        if key == "close_key":
            return dt.date.fromisoformat(str(value))
        if key == "amount_key":
            return Decimal(str(value))
    except (ValueError, ArithmeticError) as exc:
        raise ValidationFailed(_("The cursor is not valid."), fields={"cursor": [_("Invalid.")]}) from exc
    return value


def owner_choices(user: Any) -> list[Any]:
    """The active people `user` may make a deal's owner (policies.may_give_deal decides), by name."""
    from imbuto.users.models import User

    users = User.objects.filter(is_active=True)
    if permissions.role_of(user) != "admin":  # a superset narrowed in SQL; the policy decides below
        users = users.filter(Q(pk=user.pk) | Q(team_id=user.team_id) if user.team_id else Q(pk=user.pk))
    users = users.order_by("first_name", "last_name", "username")
    return [u for u in users if policies.may_give_deal(user, u)]


def pipelines(user: Any) -> QuerySet[Pipeline]:
    return permissions.restrict(user, Pipeline.objects.all()).prefetch_related("stages")


def pipeline_get(user: Any, pipeline_id: int) -> Pipeline:
    found = pipelines(user).filter(pk=pipeline_id).first()
    if found is None:
        raise NotFound(_("No such pipeline."))
    return found


def stage_get(user: Any, stage_id: int) -> PipelineStage:
    found = (
        permissions.restrict(user, PipelineStage.objects.select_related("pipeline"))
        .filter(pk=stage_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No such stage."))
    return found


def products(user: Any, *, active_only: bool = False) -> QuerySet[Product]:
    qs = permissions.restrict(user, Product.objects.all())
    return qs.filter(active=True) if active_only else qs


def product_get(user: Any, product_id: int) -> Product:
    found = products(user).filter(pk=product_id).first()
    if found is None:
        raise NotFound(_("No such product."))
    return found


def recycling(user: Any) -> QuerySet[LossRecycling]:
    return permissions.restrict(user, LossRecycling.objects.all())


# ---- the board ---------------------------------------------------------------------------------------

CARDS_PER_COLUMN = 50


@dataclass
class Column:
    stage: PipelineStage
    count: int = 0
    total: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    cards: list[Deal] = field(default_factory=list)
    next_cursor: str | None = None  # where "load more" carries on (board_cards)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.cards))


@dataclass
class CardPage:
    cards: list[Deal]
    next_cursor: str | None
    remaining: int  # after these cards


def board_deals(user: Any, pipeline: Pipeline, params: dict[str, Any], now: dt.datetime) -> QuerySet[Deal]:
    """The deals the board shows: visible, matching the filters; closed ones only from the filters'
    close month, or from the last 30 days."""
    qs = filter_deals(visible_deals(user), {**params, "pipeline": pipeline.pk})
    if not (params.get("close_after") or params.get("close_before")):
        qs = qs.filter(Q(status=StageOutcome.OPEN) | Q(closed_at__gte=now - dt.timedelta(days=30)))
    return qs


def _after(qs: QuerySet[Deal], cursor: str | None) -> QuerySet[Deal]:
    """Keyset: the cards after (stage_changed_at, id) of the cursor, in the board's order."""
    if not cursor:
        return qs
    value, last_id = decode_cursor(cursor, str)
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(_("The cursor is not valid."), fields={"cursor": [_("Invalid.")]}) from exc
    if timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    return qs.filter(Q(stage_changed_at__gt=at) | Q(stage_changed_at=at, id__gt=last_id))


def _cards(
    qs: QuerySet[Deal], stage: PipelineStage, now: dt.datetime, *, limit: int, cursor: str | None = None
) -> tuple[list[Deal], str | None]:
    rows = _after(qs.filter(stage=stage), cursor)
    cards = list(rows.select_related("owner", "account").order_by("stage_changed_at", "id")[: limit + 1])
    more, cards = len(cards) > limit, cards[:limit]
    for card in cards:
        card.stage = stage
        card.rotting = is_rotting(card, stage, now)  # type: ignore[attr-defined]
    last = cards[-1] if cards else None
    return cards, encode_cursor([last.stage_changed_at, last.pk]) if more and last else None


def board(
    user: Any,
    pipeline: Pipeline,
    params: dict[str, Any],
    *,
    per_column: int = CARDS_PER_COLUMN,
    now: dt.datetime | None = None,
) -> list[Column]:
    """The pipeline's columns: count, total and weighted total of the visible deals matching the
    filters (one grouped query), and the first cards of each column (one query per column, oldest
    change first, so the deals waiting longest are on top) with the cursor of the next ones. Won and
    lost columns show the deals closed in the filters' close month, or in the last 30 days."""
    now = now or timezone.now()
    stages = list(pipeline.stages.all())
    qs = board_deals(user, pipeline, params, now)
    probability = Coalesce("probability", "stage__probability")
    sums = {
        row["stage_id"]: row
        for row in qs.order_by()
        .values("stage_id")
        .annotate(
            n=Count("id"),
            total=Sum("amount"),
            weighted=Sum(
                F("amount") * probability / Value(Decimal(100)),
                output_field=DecimalField(max_digits=20, decimal_places=2),
            ),
        )
    }
    columns = []
    for stage in stages:
        row: dict[str, Any] = dict(sums.get(stage.pk, {}))
        column = Column(
            stage=stage,
            count=row.get("n", 0),
            total=row.get("total") or Decimal(0),
            weighted=Decimal(row.get("weighted") or 0).quantize(Decimal("0.01")),
        )
        if column.count:
            column.cards, column.next_cursor = _cards(qs, stage, now, limit=per_column)
        columns.append(column)
    return columns


def board_cards(
    user: Any,
    pipeline: Pipeline,
    stage: PipelineStage,
    params: dict[str, Any],
    *,
    cursor: str | None,
    limit: int = CARDS_PER_COLUMN,
    now: dt.datetime | None = None,
) -> CardPage:
    """The next cards of one column after `cursor` (a column's "load more"), with how many remain."""
    now = now or timezone.now()
    qs = board_deals(user, pipeline, params, now)
    cards, next_cursor = _cards(qs, stage, now, limit=limit, cursor=cursor)
    remaining = _after(qs.filter(stage=stage), next_cursor).count() if next_cursor else 0
    return CardPage(cards=cards, next_cursor=next_cursor, remaining=remaining)


def is_rotting(deal: Deal, stage: PipelineStage, now: dt.datetime) -> bool:
    """An open deal idle in its stage past the stage's idle limit."""
    return (
        deal.status == StageOutcome.OPEN
        and stage.idle_days is not None
        and deal.stage_changed_at < now - dt.timedelta(days=stage.idle_days)
    )
