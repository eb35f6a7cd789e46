"""/api/v1/routing: rules, pools (with members), settings, "route again"; and
/api/v1/leads/{id}/routing, how one lead was routed. Thin adapters over config, services and
selectors; domain errors become the API's one error shape (422 per field, 403, 404)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from imbuto.core import explain, permissions
from imbuto.core.errors import NotFound, PermissionDenied, ValidationFailed
from imbuto.leads import bulk
from imbuto.leads.schemas import LIST_ONLY

from . import config, presenters, selectors, services
from .models import Pool, PoolMember, Rule, Settings
from .schemas import (
    LeadRoutingOut,
    MemberIn,
    PoolFields,
    PoolIn,
    PoolOut,
    RouteIn,
    RouteOut,
    RoutingRuleIn,
    RoutingRuleOut,
    RuleFields,
    SettingsIn,
    SettingsOut,
)

router = Router(tags=["routing"])


def _viewer(request: HttpRequest) -> Any:
    if not permissions.can(request.auth, "view", Rule):
        permissions.audit_denial(request.auth, "view", "routing.rule", None)
        raise PermissionDenied(_("Routing is configured by administrators and sales managers."))
    return request.auth


def _rule(request: HttpRequest, rule_id: int) -> Rule:
    rule = selectors.rules_of(_viewer(request)).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No such rule."))
    return rule


def _pool(request: HttpRequest, pool_id: int) -> Pool:
    pool = selectors.pools_of(_viewer(request)).filter(pk=pool_id).first()
    if pool is None:
        raise NotFound(_("No such pool."))
    return pool


def _rule_answer(rule: Rule) -> dict[str, Any]:
    view = presenters.overview([rule], [])
    return presenters.rule_out(rule, view.rule_warnings.get(rule.pk, []))


def _pool_answer(pool: Pool) -> dict[str, Any]:
    pool = Pool.objects.select_related("team").get(pk=pool.pk)
    return presenters.pool_out(pool, presenters.overview([], [pool]))


def _rule_values(payload: RuleFields) -> dict[str, Any]:
    """The fields sent; a null name, pool or active flag means "not given" (they cannot be empty)."""
    values = payload.model_dump(exclude_unset=True)
    if "pool_id" in values:
        values["pool"] = values.pop("pool_id")
    return {
        k: v for k, v in values.items() if v is not None or k not in ("name", "is_active", "pool", "skill")
    }


@router.get("/routing/rules", response=list[RoutingRuleOut])
def rule_list(request: HttpRequest) -> Any:
    """The routing rules in order (first match wins), each with its warnings."""
    rules = list(selectors.rules_of(_viewer(request)))
    view = presenters.overview(rules, [])
    return [presenters.rule_out(r, view.rule_warnings.get(r.pk, [])) for r in rules]


@router.post("/routing/rules", response={201: RoutingRuleOut})
def rule_create(request: HttpRequest, payload: RoutingRuleIn) -> Any:
    """A new rule (last in the order unless `position` says otherwise). A manager: to their team's pool."""
    rule = config.rule_save(actor=_viewer(request), rule=None, values=_rule_values(payload))
    return Status(201, _rule_answer(rule))


@router.get("/routing/rules/{int:rule_id}", response=RoutingRuleOut)
def rule_get(request: HttpRequest, rule_id: int) -> Any:
    return _rule_answer(_rule(request, rule_id))


@router.patch("/routing/rules/{int:rule_id}", response=RoutingRuleOut)
def rule_update(request: HttpRequest, rule_id: int, payload: RuleFields) -> Any:
    rule = config.rule_save(actor=request.auth, rule=_rule(request, rule_id), values=_rule_values(payload))
    return _rule_answer(rule)


@router.delete("/routing/rules/{int:rule_id}", response={204: None})
def rule_delete(request: HttpRequest, rule_id: int) -> Any:
    config.rule_delete(actor=request.auth, rule=_rule(request, rule_id))
    return Status(204, None)


@router.get("/routing/pools", response=list[PoolOut])
def pool_list(request: HttpRequest) -> Any:
    """The pools with their members (load, availability now) and warnings."""
    pools = list(selectors.pools_of(_viewer(request)))
    view = presenters.overview([], pools)
    return [presenters.pool_out(p, view) for p in pools]


def _pool_values(payload: PoolFields) -> dict[str, Any]:
    """The fields sent; a null name, team or default flag means "not given" (they cannot be empty)."""
    values = payload.model_dump(exclude_unset=True, exclude={"members"})
    if "team_id" in values:
        values["team"] = values.pop("team_id")
    if "nurturing_owner_id" in values:
        values["nurturing_owner"] = values.pop("nurturing_owner_id")
    return {k: v for k, v in values.items() if v is not None or k not in ("name", "team", "is_default")}


def _replace_members(actor: Any, pool: Pool, members: list[MemberIn]) -> None:
    """The pool's members become exactly `members` (one row per user; the first wins)."""
    wanted: dict[int, dict[str, Any]] = {}
    for i, m in enumerate(members):
        if m.user_id in wanted:
            raise ValidationFailed(
                _("A rep is listed twice."), fields={f"members.{i}.user_id": [_("Listed twice.")]}
            )
        wanted[m.user_id] = m.model_dump()
    current = {m.user_id: m for m in PoolMember.objects.filter(pool=pool)}
    for user_id, member in current.items():
        if user_id not in wanted:
            config.member_delete(actor=actor, member=member)
    for i, (user_id, values) in enumerate(wanted.items()):
        values["user"] = values.pop("user_id")
        member = current.get(user_id)
        if member is not None:
            values.pop("user")
        try:
            config.member_save(actor=actor, pool=pool, member=member, values=values)
        except ValidationFailed as exc:
            raise ValidationFailed(
                exc.message, fields={f"members.{i}.{k}": v for k, v in exc.fields.items()}
            ) from None


@router.post("/routing/pools", response={201: PoolOut})
def pool_create(request: HttpRequest, payload: PoolIn) -> Any:
    """A new pool for a team (one per team), optionally with its members."""
    actor = _viewer(request)
    with transaction.atomic():
        pool = config.pool_save(actor=actor, pool=None, values=_pool_values(payload))
        if payload.members is not None:
            _replace_members(actor, pool, payload.members)
    return Status(201, _pool_answer(pool))


@router.get("/routing/pools/{int:pool_id}", response=PoolOut)
def pool_get(request: HttpRequest, pool_id: int) -> Any:
    return _pool_answer(_pool(request, pool_id))


@router.patch("/routing/pools/{int:pool_id}", response=PoolOut)
def pool_update(request: HttpRequest, pool_id: int, payload: PoolFields) -> Any:
    """Change a pool; `members`, when given, replaces its members."""
    pool = _pool(request, pool_id)
    with transaction.atomic():
        pool = config.pool_save(actor=request.auth, pool=pool, values=_pool_values(payload))
        if payload.members is not None:
            _replace_members(request.auth, pool, payload.members)
    return _pool_answer(pool)


@router.delete("/routing/pools/{int:pool_id}", response={204: None})
def pool_delete(request: HttpRequest, pool_id: int) -> Any:
    """Delete a pool and the rules that send leads to it."""
    config.pool_delete(actor=request.auth, pool=_pool(request, pool_id))
    return Status(204, None)


@router.get("/routing/settings", response=SettingsOut)
def settings_get(request: HttpRequest) -> Any:
    _viewer(request)
    return {"nurturing_owner_id": Settings.get().nurturing_owner_id}


@router.patch("/routing/settings", response=SettingsOut)
def settings_update(request: HttpRequest, payload: SettingsIn) -> Any:
    """The global nurturing owner (administrators)."""
    config_row = config.settings_save(actor=_viewer(request), nurturing_owner=payload.nurturing_owner_id)
    return {"nurturing_owner_id": config_row.nurturing_owner_id}


@router.post("/routing/route", response=RouteOut)
def route_again(request: HttpRequest, payload: RouteIn) -> Any:
    """Route leads again by the rules (`ids`, or every lead matching `filter`; at most 2,000): each
    lead a rep can take gets one, with its explanation in the history; a lead nobody can take now
    keeps its owner (`waiting`). Administrators and sales managers, on leads they may change."""
    if (payload.ids is None) == (payload.filter is None):
        raise ValidationFailed(
            _("Send either `ids` or `filter`."), fields={"ids": [_("Send either `ids` or `filter`.")]}
        )
    if not services.may_route_again(request.auth):
        permissions.audit_denial(request.auth, "route", "routing.rule", None)
        raise PermissionDenied(_("Only administrators and sales managers route leads again."))
    filters = payload.filter.model_dump(exclude=LIST_ONLY | {"ordering"}) if payload.filter else None
    leads, missing = bulk.bulk_selection(request.auth, ids=payload.ids, filters=filters)
    report, refused = services.leads_route_again(actor=request.auth, leads=leads)
    items = []
    for lead in leads:
        decision = report.decisions.get(lead.pk)
        text = explain.render(decision.code, decision.params) if decision else ""
        if lead.pk in refused:
            items.append(
                {"id": lead.pk, "status": "refused", "owner_id": lead.owner_id, "text": refused[lead.pk]}
            )
        elif lead.pk in report.assigned:
            items.append(
                {
                    "id": lead.pk,
                    "status": "done",
                    "owner_id": decision.owner_id if decision else None,
                    "text": text,
                }
            )
        elif decision is not None and decision.owner_id is None:
            items.append({"id": lead.pk, "status": "waiting", "owner_id": lead.owner_id, "text": text})
        else:
            items.append({"id": lead.pk, "status": "unchanged", "owner_id": lead.owner_id, "text": text})
    items += [{"id": i, "status": "not_found"} for i in missing]
    counts: dict[str, int] = {}
    for item in items:
        counts[item["status"]] = counts.get(item["status"], 0) + 1
    return {"counts": counts, "items": items}


@router.get("/leads/{int:lead_id}/routing", response=LeadRoutingOut, tags=["leads"])
def lead_routing(request: HttpRequest, lead_id: int) -> Any:
    """How this lead was routed: the latest decision explained (rule -> pool -> rep and why), the
    earlier ones, and whether it waits for a rep."""
    story = selectors.lead_routing(request.auth, lead_id)
    entries = [presenters.explanation_out(e) for e in story.entries]
    wait = story.waiting
    waiting_reason = None
    if wait is not None:
        waiting_reason = {
            "at": wait.since,
            "actor": "system",
            "code": wait.code,
            "params": wait.params,
            "text": explain.render(wait.code, wait.params),
            "changes": {},
        }
    return {
        "lead_id": story.lead.pk,
        "owner_id": story.lead.owner_id,
        "team_id": story.lead.team_id,
        "waiting": wait is not None,
        "waiting_since": wait.since if wait else None,
        "waiting_reason": waiting_reason,
        "latest": entries[0] if entries else None,
        "history": entries,
    }
