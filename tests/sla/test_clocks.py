"""Each lead's due time: started by the LeadCreated receiver's task, recomputed when the temperature
changes before first contact, per team calendar; the first contact and its response time."""

from __future__ import annotations

import datetime as dt

import pytest

from imbuto.core.errors import Conflict, NotFound, ValidationFailed
from imbuto.core.history import history_of
from imbuto.leads.models import Lead
from imbuto.leads.services import lead_create, lead_update
from imbuto.sla import services
from imbuto.sla.models import LeadSla, TeamCalendar
from imbuto.sla.selectors import lead_clock

from .conftest import MONDAY_10, rome

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("temperature", "due", "remind"), [
    ("hot", rome(2026, 3, 2, 11), rome(2026, 3, 2, 10, 45)),  # 1 business hour, reminder 15 min before
    ("warm", rome(2026, 3, 3, 10), rome(2026, 3, 2, 17)),     # 1 business day, 2 business hours before
    ("cold", rome(2026, 3, 5, 10), rome(2026, 3, 4, 17)),     # 3 business days
])
def test_due_time_by_temperature(make_lead, temperature, due, remind):
    clock = LeadSla.objects.get(lead=make_lead(temperature=temperature))
    assert (clock.due_at, clock.remind_at) == (due, remind)


def test_evening_arrival_is_due_next_morning(make_lead):
    lead = make_lead(temperature="hot", at=rome(2026, 3, 6, 19))  # Friday evening
    assert LeadSla.objects.get(lead=lead).due_at == rome(2026, 3, 9, 10)


def test_due_compute_is_idempotent(make_lead):
    lead = make_lead()
    assert services.due_compute([lead.pk]) == 0
    assert LeadSla.objects.filter(lead=lead).count() == 1


def test_team_calendar_holidays(make_lead, north, admin):
    """North works from Bolzano: Whit Monday (25 May 2026) is a holiday there, not in the rest of Italy."""
    services.team_calendar_set(actor=admin, team_id=north.pk, country="it", subdivision="bz")
    assert TeamCalendar.objects.get(team=north).subdivision == "BZ"
    friday = rome(2026, 5, 22, 17, 30)
    north_lead = make_lead(temperature="hot", at=friday, team=north)
    other = make_lead(temperature="hot", at=friday)
    assert LeadSla.objects.get(lead=north_lead).due_at == rome(2026, 5, 26, 9, 30)
    assert LeadSla.objects.get(lead=other).due_at == rome(2026, 5, 25, 9, 30)


def test_policy_targets_change_new_clocks(make_lead, admin):
    values = {name: getattr(services.policy_get(), name) for name in services.POLICY_FIELDS}
    values.update(hot_target=30, hot_unit="minutes", hot_reminder=0)
    services.policy_set(actor=admin, values=values)
    clock = LeadSla.objects.get(lead=make_lead(temperature="hot"))
    assert clock.due_at == rome(2026, 3, 2, 10, 30) and clock.remind_at is None


def test_policy_change_moves_the_clocks_still_waiting(make_lead, admin, tasks_immediate,
                                                       django_capture_on_commit_callbacks):
    """Targets changed: a waiting clock follows at once (by the task after commit), from the same
    start; a lead already contacted keeps its due time; the change is in the policy's history."""
    waiting, contacted = make_lead(temperature="hot"), make_lead(temperature="hot")
    services.first_contact_record(actor=admin, lead_id=contacted.pk, kind="call",
                                  now=rome(2026, 3, 2, 10, 20))
    values = {name: getattr(services.policy_get(), name) for name in services.POLICY_FIELDS}
    values.update(hot_target=3, hot_unit="hours")
    with django_capture_on_commit_callbacks(execute=True):
        services.policy_set(actor=admin, values=values)
    assert LeadSla.objects.get(lead=waiting).due_at == rome(2026, 3, 2, 13)
    assert LeadSla.objects.get(lead=contacted).due_at == rome(2026, 3, 2, 11)
    entry = history_of(services.policy_get())[0]
    assert entry.changes["hot_target"] == ["1", "3"] and entry.actor == admin


def test_team_calendar_change_moves_that_teams_waiting_clocks(make_lead, north, admin, tasks_immediate,
                                                               django_capture_on_commit_callbacks):
    friday = rome(2026, 5, 22, 17, 30)
    north_lead = make_lead(temperature="hot", at=friday, team=north)
    other = make_lead(temperature="hot", at=friday)
    with django_capture_on_commit_callbacks(execute=True):
        services.team_calendar_set(actor=admin, team_id=north.pk, country="it", subdivision="bz")
    assert LeadSla.objects.get(lead=north_lead).due_at == rome(2026, 5, 26, 9, 30)
    assert LeadSla.objects.get(lead=other).due_at == rome(2026, 5, 25, 9, 30)


def test_lead_created_starts_the_clock(admin, tasks_immediate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_create(actor=admin, data={"last_name": "Nuovo", "temperature": "warm"})
    clock = LeadSla.objects.get(lead=lead)
    assert clock.started_at == lead.created_at and clock.temperature == "warm"
    assert clock.due_at > lead.created_at


def test_temperature_change_before_contact_recomputes(make_lead, admin, tasks_immediate,
                                                      django_capture_on_commit_callbacks):
    lead = make_lead(temperature="cold")
    with django_capture_on_commit_callbacks(execute=True):
        lead_update(actor=admin, lead=lead, values={"temperature": "hot"})
    clock = LeadSla.objects.get(lead=lead)
    assert (clock.temperature, clock.due_at) == ("hot", rome(2026, 3, 2, 11))


def test_temperature_change_after_contact_keeps_the_due_time(make_lead, rep, admin, tasks_immediate,
                                                             django_capture_on_commit_callbacks):
    lead = make_lead(owner=rep, temperature="cold")
    services.first_contact_record(actor=rep, lead_id=lead.pk, kind="call", now=rome(2026, 3, 2, 12))
    with django_capture_on_commit_callbacks(execute=True):
        lead_update(actor=admin, lead=Lead.objects.get(pk=lead.pk), values={"temperature": "hot"})
    clock = LeadSla.objects.get(lead=lead)
    assert (clock.temperature, clock.due_at) == ("cold", rome(2026, 3, 5, 10))


def test_first_contact_records_who_when_how_and_response_time(make_lead, rep):
    lead = make_lead(owner=rep, temperature="hot", at=rome(2026, 3, 6, 17, 30))  # Friday 17:30
    clock = services.first_contact_record(actor=rep, lead_id=lead.pk, kind="email", note=" Sent offer ",
                                          now=rome(2026, 3, 9, 9, 20))  # Monday 9:20
    assert clock.response_minutes == 50  # 30 on Friday, 20 on Monday
    assert clock.first_contact_by == rep and clock.first_contact_kind == "email"
    assert clock.first_contact_note == "Sent offer"
    assert not clock.late  # due Monday 9:30
    lead.refresh_from_db()
    assert lead.first_contacted_at == rome(2026, 3, 9, 9, 20)
    entry = history_of(lead).get(reason_code="sla.first_contact")
    assert entry.actor == rep and entry.reason_params["minutes"] == 50
    with pytest.raises(Conflict):
        services.first_contact_record(actor=rep, lead_id=lead.pk, kind="call")


def test_first_contact_late_is_shown_late(make_lead, rep):
    lead = make_lead(owner=rep, temperature="hot")
    services.first_contact_record(actor=rep, lead_id=lead.pk, kind="meeting", now=rome(2026, 3, 2, 14))
    view = lead_clock(rep, lead.pk, now=rome(2026, 3, 2, 15))
    assert view.state == "late" and view.clock.response_minutes == 240


def test_first_contact_refusals(make_lead, rep, other_rep, outsider):
    lead = make_lead(owner=rep)
    with pytest.raises(ValidationFailed):
        services.first_contact_record(actor=rep, lead_id=lead.pk, kind="fax")
    with pytest.raises(NotFound):  # another rep's lead does not exist for them
        services.first_contact_record(actor=other_rep, lead_id=lead.pk, kind="call")
    with pytest.raises(NotFound):
        services.first_contact_record(actor=rep, lead_id=10**9, kind="call")
    with pytest.raises(NotFound):  # a deactivated account sees nothing
        services.first_contact_record(actor=outsider, lead_id=lead.pk, kind="call")
    assert LeadSla.objects.get(lead=lead).first_contact_at is None


def test_first_contact_on_a_lead_without_clock_starts_one(rep):
    from tests.factories import LeadFactory

    lead = LeadFactory(owner=rep, temperature="hot", created_at=MONDAY_10)
    clock = services.first_contact_record(actor=rep, lead_id=lead.pk, kind="call",
                                          now=MONDAY_10 + dt.timedelta(minutes=5))
    assert clock.due_at == rome(2026, 3, 2, 11) and clock.response_minutes == 5


def test_clock_view_time_left_and_overdue(make_lead, rep):
    lead = make_lead(owner=rep, temperature="hot")
    view = lead_clock(rep, lead.pk, now=rome(2026, 3, 2, 10, 20))
    assert view.state == "waiting" and view.remaining == dt.timedelta(minutes=40) and view.overdue is None
    view = lead_clock(rep, lead.pk, now=rome(2026, 3, 2, 11, 5))
    assert view.state == "late" and view.overdue == dt.timedelta(minutes=5) and view.remaining is None


def test_clock_is_scoped_like_the_lead(make_lead, rep, other_rep, manager, admin):
    lead = make_lead(owner=rep)
    assert lead_clock(other_rep, lead.pk) is None
    assert lead_clock(manager, lead.pk) is not None and lead_clock(admin, lead.pk) is not None
