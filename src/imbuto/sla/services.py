"""The writers of response-time targets: the policy, team calendars, each lead's due time, the first
contact, and the sweep that reminds, escalates and (if the policy says so) reassigns.

Every function that depends on the time takes `now` (default: the clock), so tests drive a
controlled clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import events, history, permissions
from imbuto.core.errors import Conflict, NotFound, ValidationFailed
from imbuto.core.explain import explanation
from imbuto.core.types import Actor
from imbuto.leads.assignment import leads_assign
from imbuto.leads.choices import Stage
from imbuto.leads.models import Lead
from imbuto.notifications.services import Message, notifications_send

from . import codes
from .business_time import BusinessCalendar, CalendarError, holidays_for
from .events import CalendarChanged
from .models import TEMPERATURES, ContactKind, LeadSla, SlaPolicy, TeamCalendar, Unit

MAX_AMOUNT = 10_000  # of any unit: larger targets or reminders are mistakes
CLOSED = (Stage.CUSTOMER, Stage.DISCARDED, Stage.PARKED)
POLICY_FIELDS = ("hot_target", "hot_unit", "warm_target", "warm_unit", "cold_target", "cold_unit",
                 "hot_reminder", "hot_reminder_unit", "reminder", "reminder_unit", "reassign_at_breach",
                 "working_days", "work_start", "work_end", "country", "subdivision")


def policy_get() -> SlaPolicy:
    policy, _created = SlaPolicy.objects.get_or_create(pk=1)
    return policy


def validate_policy(values: dict[str, Any]) -> dict[str, list[str]]:
    """Field errors of a whole policy (empty when it is good)."""
    errors: dict[str, list[str]] = {}
    for temperature in TEMPERATURES:
        target = values.get(f"{temperature}_target")
        if not isinstance(target, int) or isinstance(target, bool) or target <= 0:
            errors[f"{temperature}_target"] = [_("A target must be a whole number greater than zero.")]
    for name in ("hot_reminder", "reminder"):
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[name] = [_("A reminder must be zero (none) or a positive whole number.")]
    for name in ("hot_unit", "warm_unit", "cold_unit", "hot_reminder_unit", "reminder_unit"):
        if values.get(name) not in Unit.values:
            errors[name] = [_("Choose minutes, hours or days.")]
    days = values.get("working_days")
    if not isinstance(days, list | tuple) or not days or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days):
        errors["working_days"] = [_("Choose at least one working day.")]
    start, end = values.get("work_start"), values.get("work_end")
    if not isinstance(start, dt.time) or not isinstance(end, dt.time) or end <= start:
        errors["work_end"] = [_("Working hours must end after they start.")]
    errors.update(validate_country(values.get("country", ""), values.get("subdivision", "")))
    for name in ("hot_target", "warm_target", "cold_target", "hot_reminder", "reminder"):
        if name not in errors and values[name] > MAX_AMOUNT:
            errors[name] = [_("At most %(max)s.") % {"max": MAX_AMOUNT}]
    if not errors:  # every target must be reachable on this calendar (not years of holidays away)
        try:
            calendar = BusinessCalendar.of(time_zone=settings.TIME_ZONE, days=frozenset(days or ()),
                                           start=values["work_start"], end=values["work_end"],
                                           country=values["country"],
                                           subdivision=values["subdivision"])
            probe = SlaPolicy(**{k: values[k] for k in POLICY_FIELDS})
            for temperature in TEMPERATURES:
                schedule(probe, calendar, timezone.now(), temperature)
        except (CalendarError, OverflowError):
            errors["working_days"] = [_("These targets cannot be reached on this working calendar.")]
    return errors


def validate_country(country: Any, subdivision: Any) -> dict[str, list[str]]:
    if not isinstance(country, str) or not isinstance(subdivision, str) or len(country) != 2:
        return {"country": [_("Give a two-letter country code such as IT.")]}
    try:
        holidays_for(country, subdivision)
    except CalendarError:
        if subdivision:
            try:
                holidays_for(country)
            except CalendarError:
                pass
            else:
                return {"subdivision": [_("%(country)s has no subdivision %(sub)s.")
                                        % {"country": country.upper(), "sub": subdivision.upper()}]}
        return {"country": [_("No public holidays are known for country %(country)s.")
                            % {"country": country.upper()}]}
    return {}


def policy_set(*, actor: Actor, values: dict[str, Any]) -> SlaPolicy:
    """Replace the policy with `values` (every field of POLICY_FIELDS); admins only."""
    permissions.require(actor, "change", SlaPolicy)
    errors = validate_policy(values)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    policy = policy_get()
    before = {name: getattr(policy, name) for name in POLICY_FIELDS}
    for name in POLICY_FIELDS:
        value = values[name]
        if name == "working_days":
            value = sorted(set(value))
        elif name in ("country", "subdivision"):
            value = value.upper()
        setattr(policy, name, value)
    changes = {name: (before[name], getattr(policy, name)) for name in POLICY_FIELDS
               if before[name] != getattr(policy, name)}
    policy.save()
    if changes:
        history.record(policy, actor=actor, action="updated",
                       changes={k: [str(a), str(b)] for k, (a, b) in changes.items()})
        _recompute_after_commit(team_id=None)
    return policy


def _recompute_after_commit(team_id: int | None) -> None:
    """The targets or the calendar changed: the clocks still waiting follow (a task, after commit)."""
    events.emit(CalendarChanged(team_id=team_id, actor_id=None))


def waiting_recompute(team_id: int | None = None, *, chunk: int = 2000) -> int:
    """Due and reminder times again, from the same start, for every lead not yet contacted (all of
    them, or one team's after its calendar changed). A reminder or escalation already sent stays sent;
    a clock whose new due time is later is not breached any more. Returns how many clocks changed."""
    waiting = LeadSla.objects.filter(first_contact_at__isnull=True)
    if team_id is not None:
        waiting = waiting.filter(lead__team_id=team_id)
    policy = policy_get()
    changed = 0
    last = 0
    while True:
        clocks = list(waiting.filter(lead_id__gt=last).order_by("lead_id")
                      .select_related("lead").only("lead_id", "started_at", "temperature", "due_at",
                                                   "remind_at", "lead__team_id")[:chunk])
        if not clocks:
            return changed
        last = clocks[-1].lead_id
        cals = calendars(policy, {c.lead.team_id for c in clocks})
        moved = []
        for clock in clocks:
            due, remind = schedule(policy, cals[clock.lead.team_id], clock.started_at, clock.temperature)
            if (due, remind) != (clock.due_at, clock.remind_at):
                clock.due_at, clock.remind_at = due, remind
                moved.append(clock)
        LeadSla.objects.bulk_update(moved, ["due_at", "remind_at"])
        changed += len(moved)


def team_calendar_set(*, actor: Actor, team_id: int, country: str, subdivision: str = ""
                      ) -> TeamCalendar | None:
    """Give a team another country's (region's) holidays; an empty country goes back to the policy's."""
    from imbuto.users.models import Team

    permissions.require(actor, "change", TeamCalendar)
    if not Team.objects.filter(pk=team_id).exists():
        raise NotFound(_("No such team."))
    if not country:
        TeamCalendar.objects.filter(team_id=team_id).delete()
        _recompute_after_commit(team_id)
        return None
    errors = validate_country(country, subdivision)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    calendar, _created = TeamCalendar.objects.update_or_create(
        team_id=team_id, defaults={"country": country.upper(), "subdivision": subdivision.upper()})
    _recompute_after_commit(team_id)
    return calendar


def calendars(policy: SlaPolicy, team_ids: Iterable[int | None]) -> dict[int | None, BusinessCalendar]:
    """The business calendar of each team (None: no team, the policy's country), one query."""
    wanted = {t for t in team_ids if t is not None}
    overrides = {c.team_id: (c.country, c.subdivision)
                 for c in TeamCalendar.objects.filter(team_id__in=wanted)} if wanted else {}
    result: dict[int | None, BusinessCalendar] = {}
    for team_id in [*wanted, None]:
        country, subdivision = overrides.get(team_id, (policy.country, policy.subdivision)) \
            if team_id is not None else (policy.country, policy.subdivision)
        result[team_id] = BusinessCalendar.of(
            time_zone=settings.TIME_ZONE, days=frozenset(policy.working_days), start=policy.work_start,
            end=policy.work_end, country=country, subdivision=subdivision)
    return result


def amount(value: int, unit: str, calendar: BusinessCalendar) -> dt.timedelta:
    if unit == Unit.DAYS:
        return calendar.day_length * value
    return dt.timedelta(hours=value) if unit == Unit.HOURS else dt.timedelta(minutes=value)


def schedule(policy: SlaPolicy, calendar: BusinessCalendar, started_at: dt.datetime, temperature: str
             ) -> tuple[dt.datetime, dt.datetime | None]:
    """(due time, reminder time or None) of a lead of `temperature` whose clock started at `started_at`.
    The reminder comes `hot_reminder` (hot) or `reminder` (others) of business time before the due time;
    none when that is zero or not shorter than the target."""
    temperature = temperature if temperature in TEMPERATURES else "cold"
    target = amount(getattr(policy, f"{temperature}_target"), getattr(policy, f"{temperature}_unit"),
                    calendar)
    if temperature == "hot":
        ahead = amount(policy.hot_reminder, policy.hot_reminder_unit, calendar)
    else:
        ahead = amount(policy.reminder, policy.reminder_unit, calendar)
    due = calendar.add(started_at, target)
    remind = calendar.add(started_at, target - ahead) if dt.timedelta(0) < ahead < target else None
    return due, remind


def due_compute(lead_ids: Iterable[int]) -> int:
    """Give each lead without a clock its due time (from its creation and temperature). Idempotent:
    a lead that has one keeps it. Returns how many clocks were started."""
    ids = sorted(set(lead_ids))
    have = set(LeadSla.objects.filter(lead_id__in=ids).values_list("lead_id", flat=True))
    leads = list(Lead.objects.filter(pk__in=[i for i in ids if i not in have], merged_into__isnull=True)
                 .only("pk", "created_at", "temperature", "team_id"))
    if not leads:
        return 0
    policy = policy_get()
    cals = calendars(policy, {lead.team_id for lead in leads})
    rows = []
    for lead in leads:
        due, remind = schedule(policy, cals[lead.team_id], lead.created_at, lead.temperature)
        rows.append(LeadSla(lead_id=lead.pk, started_at=lead.created_at, temperature=lead.temperature,
                            due_at=due, remind_at=remind))
    LeadSla.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def due_recompute(lead_ids: Iterable[int]) -> int:
    """A temperature changed before first contact: due and reminder times again, from the same start.
    Leads already contacted keep theirs; leads without a clock get one. Returns how many changed."""
    ids = sorted(set(lead_ids))
    due_compute(ids)
    clocks = list(LeadSla.objects.filter(lead_id__in=ids, first_contact_at__isnull=True)
                  .select_related("lead"))
    changed = [c for c in clocks if c.lead.temperature != c.temperature]
    if not changed:
        return 0
    policy = policy_get()
    cals = calendars(policy, {c.lead.team_id for c in changed})
    for clock in changed:
        clock.temperature = clock.lead.temperature
        clock.due_at, clock.remind_at = schedule(policy, cals[clock.lead.team_id], clock.started_at,
                                                 clock.temperature)
    LeadSla.objects.bulk_update(changed, ["temperature", "due_at", "remind_at"])
    return len(changed)


def first_contact_record(*, actor: Actor, lead_id: int, kind: str, note: str = "",
                         now: dt.datetime | None = None) -> LeadSla:
    """Record the first contact with a lead (who, when, how) and its response time in business
    minutes; in the lead's history. Whoever may change the lead may record it; a second time is a 409."""
    if kind not in ContactKind.values:
        raise ValidationFailed(_("Choose call, email, meeting or other."),
                               fields={"kind": [_("Choose call, email, meeting or other.")]})
    lead = permissions.restrict(actor, Lead.objects.all()).filter(pk=lead_id).first()
    if lead is None:
        raise NotFound(_("No such lead."))
    permissions.require(actor, "change", lead)
    now = now or timezone.now()
    with transaction.atomic():
        due_compute([lead.pk])
        clock = LeadSla.objects.select_for_update().get(lead_id=lead.pk)
        if clock.first_contact_at is not None:
            raise Conflict(_("The first contact with this lead is already recorded."))
        policy = policy_get()
        calendar = calendars(policy, [lead.team_id])[lead.team_id]
        clock.first_contact_at = now
        clock.first_contact_by = actor if getattr(actor, "pk", None) else None
        clock.first_contact_kind = kind
        clock.first_contact_note = note.strip()[:2000]
        clock.response_minutes = max(0, int(calendar.between(clock.started_at, now).total_seconds() // 60))
        clock.save()
        if lead.first_contacted_at is None:  # the lead's own field (the routing issue's response time)
            Lead.objects.filter(pk=lead.pk).update(first_contacted_at=now)
        history.record(lead, actor=actor, action="updated", reason=clock.first_contact_note,
                       why=explanation(codes.FIRST_CONTACT, contact_kind=kind,
                                       minutes=clock.response_minutes, late="1" if clock.late else ""))
    return clock


def _lead_link(lead_id: int) -> str:
    return reverse("leads:detail", args=[lead_id])


def _lead_name(lead: Lead) -> str:
    return str(lead)[:200]


def _managers(team_ids: set[int]) -> dict[int | None, list[int]]:
    """Active managers of each team; None: the admins (for leads in no team), one query each."""
    from imbuto.users.models import User

    result: dict[int | None, list[int]] = {}
    for pk, team_id in User.objects.filter(is_active=True, role="manager", team_id__in=team_ids) \
            .values_list("pk", "team_id"):
        result.setdefault(team_id, []).append(pk)
    result[None] = list(User.objects.filter(is_active=True).filter(Q(role="admin") | Q(is_superuser=True))
                        .values_list("pk", flat=True))
    return result


def _waiting() -> Any:
    return LeadSla.objects.filter(first_contact_at__isnull=True, lead__merged_into__isnull=True) \
        .exclude(lead__stage__in=CLOSED)


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job: remind owners before breach, escalate breaches to the team's managers (the
    admins for leads in no team), and put breached leads back in the queue if the policy says so.
    One query finds each set; each reminder and escalation is told once (keyed notifications)."""
    now = now or timezone.now()
    policy = policy_get()
    reminders = list(_waiting().filter(remind_at__lte=now, due_at__gt=now, reminded_at__isnull=True,
                                       lead__owner__isnull=False)
                     .select_related("lead"))
    breaches = list(_waiting().filter(due_at__lte=now, escalated_at__isnull=True)
                    .select_related("lead"))
    messages = [Message(recipient_id=c.lead.owner_id, code=codes.REMINDER,
                        params={"lead": _lead_name(c.lead), "lead_id": c.lead_id,
                                "due": timezone.localtime(c.due_at).strftime("%Y-%m-%d %H:%M")},
                        link=_lead_link(c.lead_id), key=f"sla-reminder:{c.lead_id}")
                for c in reminders if c.lead.owner_id]
    managers = _managers({c.lead.team_id for c in breaches if c.lead.team_id}) if breaches else {}
    for clock in breaches:
        lead = clock.lead
        recipients = managers.get(lead.team_id, []) or managers.get(None, [])
        code = codes.ESCALATION if lead.owner_id else codes.ESCALATION_UNASSIGNED
        params = {"lead": _lead_name(lead), "lead_id": lead.pk,
                  "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")}
        messages += [Message(recipient_id=pk, code=code, params=params, link=_lead_link(lead.pk),
                             key=f"sla-escalation:{lead.pk}") for pk in recipients]
    reassigned = 0
    with transaction.atomic():
        notifications_send(messages=messages)
        if reminders:
            LeadSla.objects.filter(pk__in=[c.pk for c in reminders], reminded_at__isnull=True) \
                .update(reminded_at=now)
        if breaches:
            LeadSla.objects.filter(pk__in=[c.pk for c in breaches], escalated_at__isnull=True) \
                .update(escalated_at=now)
        if policy.reassign_at_breach:
            reassigned = _reassign([c for c in breaches if c.lead.owner_id], now)
    return {"reminded": len(reminders), "escalated": len(breaches), "reassigned": reassigned}


def _reassign(breaches: list[LeadSla], now: dt.datetime) -> int:
    """Breached leads back to their team's unassigned queue (the assignment service, as the system),
    with why in their history."""
    if not breaches:
        return 0
    leads = list(Lead.objects.filter(pk__in=[c.lead_id for c in breaches], owner__isnull=False))
    owners = {lead.pk: lead.owner_id for lead in leads}
    changed, _unchanged, _refused = leads_assign(actor=None, leads=leads, owner=None)
    if changed:
        history.record_many(changed, actor=None, action="updated",
                            why=explanation(codes.REASSIGNED),
                            data_for=lambda lead: {"sla_previous_owner": owners.get(lead.pk)})
        LeadSla.objects.filter(lead_id__in=[lead.pk for lead in changed]).update(reassigned_at=now)
    return len(changed)


def require_report(actor: Actor) -> None:
    """The per-rep report is for admins, managers and reps (a 403 for others, audited)."""
    permissions.require(actor, "view", "sla.report")
