"""A person's edit of a lead re-indexes its match keys (intake/reindex.py, a task enqueued on LeadUpdated)."""

import pytest

from imbuto.core import events
from imbuto.core.history import history_of
from imbuto.intake import reindex, services
from imbuto.intake.models import MatchKey
from imbuto.intake.pipeline import SourceRef, ingest
from imbuto.leads.models import Lead
from tests.factories import LeadFactory


@pytest.fixture(autouse=True)
def _worker(tasks_immediate):
    """The reindex task runs as it is enqueued by intake's LeadUpdated receiver, as a worker would."""


def test_intake_receives_lead_updates_through_its_receivers_module():
    from imbuto.intake import receivers
    from imbuto.leads.events import LeadUpdated

    assert receivers.on_lead_updated in events.receivers_of(LeadUpdated)


def keys(lead):
    return set(MatchKey.objects.filter(lead=lead).values_list("key", flat=True))


@pytest.fixture
def patch(api_as, admin, django_capture_on_commit_callbacks):
    """PATCH a lead through the API and run the after-commit receivers, as a real request would."""

    def run(lead, values):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(admin).patch(f"/api/v1/leads/{lead.pk}", values)
        assert response.status_code == 200, response.content
        lead.refresh_from_db()
        return lead

    return run


def test_an_edited_email_is_indexed_and_a_record_with_it_merges_into_the_lead(admin, patch):
    [created] = ingest([{"first_name": "Giulia", "last_name": "Verdi", "email": "giulia@old.example"}],
                       actor=admin, source=SourceRef(kind="api"))
    lead = Lead.objects.get(pk=created.lead_id)
    assert "e:giulia@old.example" in keys(lead)
    patch(lead, {"email": "Giulia.Verdi@New.Example"})
    assert "e:giulia.verdi@new.example" in keys(lead)
    assert "e:giulia@old.example" not in keys(lead)
    [r] = ingest([{"first_name": "G.", "email": "giulia.verdi@new.example"}], actor=admin,
                 source=SourceRef(kind="form", reference="f-1"))
    assert (r.outcome, r.lead_id) == ("merged", lead.pk)


def test_a_typed_phone_is_indexed_as_records_are_normalised(admin, patch):
    lead = LeadFactory(first_name="Aldo", last_name="Neri", phone="")
    patch(lead, {"phone": "333 123 4567"})
    assert "p:+393331234567" in keys(lead)


def test_keys_a_folded_record_also_produced_are_kept(admin, patch):
    [first] = ingest([{"first_name": "Paolo", "last_name": "Galli", "email": "paolo@shared.example"}],
                     actor=admin, source=SourceRef(kind="api"))
    [again] = ingest([{"first_name": "Paolo", "email": "paolo@shared.example", "phone": "+393479876543"}],
                     actor=admin, source=SourceRef(kind="api"))
    assert again.outcome == "merged" and again.lead_id == first.lead_id
    lead = Lead.objects.get(pk=first.lead_id)
    patch(lead, {"email": "paolo.galli@else.example", "phone": "+393470000000"})
    after = keys(lead)
    assert {"e:paolo.galli@else.example", "p:+393470000000"} <= after
    # the folded record still carries the old email and its phone: the lead answers to both
    assert {"e:paolo@shared.example", "p:+393479876543"} <= after


def test_keys_of_a_lead_merged_into_it_are_kept(admin, patch):
    survivor = LeadFactory(first_name="Rosa", last_name="Bassi", email="rosa@one.example")
    merged = LeadFactory(first_name="Rosa", last_name="Bassi", email="rosa@one.example",
                         phone="+393401111111")
    services.lead_merge(actor=admin, survivor=survivor, merged=merged)
    patch(survivor, {"email": "rosa@two.example"})
    assert {"e:rosa@two.example", "e:rosa@one.example", "p:+393401111111"} <= keys(survivor)


def test_a_changed_company_refreshes_the_derived_keys(admin, patch):
    [created] = ingest([{"company_name": "Acme S.r.l.", "website": "acme.it", "email": "info@acme.it"}],
                       actor=admin, source=SourceRef(kind="api"))
    lead = Lead.objects.get(pk=created.lead_id)
    assert lead.company_key == "acme" and "c:acme" in keys(lead)
    patch(lead, {"company_name": "Globex S.p.A.", "website": "https://www.globex.it",
                 "email": "info@globex.it"})
    assert (lead.company_key, lead.domain) == ("globex", "globex.it")
    after = keys(lead)
    assert {"c:globex", "d:globex.it"} <= after
    assert not {"c:acme", "d:acme.it", "e:info@acme.it"} & after


def test_only_an_edit_of_an_identity_field_reindexes(admin, patch, monkeypatch):
    calls = []
    monkeypatch.setattr(reindex, "reindex_lead", lambda lead_id, previous: calls.append(previous))
    lead = LeadFactory(first_name="Ugo", job_title="", city="Lecce")
    patch(lead, {"job_title": "CFO", "purchase_timeframe": "immediate"})
    assert calls == []
    patch(lead, {"job_title": "CEO", "city": "Bari"})
    assert calls == [{"city": "Lecce"}]


def test_a_person_edit_is_normalised_like_a_record_and_a_bad_value_is_flagged(admin, patch):
    lead = LeadFactory(first_name="Elsa", last_name="Riva", phone="", country="IT", quality_flags={})
    patch(lead, {"phone": "347 123 4567", "email": "Elsa.Riva@EXAMPLE.it"})
    assert (lead.phone, lead.email) == ("+393471234567", "Elsa.Riva@example.it")
    assert lead.quality_flags == {}
    patch(lead, {"phone": "12"})
    assert lead.phone == "12" and "phone" in lead.quality_flags  # kept as typed, flagged
    entry = history_of(lead).filter(action="updated").last()
    assert entry.changes["phone"] == ["+393471234567", "12"]
    patch(lead, {"phone": "+39 347 7654321"})
    assert lead.phone == "+393477654321" and "phone" not in lead.quality_flags
