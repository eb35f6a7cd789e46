"""The writers of activities: log a call, email, meeting or note, create a task, edit, complete and
reopen. Nothing is ever deleted: every change is kept in the activity's history.

Every function that depends on the time takes `now` (default: the clock), so tests drive a
controlled clock."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import events, history, permissions
from imbuto.core.errors import Conflict, ValidationFailed
from imbuto.core.types import Actor
from imbuto.deals.models import Deal
from imbuto.leads.models import Account, Contact, Lead
from imbuto.sla.business_time import CalendarError
from imbuto.users.models import User

from .events import ActivityLogged
from .models import CONTACT_KINDS, Activity, Direction, Kind

logger = logging.getLogger(__name__)
RECORDS: dict[str, type[Model]] = {"lead": Lead, "contact": Contact, "account": Account, "deal": Deal}
EDITABLE = ("subject", "body", "occurred_at", "ends_at", "due_at", "remind_at", "location", "direction",
            "owner", "lead", "contact", "account", "deal")
LOGGED = (Kind.CALL, Kind.EMAIL, Kind.NOTE)  # they happened: logged as done
SLACK = dt.timedelta(minutes=5)  # a call logged "now" from a device whose clock runs a little ahead


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def records_resolve(actor: Actor, ids: dict[str, int | None]) -> dict[str, Model | None]:
    """{"lead": 5, ...} to the records themselves, each one `actor` may see; an unknown or hidden one
    is a 422 naming the field (never saying whether it exists)."""
    found: dict[str, Model | None] = {}
    for name, pk in ids.items():
        if name not in RECORDS:
            continue
        if pk is None:
            found[name] = None
            continue
        obj = RECORDS[name]._default_manager.filter(pk=pk).first() if 0 < pk < 2**63 else None
        if obj is None or (actor is not None and not permissions.can(actor, "view", obj)):
            raise _fail(name, _("No %(what)s with id %(id)s that you may see.")
                        % {"what": RECORDS[name]._meta.verbose_name, "id": pk})
        found[name] = obj
    return found


def owner_resolve(value: Any) -> User:
    """An active user from an id or a username (422 otherwise)."""
    qs = User.objects.filter(is_active=True).select_related("team")
    owner = None
    if isinstance(value, User):
        owner = value
    elif isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        owner = qs.filter(pk=value).first()
    elif isinstance(value, str):
        owner = qs.filter(username=value).first()
        if owner is None and value.isascii() and value.isdigit() and len(value) <= 18:
            owner = qs.filter(pk=int(value)).first()
    if owner is None or not owner.is_active:
        raise _fail("owner", _("No active user with id or username %(v)s.") % {"v": value})
    return owner


def _validate(actor: Actor, activity: Activity, now: dt.datetime) -> None:
    """The rules of each kind; raises ValidationFailed naming the field."""
    activity.subject = (activity.subject or "").strip()
    if not activity.subject:
        raise _fail("subject", _("Say what it is about."))
    kind = activity.kind
    if kind == Kind.TASK and activity.due_at is None:
        raise _fail("due_at", _("A task needs a due date."))
    if kind != Kind.TASK and activity.due_at is not None:
        raise _fail("due_at", _("Only a task has a due date."))
    if kind == Kind.MEETING and activity.occurred_at is None:
        raise _fail("occurred_at", _("A meeting needs a start."))
    if kind == Kind.TASK and activity.occurred_at is not None:
        raise _fail("occurred_at", _("A task has a due date, not a time it happened."))
    if activity.ends_at is not None:
        if kind != Kind.MEETING:
            raise _fail("ends_at", _("Only a meeting has an end."))
        if activity.occurred_at is not None and activity.ends_at < activity.occurred_at:
            raise _fail("ends_at", _("A meeting must end after it starts."))
    if kind in LOGGED and activity.occurred_at is not None and activity.occurred_at > now + SLACK:
        raise _fail("occurred_at", _("This has not happened yet: plan a task or a meeting instead."))
    if activity.remind_at is not None:
        if kind in LOGGED:
            raise _fail("remind_at", _("Only tasks and meetings have reminders."))
        deadline = activity.due_at if kind == Kind.TASK else activity.occurred_at
        if deadline is not None and activity.remind_at > deadline:
            raise _fail("remind_at", _("The reminder must come before the due time or the start."))
    attached = [getattr(activity, name) for name in RECORDS if getattr(activity, f"{name}_id") is not None]
    if not attached:
        raise _fail("lead", _("Attach it to at least one lead, contact, account or deal."))
    if activity.lead is not None and activity.lead.merged_into_id is not None:
        raise _fail("lead", _("This lead was merged into another one: log it there."))


def _apply(activity: Activity, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set the given fields; {field: (old, new)} of what changed."""
    changes: dict[str, tuple[Any, Any]] = {}
    for name, value in values.items():
        if name not in EDITABLE:
            raise _fail(name, _("This field cannot be changed."))
        if name == "owner" and value is not None:
            value = owner_resolve(value)
        if name in ("body", "location", "subject") and value is None:
            value = ""
        if name == "direction" and value not in Direction.values:
            raise _fail(name, _("Choose outbound or inbound."))
        if isinstance(value, str):
            value = value.strip() if name != "body" else value
        old = getattr(activity, f"{name}_id") if name in (*RECORDS, "owner") else getattr(activity, name)
        new = getattr(value, "pk", value) if name in (*RECORDS, "owner") else value
        if old != new:
            changes[name] = (old, new)
            setattr(activity, name, value)
    return changes


def activity_create(*, actor: Actor, kind: str, values: dict[str, Any], done: bool | None = None,
                    now: dt.datetime | None = None) -> Activity:
    """Log a call, email, meeting or note, or create a task. `values`: subject, body, occurred_at
    (when it happened; a meeting's start), ends_at, due_at (a task's), remind_at, location, owner
    (default the actor), and the records it is on (lead, contact, account, deal: at least one, each
    one the actor may see). Calls, emails and notes are done when logged; a meeting is done when its
    start has passed (or `done`); a task is open (or `done`). Logging the first done call, email or
    meeting on a lead records the lead's first contact (response-time targets)."""
    now = now or timezone.now()
    if kind not in Kind.values:
        raise _fail("kind", _("Choose call, email, meeting, note or task."))
    activity = Activity(kind=kind, created_at=now, created_by=actor if getattr(actor, "pk", None) else None)
    values = dict(values)
    if values.get("owner") is None:
        values["owner"] = actor if getattr(actor, "pk", None) else None
    _apply(activity, values)
    if kind in LOGGED and activity.occurred_at is None:
        activity.occurred_at = now
    _validate(actor, activity, now)
    if kind in LOGGED:
        if done is False:
            raise _fail("done", _("A call, email or note is logged as done."))
        activity.done_at = now
    elif done or (done is None and kind == Kind.MEETING and activity.occurred_at is not None
                  and activity.occurred_at <= now):
        activity.done_at = now
    permissions.require(actor, "create", activity,
                        message=_("You may plan activities only for yourself or, as a manager, your team."))
    with transaction.atomic():
        activity.save()
        history.record(activity, actor=actor, action="created", data={"kind": kind})
        _first_contact(actor, activity, now)
        events.emit(ActivityLogged(activity_ids=(activity.pk,), kinds=(kind,),
                                   lead_ids=(activity.lead_id,) if activity.lead_id else (),
                                   actor_id=events.actor_id_of(actor)))
    return activity


def system_tasks_open(tasks: list[Activity], *,
                      data_for: Callable[[Activity], dict[str, Any]]) -> list[Activity]:
    """Open tasks the system sets people (a stage's playbook, a referral ask): no actor, a history
    entry each, one ActivityLogged. A task whose `source_key` was opened before is skipped, so a retried
    run opens nothing twice. Returns the tasks opened, with their ids."""
    keyed = [t for t in tasks if t.source_key]
    opened = [t for t in tasks if not t.source_key]
    with transaction.atomic():
        if opened:
            Activity.objects.bulk_create(opened)  # ids come back (RETURNING on both engines)
        if keyed:
            Activity.objects.bulk_create(keyed, ignore_conflicts=True)
            opened += Activity.objects.filter(source_key__in=[t.source_key for t in keyed],
                                              created_at__in={t.created_at for t in keyed})
        if opened:
            history.record_many(opened, actor=None, action="created", data_for=data_for)
            events.emit(ActivityLogged(activity_ids=tuple(sorted(a.pk for a in opened)),
                                       kinds=tuple(sorted({a.kind for a in opened})),
                                       lead_ids=tuple(sorted({a.lead_id for a in opened if a.lead_id}))))
    return opened


def _first_contact(actor: Actor, activity: Activity, now: dt.datetime) -> None:
    """A done call, email or meeting on a lead not yet contacted is its first contact: the response
    clock stops (sla) and the lead's first_contacted_at is set, by whoever may change the lead."""
    if activity.lead_id is None or activity.kind not in CONTACT_KINDS or activity.done_at is None \
            or activity.direction == Direction.INBOUND:  # they wrote to us: not our response
        return
    from imbuto.sla.models import LeadSla
    from imbuto.sla.services import first_contact_record

    lead = activity.lead
    if lead is None:
        return
    if lead.first_contacted_at is not None or LeadSla.objects.filter(
            lead_id=lead.pk, first_contact_at__isnull=False).exists():
        return
    if actor is None or not permissions.can(actor, "change", lead):
        return
    # when it happened, but not before the lead came (a date typed wrong) nor after now
    at = min(max(activity.occurred_at or now, lead.created_at), now)
    try:
        first_contact_record(actor=actor, lead_id=lead.pk, kind=str(activity.kind),
                             note=activity.subject, now=at)
    except Conflict:  # recorded meanwhile by someone else: theirs stands
        return
    except CalendarError:  # a clock started too long ago to count its business time
        logger.warning("first contact of lead %s not recorded: its clock cannot be counted", lead.pk)


def _changeable(actor: Actor, activity: Activity) -> None:
    permissions.require(actor, "change", activity, message=_("You may not change this activity."))


def activity_update(*, actor: Actor, activity: Activity, values: dict[str, Any],
                    now: dt.datetime | None = None) -> Activity:
    """Change some fields (never the kind); each change is kept in the history. A new reminder time
    is reminded again."""
    now = now or timezone.now()
    _changeable(actor, activity)
    if "kind" in values:
        raise _fail("kind", _("The kind of an activity does not change: log a new one."))
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        changes = _apply(locked, values)
        if not changes:
            return locked
        _validate(actor, locked, now)
        if "owner" in changes:
            permissions.require(actor, "create", locked, message=_(
                "You may give activities only to yourself or, as a manager, to your team."))
        if "remind_at" in changes:
            locked.reminded_at = None
        locked.save()
        history.record(locked, actor=actor, action="updated", changes=changes)
    return locked


def activity_complete(*, actor: Actor, activity: Activity, now: dt.datetime | None = None) -> Activity:
    """Mark a task or meeting done (already done: unchanged). A meeting on a lead not yet contacted
    records its first contact."""
    now = now or timezone.now()
    _changeable(actor, activity)
    if not activity.completable:
        raise Conflict(_("Only tasks and meetings are completed or reopened."))
    with transaction.atomic():
        locked = Activity.objects.select_for_update(of=("self",)).select_related("lead").get(pk=activity.pk)
        if locked.done_at is not None:
            return locked
        locked.done_at = now
        locked.save(update_fields=["done_at", "updated_at"])
        history.record(locked, actor=actor, action="completed", changes={"done_at": (None, now)})
        _first_contact(actor, locked, now)
    return locked


def activity_reopen(*, actor: Actor, activity: Activity) -> Activity:
    """A done task or meeting open again (already open: unchanged)."""
    _changeable(actor, activity)
    if not activity.completable:
        raise Conflict(_("Only tasks and meetings are completed or reopened."))
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.done_at is None:
            return locked
        old, locked.done_at = locked.done_at, None
        locked.save(update_fields=["done_at", "updated_at"])
        history.record(locked, actor=actor, action="reopened", changes={"done_at": (old, None)})
    return locked

