"""Routing's stored explanations (core.explain): codes with parameters, rendered in the reader's
language. `routing_route` names the way a lead took (rule, default pool or team queue),
`routing_why` why nobody could take it, `routing_stage` a lifecycle stage."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imbuto.core import explain

from . import engine

WARNINGS = {
    "score_range_empty": gettext_lazy("This rule can never match: its minimum score is above its maximum."),
    "shadowed": gettext_lazy(
        "This rule is never reached: rule '%(rule)s' before it matches every lead it would."
    ),
    "no_member_with_skill": gettext_lazy(
        "Nobody in the pool has the skill '%(skill)s': its leads will wait."
    ),
    "pool_empty": gettext_lazy(
        "Pool '%(pool)s' has nobody in it: its leads will wait in the unassigned queue."
    ),
    "nobody_available": gettext_lazy(
        "Nobody in pool '%(pool)s' is available now: new leads wait in the unassigned queue until someone is."
    ),
    "all_full": gettext_lazy(
        "Everybody available in pool '%(pool)s' is at capacity: new leads wait in the "
        "unassigned queue until capacity frees up."
    ),
}


def warning_text(code: str, params: dict[str, Any]) -> str:
    template = WARNINGS.get(code)
    if template is None:
        return code
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def route_text(route: Any) -> str:
    """ "rule 'Nord Italia' -> pool 'IT-North'" in the reader's language."""
    if not isinstance(route, dict):
        return str(route or "")
    values = {"rule": route.get("rule", ""), "pool": route.get("pool", "")}
    kind = route.get("kind")
    if kind == "rule":
        return _("rule '%(rule)s' -> pool '%(pool)s'") % values
    if kind == "default":
        return _("no rule matched -> default pool '%(pool)s'") % values
    return _("the team's queue -> pool '%(pool)s'") % values


def why_text(why: Any) -> str:
    """Why nobody in a pool could take a lead, counted by reason."""
    if not isinstance(why, dict):
        return str(why or "")
    if not why.get("members"):
        return _("the pool has nobody in it")
    parts = []
    if why.get("away"):
        parts.append(_("%(n)s out of office") % {"n": why["away"]})
    if why.get("hours"):
        parts.append(_("%(n)s outside working hours") % {"n": why["hours"]})
    if why.get("skill"):
        parts.append(_("%(n)s without the skill") % {"n": why["skill"]})
    if why.get("full"):
        parts.append(_("%(n)s at capacity") % {"n": why["full"]})
    return ", ".join(parts) or _("nobody available")


def stage_text(stage: Any) -> str:
    from imbuto.leads.choices import Stage

    return str(dict(Stage.choices).get(stage, stage))


def register() -> None:
    explain.register(
        engine.ASSIGNED,
        gettext_lazy(
            "Routed: %(routing_route)s -> %(owner)s: lowest load relative to their weight "
            "(%(load)s open leads, weight %(weight)s)."
        ),
    )
    explain.register(
        engine.NURTURING,
        gettext_lazy(
            "Routed: %(routing_route)s -> %(owner)s, who nurtures leads that are not sales qualified yet "
            "(%(routing_stage)s)."
        ),
    )
    explain.register(
        engine.WAITING,
        gettext_lazy(
            "Routing: %(routing_route)s, but nobody can take it now (%(routing_why)s): it waits in the "
            "unassigned queue."
        ),
    )
    explain.register(
        engine.NO_POOL,
        gettext_lazy(
            "Routing: no rule matched and there is no default pool: it waits in the unassigned queue."
        ),
    )
    explain.register_param("routing_route", route_text)
    explain.register_param("routing_why", why_text)
    explain.register_param("routing_stage", stage_text)
