"""Who owns a lead, and which team's queue it sits in: one rule, one writer.

`assignment()` is the rule (who may hand a lead to whom, and which team follows), decided on users in
memory so a batch of any size costs one call; `apply_assignment()` is the only code that sets a
lead's owner and team; `lead_assign()` is the service for an existing lead. Creation (intake, the UI,
`lead_create`), edits (`lead_update`, the API's PATCH), bulk actions (`leads_assign`) and routing
(`leads_assign_decided`, set-based) all go through here.

- the system (actor None) may assign to anyone;
- an admin may assign to anyone, or leave a lead unassigned;
- a sales manager assigns within their own team (themselves, a member, or the team's unassigned
  queue); handing a lead to another team is an admin's act;
- a sales rep keeps their own leads: a lead a rep creates is theirs, and a rep can neither give one
  away nor leave it unassigned;
- a marketer hands leads to anyone (passing a lead to sales is their job).
The team follows the owner's team; an unassigned lead keeps its team's queue (a manager's new
unassigned lead goes to the manager's team).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import events, history, permissions
from imbuto.core.errors import DomainError, PermissionDenied, ValidationFailed
from imbuto.core.types import Actor

from . import events as lead_events
from .models import Lead

UNCHANGED = object()


def may_assign(actor: Actor, owner: Any, *, keeping: Any = UNCHANGED) -> bool:
    """May `actor` make `owner` (a user or None) the owner? `keeping` is the current owner on an edit."""
    if actor is None:
        return True
    role = permissions.role_of(actor)
    owner_id = getattr(owner, "pk", None)
    if keeping is not UNCHANGED and owner_id == getattr(keeping, "pk", keeping):
        return True  # not a change
    if role in ("admin", "marketer"):
        return True
    if role == "manager":
        if owner is None or owner_id == actor.pk:
            return True
        return bool(actor.team_id) and getattr(owner, "team_id", None) == actor.team_id
    if role == "rep":
        return owner_id == actor.pk
    return False


def check_defaults(actor: Actor, owner: Any, team: Any) -> None:
    """A set-up (web form, chat, import) may name a default owner or team only as `actor` could assign
    them: the same rule as handing over a lead. Raises ValidationFailed on the field otherwise."""
    if owner is not None and not may_assign(actor, owner):
        raise ValidationFailed(denial_message(actor, creating=False),
                               fields={"default_owner": [_("You may not hand leads to this person.")]})
    role = permissions.role_of(actor)
    if (team is not None and actor is not None and role not in ("admin", "marketer")
            and getattr(team, "pk", team) != actor.team_id):
        raise ValidationFailed(_("A sales manager sends leads to their own team only."),
                               fields={"default_team": [_("Not your team.")]})


def denial_message(actor: Actor, creating: bool) -> str:
    role = permissions.role_of(actor)
    if role == "rep":
        return (_("A sales rep creates leads for themselves only.") if creating
                else _("A sales rep keeps their own leads: a manager or an admin assigns them."))
    if role == "manager":
        return _("A sales manager assigns leads within their own team; handing a lead to another "
                 "team is an administrator's act.")
    return _("You may not assign leads.")


def assignment(*, actor: Actor, owner: Any, lead: Lead | None = None) -> tuple[Any, int | None]:
    """(owner, team id) for a new lead (`lead` None) or an existing one, or an audited PermissionDenied.

    Checked before any transaction opens, so the audit record of a refusal is kept."""
    creating = lead is None
    if creating and owner is None and permissions.role_of(actor) == "rep":
        owner = actor
    keeping = UNCHANGED if lead is None else lead.owner_id
    if owner is not None and not getattr(owner, "is_active", True):
        raise ValidationFailed(_("This user is not active."), fields={"owner": [_("Not active.")]})
    if not may_assign(actor, owner, keeping=keeping):
        permissions.audit_denial(actor, "assign", "leads.lead", getattr(lead, "pk", None),
                                 detail={"owner": getattr(owner, "pk", None)})
        raise PermissionDenied(denial_message(actor, creating))
    if owner is not None and getattr(owner, "team_id", None):
        return owner, owner.team_id
    if lead is not None:
        return owner, lead.team_id
    manager = actor is not None and permissions.role_of(actor) == "manager"
    return owner, actor.team_id if manager and actor is not None and actor.team_id else None


def assignable_users(actor: Actor) -> Any:
    """The active users `actor` may hand a lead to (the choices a form offers), in one query."""
    from imbuto.users.models import User

    users = User.objects.filter(is_active=True).select_related("team")
    role = permissions.role_of(actor)
    if actor is None or role is None:  # the system assigns nobody through a form; role None: no one
        return users.none()
    if role in ("admin", "marketer"):
        return users
    if role == "manager":
        return users.filter(team_id=actor.team_id) | users.filter(pk=actor.pk) if actor.team_id \
            else users.filter(pk=actor.pk)
    if role == "rep":
        return users.filter(pk=actor.pk)
    return users.none()


def apply_assignment(lead: Lead, owner: Any, team_id: int | None) -> dict[str, list[Any]]:
    """Set owner and team on `lead` (in memory); the {field: [old, new]} that changed."""
    changes: dict[str, list[Any]] = {}
    if lead.owner_id != getattr(owner, "pk", None):
        changes["owner"] = [lead.owner_id, getattr(owner, "pk", None)]
        lead.owner = owner
    if lead.team_id != team_id:
        changes["team"] = [lead.team_id, team_id]
        lead.team_id = team_id
    return changes


def lead_assign(*, actor: Actor, lead: Lead, owner: Any, reason: str = "") -> Lead:
    """Give `lead` to `owner` (None: the team's unassigned queue), as `assignment` allows."""
    permissions.require(actor, "change", lead)
    owner, team_id = assignment(actor=actor, owner=owner, lead=lead)
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        changes = apply_assignment(locked, owner, team_id)
        if not changes:
            return locked
        locked.save(update_fields=["owner", "team", "updated_at"])
        history.record(locked, actor=actor, action="updated", changes=changes, reason=reason)
        events.emit(lead_events.LeadUpdated(
            lead_ids=(locked.pk,), fields=tuple(sorted(changes)), actor_id=events.actor_id_of(actor),
            previous={f: history.jsonable(old) for f, (old, _new) in changes.items()}))
    return locked


def may_queue(actor: Any, team: Any) -> bool:
    """May `actor` put leads, unassigned, in `team`'s queue? Admins (and the system) any team's, a
    sales manager their own team's; a marketer hands leads to sales, so any team's too."""
    role = "system" if actor is None else permissions.role_of(actor)
    if role in ("system", "admin", "marketer"):
        return True
    return role == "manager" and bool(actor.team_id) and actor.team_id == team.pk


def leads_assign(*, actor: Any, leads: Iterable[Lead], owner: Any, team: Any = None, reason: str = ""
                 ) -> tuple[list[Lead], list[Lead], dict[int, DomainError]]:
    """The set-based form of `lead_assign` for bulk actions: the same rule for each lead, decided in
    memory; then one transaction that locks the accepted leads, one history insert and one event.
    With `owner` None and a `team`, the leads go unassigned to that team's queue (`may_queue`).

    Returns (changed, unchanged, {lead id: why refused})."""
    accepted: dict[int, tuple[Any, int | None]] = {}
    refused: dict[int, DomainError] = {}
    if owner is None and team is not None and not may_queue(actor, team):
        permissions.audit_denial(actor, "assign", "leads.lead", None, detail={"team": team.pk})
        denied = PermissionDenied(denial_message(actor, False))
        return [], [], {lead.pk: denied for lead in leads}
    for lead in leads:
        try:
            permissions.require(actor, "change", lead)
            accepted[lead.pk] = assignment(actor=actor, owner=owner, lead=lead)
            if owner is None and team is not None:
                accepted[lead.pk] = (None, team.pk)
        except DomainError as exc:
            refused[lead.pk] = exc
    changed: list[Lead] = []
    unchanged: list[Lead] = []
    changes_of: dict[int, dict[str, list[Any]]] = {}
    with transaction.atomic():
        now = timezone.now()
        for locked in Lead.objects.select_for_update().filter(pk__in=list(accepted)).order_by("pk"):
            changes = apply_assignment(locked, *accepted[locked.pk])
            if changes:
                locked.updated_at = now
                changes_of[locked.pk] = changes
                changed.append(locked)
            else:
                unchanged.append(locked)
        if changed:
            Lead.objects.bulk_update(changed, ["owner", "team", "updated_at"], batch_size=1000)
            history.record_many(changed, actor=actor, action="updated", reason=reason,
                                changes_for=lambda lead: changes_of[lead.pk])
            fields = tuple(sorted({f for ch in changes_of.values() for f in ch}))
            events.emit(lead_events.LeadUpdated(lead_ids=tuple(lead.pk for lead in changed), fields=fields,
                                                actor_id=events.actor_id_of(actor)))
    return changed, unchanged, refused


def leads_assign_decided(*, actor: Actor, decided: Sequence[tuple[int, int, int | None]],
                         now: dt.datetime) -> None:
    """Owners a rules engine decided (routing), written set-based: each (lead id, owner id, team id)
    and `updated_at` in one UPDATE whatever their number, then one LeadUpdated. The engine has applied
    this module's rule (the team follows the owner), holds the leads' row locks and writes the batch's
    history with its own explanations. The decided go as arrays (PostgreSQL: `unnest`) or one JSON
    parameter (SQLite: `json_each`), never one parameter per id (psycopg splits a query of thousands
    of `%s` in Python, which costs more than the UPDATE)."""
    if not decided:
        return
    table = connection.ops.quote_name(Lead._meta.db_table)
    stamp = Lead._meta.get_field("updated_at").get_db_prep_value(now, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, owners, teams = (list(column) for column in zip(*decided, strict=True))
            cursor.execute(
                f"UPDATE {table} AS l SET owner_id = v.owner, team_id = v.team, updated_at = %s"  # noqa: S608
                " FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS v(id, owner, team)"
                " WHERE l.id = v.id",
                [stamp, ids, owners, teams],
            )
        elif _sqlite_update_from():
            cursor.execute(
                f"UPDATE {table} SET owner_id = v.owner, team_id = v.team, updated_at = %s FROM ("  # noqa: S608
                " SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS owner,"
                " json_extract(value, '$[2]') AS team FROM json_each(%s)"
                f") AS v WHERE {table}.id = v.id",
                [stamp, json.dumps(decided)],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET owner_id = %s, team_id = %s, updated_at = %s WHERE id = %s",  # noqa: S608
                [(owner, team, stamp, pk) for pk, owner, team in decided],
            )
    events.emit(lead_events.LeadUpdated(lead_ids=tuple(sorted(pk for pk, _o, _t in decided)),
                                        fields=("owner", "team"), actor_id=events.actor_id_of(actor)))


def _sqlite_update_from() -> bool:
    """UPDATE ... FROM: SQLite 3.33 and later."""
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 33)
