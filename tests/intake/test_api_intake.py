"""The intake API: batch and single create through the pipeline, idempotency, sources, engagement
events, duplicates, merges, referrals and re-engagement. Every bad input is a 4xx in the one shape."""

import datetime as dt

import pytest
from django.utils import timezone

from imbuto.intake.models import DuplicateCandidate, EngagementEvent, IdempotencyRecord, LeadSource
from imbuto.leads.models import Lead
from tests.api.conftest import assert_error
from tests.factories import ContactFactory, LeadFactory


@pytest.fixture
def client(api_as, admin):
    return api_as(admin)


def test_batch_answers_per_record_with_a_summary(client):
    LeadFactory(email="known@example.com")
    body = {"leads": [{"first_name": "Anna", "email": "anna@example.com"},
                      {"first_name": "Anna", "email": "anna@example.com"},
                      {"first_name": "Mario", "email": "known@example.com"},
                      {"city": "Roma"}, 42]}
    response = client.post("/api/v1/leads/batch", body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert [r["outcome"] for r in data["results"]] == ["created", "merged", "merged", "rejected", "rejected"]
    assert data["summary"] == {"created": 1, "merged": 2, "flagged": 0, "rejected": 2}
    first = data["results"][0]
    assert set(first) >= {"index", "outcome", "lead_id", "errors", "warnings", "duplicate_of"}
    assert data["results"][1]["lead_id"] == first["lead_id"]
    assert data["results"][3]["errors"]["__all__"]


def test_batch_limits_are_clear_4xx(client):
    assert_error(client.post("/api/v1/leads/batch", {"leads": [{"first_name": "x"}] * 10_001}), 413,
                 "payload_too_large", "leads")
    assert_error(client.post("/api/v1/leads/batch", {"leads": []}), 422, field="leads")
    assert_error(client.post("/api/v1/leads/batch", {"lead": []}), 422)
    assert_error(client.post("/api/v1/leads/batch", {"leads": "nope"}), 422, field="leads")
    assert_error(client.post("/api/v1/leads/batch", raw="{"), 400)
    assert not Lead.objects.exists()


def test_batch_idempotency_replays_the_first_answer(client):
    body = {"leads": [{"first_name": "Rita", "email": "rita@example.org"}]}
    first = client.post("/api/v1/leads/batch", body, headers={"Idempotency-Key": "k-1"})
    again = client.post("/api/v1/leads/batch", body, headers={"Idempotency-Key": "k-1"})
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Lead.objects.count() == 1 and LeadSource.objects.count() == 1
    other = client.post("/api/v1/leads/batch", {"leads": [{"first_name": "Other"}]},
                        headers={"Idempotency-Key": "k-1"})
    assert_error(other, 422, "idempotency_key_reused", "Idempotency-Key")
    assert_error(client.post("/api/v1/leads/batch", body, headers={"Idempotency-Key": "x" * 201}), 422)


def test_single_create_201_then_merged_200_then_422(client):
    created = client.post("/api/v1/leads", {"first_name": "Elena", "email": "elena@example.it"})
    assert created.status_code == 201 and created.json()["outcome"] == "created"
    merged = client.post("/api/v1/leads",
                         {"first_name": "Elena", "email": "Elena@Example.it", "city": "Bari"})
    assert merged.status_code == 200, merged.content
    body = merged.json()
    assert body["outcome"] == "merged" and body["id"] == created.json()["id"] and body["city"] == "Bari"
    assert_error(client.post("/api/v1/leads", {"city": "Roma"}), 422, "validation_error", "__all__")
    assert Lead.objects.count() == 1


def test_single_create_is_idempotent(client):
    body = {"first_name": "Ivo", "email": "ivo@example.it"}
    a = client.post("/api/v1/leads", body, headers={"Idempotency-Key": "once"})
    b = client.post("/api/v1/leads", body, headers={"Idempotency-Key": "once"})
    assert a.status_code == b.status_code == 201 and a.json() == b.json()
    assert Lead.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    assert_error(client.post("/api/v1/leads", {"first_name": "Other"}, headers={"Idempotency-Key": "once"}),
                 422, "idempotency_key_reused")


def test_a_rep_merging_into_someone_elses_lead_learns_neither_its_id_nor_its_values(api_as, rep, other_lead):
    response = api_as(rep).post("/api/v1/leads", {"first_name": "Remo's", "email": other_lead.email})
    assert response.status_code == 200
    body = response.json()
    assert body == {"outcome": "merged", "lead": None, "message": body["message"], "warnings": {}}
    assert "someone else's care" in body["message"]


def test_sources_list_every_channel_reference_with_file_and_row(client, admin):
    from imbuto.intake.pipeline import SourceRef, ingest

    [r] = ingest([{"first_name": "Fabio", "email": "fabio@example.it"}], actor=admin,
                 source=SourceRef(kind="import", channel="trade-show", file_name="fiera.csv"),
                 row_numbers=[7])
    client.post("/api/v1/leads", {"first_name": "Fabio", "email": "fabio@example.it", "channel": "webinar"})
    items = client.get(f"/api/v1/leads/{r.lead_id}/sources").json()["items"]
    assert [(i["kind"], i["channel"], i["file_name"], i["row_number"], i["outcome"]) for i in items] == [
        ("import", "trade-show", "fiera.csv", 7, "created"), ("api", "webinar", "", None, "merged")]


def test_sources_of_a_lead_outside_scope_are_404(api_as, other_rep, rep_lead):
    assert_error(api_as(other_rep).get(f"/api/v1/leads/{rep_lead.pk}/sources"), 404)


def test_events_match_by_id_email_external_id_and_create_suspects(client, rep_lead):
    known = LeadFactory(external_id="crm-9")
    events = [
        {"type": "content_view", "lead_id": rep_lead.pk, "content_type": "video", "content_ref": "/v/1",
         "id": "e1"},
        {"type": "email_click", "email": rep_lead.email.upper(), "id": "e2"},
        {"type": "like", "external_id": "crm-9", "network": "linkedin"},
        {"type": "webinar_attended", "email": "new.person@example.com", "first_name": "Nina"},
        {"type": "social_interaction", "email": "new.person@example.com"},
        {"type": "nope", "email": "x@example.com"},
        {"type": "like"},
        {"type": "like", "lead_id": 999999},
    ]
    response = client.post("/api/v1/events", {"events": events})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["recorded"] * 5 + ["rejected"] * 3
    assert results[0]["lead_id"] == results[1]["lead_id"] == rep_lead.pk
    assert results[2]["lead_id"] == known.pk
    assert results[3]["lead_outcome"] == "created" and results[4]["lead_id"] == results[3]["lead_id"]
    new = Lead.objects.get(pk=results[3]["lead_id"])
    assert new.stage == "suspect" and new.channel.slug == "webinar" and new.first_name == "Nina"
    kinds = dict(EngagementEvent.objects.values_list("external_event_id", "channel__slug").filter(
        external_event_id__in=["e1", "e2"]))
    assert kinds == {"e1": "content-video", "e2": "email-campaign"}
    assert EngagementEvent.objects.get(lead=known).channel.slug == "social-linkedin"
    again = client.post("/api/v1/events", {"events": events[:1]}).json()
    assert again["results"][0]["outcome"] == "duplicate"
    listed = client.get(f"/api/v1/leads/{rep_lead.pk}/engagement").json()["items"]
    assert {i["kind"] for i in listed} == {"content_view", "email_click"}


def test_duplicates_list_merge_and_dismiss(client, admin):
    a = LeadFactory(first_name="Aldo", created_at=timezone.now() - dt.timedelta(days=2))
    b = LeadFactory(first_name="Aldo")
    c = LeadFactory(first_name="Ciro")
    p1 = DuplicateCandidate.objects.create(lead=b, candidate=a, score=0.8)
    p2 = DuplicateCandidate.objects.create(lead=c, candidate=a, score=0.6)
    listed = client.get("/api/v1/duplicates").json()
    assert [i["id"] for i in listed["items"]] == [p1.pk, p2.pk] and listed["count"] == 2
    assert listed["items"][0]["lead"]["id"] == b.pk
    merged = client.post(f"/api/v1/duplicates/{p1.pk}/merge")
    assert merged.status_code == 200, merged.content
    assert merged.json()["merge"]["survivor"] == a.pk and merged.json()["status"] == "merged"
    assert_error(client.post(f"/api/v1/duplicates/{p1.pk}/merge"), 409)
    dismissed = client.post(f"/api/v1/duplicates/{p2.pk}/dismiss", {"reason": "brothers"})
    assert dismissed.json()["status"] == "dismissed"
    assert client.get("/api/v1/duplicates").json()["items"] == []
    assert_error(client.post("/api/v1/duplicates/999999/dismiss"), 404)


def test_merge_endpoint_and_merge_inspection(client):
    keep, other = LeadFactory(city="Lecce"), LeadFactory(city="Bari")
    response = client.post(f"/api/v1/leads/{keep.pk}/merge", {"other": other.pk, "reason": "same"})
    assert response.status_code == 200, response.content
    merge = response.json()
    assert merge["survivor"] == keep.pk and merge["differing_values"]["city"] == ["Lecce", "Bari"]
    assert client.get(f"/api/v1/merges/{merge['id']}").json()["id"] == merge["id"]
    assert client.get(f"/api/v1/leads/{keep.pk}/merges").json()["items"][0]["merged"] == other.pk
    assert_error(client.post(f"/api/v1/leads/{keep.pk}/merge", {"other": other.pk}), 409)
    assert_error(client.post(f"/api/v1/leads/{keep.pk}/merge", {"other": keep.pk}), 422)
    assert_error(client.post(f"/api/v1/leads/{keep.pk}/merge", {"other": 999999}), 404, field="other")
    assert_error(client.post(f"/api/v1/leads/{keep.pk}/merge", {}), 422, field="other")


def test_referral_and_reengage_endpoints(client, admin):
    lead = LeadFactory()
    contact = ContactFactory()
    response = client.post(f"/api/v1/leads/{lead.pk}/referral", {"referrer_contact": contact.pk})
    assert response.status_code == 201 and response.json()["referrer_contact"] == contact.pk
    assert client.get(f"/api/v1/leads/{lead.pk}").json()["referrer_contact"] == contact.pk
    assert_error(client.post(f"/api/v1/leads/{lead.pk}/referral", {}), 422)
    assert_error(client.post(f"/api/v1/leads/{lead.pk}/referral", {"referrer_contact": 999999}), 422,
                 field="referrer_contact")
    assert_error(client.post(f"/api/v1/leads/{lead.pk}/reengage", {"reason": "x"}), 409)
    lead.stage = "discarded"
    lead.save()
    body = client.post(f"/api/v1/leads/{lead.pk}/reengage", {"reason": "new product"}).json()
    assert body["stage"] == "lead" and body["channel"] == "lost-opportunity"


def test_hostile_records_are_rejected_or_cleaned_per_record_never_a_500(client):
    body = {"leads": [
        {"first_name": "Nul\u0000led", "city": "Bad\ud800Surrogate"},
        {"first_name": "x" * 1_000_000},
        {"first_name": ["a"]},
        {"\ud800weird": 1, "first_name": "K"},
        None,
        {"first_name": "Ok", "consent_at": "yesterday"},
        {"first_name": "Ok", "campaign": "No such campaign"},
    ]}
    response = client.post("/api/v1/leads/batch", body)
    assert response.status_code == 200, response.content[:300]
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["created"] + ["rejected"] * 6
    lead = Lead.objects.get(pk=results[0]["lead_id"])
    assert lead.first_name == "Nulled" and lead.city == "BadSurrogate"
    assert "1000000" in results[1]["errors"]["first_name"][0]
    assert "consent_at" in results[5]["errors"] and "campaign" in results[6]["errors"]


def test_events_limits_and_bad_events(client):
    assert_error(client.post("/api/v1/events", {"events": [{"type": "like"}] * 10_001}), 413)
    assert_error(client.post("/api/v1/events", {"events": []}), 422)
    response = client.post("/api/v1/events", {"events": [
        "nope", {"type": "like", "email": "a@example.com", "colour": "red"},
        {"type": "like", "email": "not-an-email"}, {"type": "like", "lead_id": "abc"},
        {"type": "like", "email": "b@example.com", "properties": "x"},
        {"type": "like", "email": "c@example.com", "occurred_at": "soon"},
        {"type": "like", "email": "d@example.com", "content_type": "podcast"},
    ]})
    assert response.status_code == 200
    results = response.json()["results"]
    assert {r["outcome"] for r in results} == {"rejected"}
    assert not Lead.objects.exists() and not EngagementEvent.objects.exists()
    assert_error(client.post("/api/v1/events", {"events": [{"type": "like", "lead_id": 1}]},
                             headers={"Idempotency-Key": "\u0007"}), 422)


def test_a_rep_cannot_merge_or_review_other_reps_leads(api_as, rep, rep_lead, other_lead):
    client = api_as(rep)
    assert_error(client.post(f"/api/v1/leads/{rep_lead.pk}/merge", {"other": other_lead.pk}), 404)
    pair = DuplicateCandidate.objects.create(lead=rep_lead, candidate=other_lead, score=0.7)
    assert client.get("/api/v1/duplicates").json()["items"] == []
    assert_error(client.post(f"/api/v1/duplicates/{pair.pk}/merge"), 404)
    assert_error(client.post(f"/api/v1/leads/{other_lead.pk}/reengage"), 404)
    assert_error(client.get(f"/api/v1/leads/{other_lead.pk}/engagement"), 404)


def test_ids_too_large_for_the_database_are_422_not_500(client):
    body = {"leads": [{"first_name": "A", "campaign": 10**30}, {"first_name": "B", "campaign": "9" * 30},
                      {"first_name": "C", "campaign": True}]}
    results = client.post("/api/v1/leads/batch", body).json()["results"]
    assert [r["outcome"] for r in results] == ["rejected"] * 3
    assert_error(client.post("/api/v1/leads", {"first_name": "D", "owner": "9" * 30}), 422, field="owner")
    events = client.post("/api/v1/events", {"events": [
        {"type": "like", "email": "e@example.com", "campaign": True},
        {"type": "like", "email": "e@example.com", "campaign": "9" * 30},
        {"type": "like", "lead_id": "9" * 30}]}).json()["results"]
    assert [r["outcome"] for r in events] == ["rejected"] * 3
