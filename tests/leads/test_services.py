"""Lead services: creation, transitions with history, temperature overrides, permissions."""

import datetime as dt

import pytest
from django.utils import timezone

from imbuto.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from imbuto.core.history import history_of
from imbuto.core.models import AuditEvent
from imbuto.leads import services
from imbuto.leads.models import Lead


def test_a_rep_owns_the_lead_they_create(rep):
    lead = services.lead_create(actor=rep, data={"first_name": "Ugo", "purchase_timeframe": "immediate"})
    assert lead.owner == rep and lead.team == rep.team
    assert lead.temperature == "hot"
    assert history_of(lead).get().action == "created"


def test_transitions_write_history_with_who_from_to_and_why(rep, rep_lead):
    services.lead_transition(actor=rep, lead=rep_lead, to="lead", reason="replied")
    services.lead_transition(actor=rep, lead=rep_lead, to="mql")
    entries = list(history_of(rep_lead).filter(action="transition"))
    assert [e.changes["stage"] for e in entries] == [["suspect", "lead"], ["lead", "mql"]]
    assert entries[0].actor == rep and entries[0].reason == "replied"


def test_an_illegal_move_is_refused_and_changes_nothing(rep, rep_lead):
    with pytest.raises(InvalidTransition, match="Suspect to Customer"):
        services.lead_transition(actor=rep, lead=rep_lead, to="customer")
    rep_lead.refresh_from_db()
    assert rep_lead.stage == "suspect"
    assert not history_of(rep_lead).filter(action="transition").exists()


def test_discarding_needs_a_reason(rep, rep_lead):
    with pytest.raises(ValidationFailed):
        services.lead_transition(actor=rep, lead=rep_lead, to="discarded")
    lead = services.lead_transition(actor=rep, lead=rep_lead, to="discarded", reason="spam")
    assert lead.disposition_reason == "spam"


def test_parking_needs_a_future_revisit_date(rep, rep_lead):
    with pytest.raises(ValidationFailed):
        services.lead_transition(actor=rep, lead=rep_lead, to="parked")
    with pytest.raises(ValidationFailed):
        services.lead_transition(actor=rep, lead=rep_lead, to="parked",
                                 parked_until=timezone.localdate())
    later = timezone.localdate() + dt.timedelta(days=90)
    with pytest.raises(ValidationFailed):  # no reason chosen: no longer "bought from a competitor"
        services.lead_transition(actor=rep, lead=rep_lead, to="parked", parked_until=later)
    lead = services.lead_transition(actor=rep, lead=rep_lead, to="parked", parked_until=later,
                                    reason="not_ready")
    assert lead.disposition_reason == "not_ready" and lead.parked_until == later
    lead = services.lead_transition(actor=rep, lead=lead, to="lead")
    assert lead.parked_until is None


def test_a_manual_temperature_is_an_override_kept_across_timeframe_changes(rep, rep_lead):
    lead = services.lead_update(actor=rep, lead=rep_lead, values={"temperature": "hot"})
    assert lead.temperature_overridden
    lead = services.lead_update(actor=rep, lead=lead, values={"purchase_timeframe": "later"})
    assert lead.temperature == "hot"
    entry = history_of(lead).filter(action="updated").first()
    assert entry.changes["temperature"] == ["cold", "hot"]


def test_a_rep_cannot_change_another_reps_lead_and_the_denial_is_audited(rep, other_lead):
    with pytest.raises(PermissionDenied):
        services.lead_transition(actor=rep, lead=other_lead, to="lead")
    assert AuditEvent.objects.filter(action="denied", actor=rep,
                                     object_id=str(other_lead.pk)).exists()
    assert Lead.objects.get(pk=other_lead.pk).stage == "suspect"


def test_editing_a_flagged_value_clears_its_flag_and_history_keeps_it(rep, rep_lead):
    rep_lead.phone, rep_lead.quality_flags = "12", {"phone": "not a valid phone number",
                                                    "email": "not a valid email"}
    rep_lead.save()
    services.lead_update(actor=rep, lead=rep_lead, values={"phone": "+393471234567"}, reason="called")
    rep_lead.refresh_from_db()
    assert rep_lead.quality_flags == {"email": "not a valid email"}
    entry = history_of(rep_lead).last()
    assert entry.changes["quality_flags"][0]["phone"] == "not a valid phone number"
    assert "phone" not in entry.changes["quality_flags"][1]
    services.lead_update(actor=rep, lead=rep_lead, values={"city": "Bari"})
    rep_lead.refresh_from_db()
    assert rep_lead.quality_flags == {"email": "not a valid email"}  # untouched field, flag kept
