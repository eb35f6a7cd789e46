"""The event contract: every way in emits exactly the expected typed events, once, after commit, with
the documented payload (docs/architecture.md, "Domain events"). Later apps rely on it."""

import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command

from imbuto.intake import services as intake_services
from imbuto.intake.models import EngagementEvent, LeadMerge, WebForm
from imbuto.leads import services as lead_services
from imbuto.leads.events import (
    EngagementRecorded,
    LeadCreated,
    LeadMerged,
    LeadReengaged,
    LeadReferred,
    LeadStageChanged,
    LeadUpdated,
)
from imbuto.leads.models import Lead
from tests.factories import LeadFactory, channel
from tests.intake import test_capture_form as form_helpers
from tests.intake.test_chat_endpoints import SITE, Visitor, qualify
from tests.intake.test_import_runner import make_csv, people


@pytest.fixture
def emitted(event_log, django_capture_on_commit_callbacks):
    """Run a step; check nothing was delivered before commit; return what was delivered after."""

    def run(step):
        event_log.clear()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = step()
        assert event_log == [], "delivered before commit"
        for callback in callbacks:
            callback()
        return list(event_log), result

    return run


def kinds(events):
    return [type(e).__name__ for e in events]


def test_api_single_create_emits_one_lead_created(api_as, admin, emitted):
    record = {"first_name": "Ada", "last_name": "Nuova", "email": "ada@nuova.example"}
    events, r = emitted(lambda: api_as(admin).post("/api/v1/leads", record))
    assert r.status_code == 201, r.content
    assert events == [LeadCreated(lead_ids=(r.json()["id"],), via="api", indexed=True, actor_id=admin.pk)]


def test_api_single_merge_emits_one_lead_merged_with_its_merge_row(api_as, admin, emitted):
    old = LeadFactory(email="old@known.example", first_name="Olga")
    events, r = emitted(lambda: api_as(admin).post("/api/v1/leads", {"first_name": "Olga",
                                                                      "email": "old@known.example"}))
    assert r.status_code == 200 and r.json()["outcome"] == "merged", r.content
    merge = LeadMerge.objects.get(survivor=old)
    assert events == [LeadMerged(lead_ids=(old.pk,), merge_ids=(merge.pk,), via="api", actor_id=admin.pk)]


def test_a_batch_emits_one_event_per_fact_carrying_every_id(api_as, admin, emitted):
    old = LeadFactory(email="known@batch.example", first_name="Olga", last_name="Known")
    records = [{"first_name": f"N{i}", "last_name": "Batch", "email": f"n{i}@batch.example"}
               for i in range(5)]
    records.append({"first_name": "Olga", "last_name": "Known", "email": "known@batch.example"})
    events, r = emitted(lambda: api_as(admin).post("/api/v1/leads/batch", {"leads": records}))
    assert r.status_code == 200, r.content
    created = sorted(x["lead_id"] for x in r.json()["results"] if x["outcome"] == "created")
    assert kinds(events) == ["LeadCreated", "LeadMerged"], r.json()
    assert sorted(events[0].lead_ids) == created and len(created) == 5 and events[0].via == "api"
    assert events[1].lead_ids == (old.pk,) and len(events[1].merge_ids) == 1


def test_the_events_api_emits_engagement_recorded(api_as, admin, emitted):
    lead = LeadFactory(email="reader@blog.example")
    events, r = emitted(lambda: api_as(admin).post("/api/v1/events", {"events": [
        {"type": "content_view", "lead_id": lead.pk, "content_type": "video"},
        {"type": "email_click", "email": "reader@blog.example"}]}))
    assert r.status_code == 200, r.content
    ids = tuple(EngagementEvent.objects.filter(lead=lead).order_by("pk").values_list("pk", flat=True))
    assert events == [EngagementRecorded(lead_ids=(lead.pk,), event_ids=ids,
                                         kinds=("content_view", "email_click"), actor_id=admin.pk)]


@pytest.fixture
def webform(db):
    cache.clear()
    return WebForm.objects.create(
        name="Contact us", channel=channel("web-form"), allowed_origins=form_helpers.SHOP,
        fields=[{"name": "first_name"}, {"name": "last_name"}, {"name": "email", "required": True},
                {"name": "phone"}, {"name": "company_name"}, {"name": "message"}],
        thank_you_url=f"{form_helpers.SHOP}/thanks", consent_text="I agree.", min_fill_seconds=3)


def test_a_web_form_submission_emits_lead_created_and_engagement_recorded(client, webform, emitted):
    events, r = emitted(lambda: form_helpers.post_json(client, webform, form_helpers.good(webform)))
    assert r.status_code in (200, 201), r.content
    lead = Lead.objects.get(email="giulia@bianchi.it")
    engagement = EngagementEvent.objects.get(lead=lead)
    assert events == [LeadCreated(lead_ids=(lead.pk,), via="form", indexed=True),
                      EngagementRecorded(lead_ids=(lead.pk,), event_ids=(engagement.pk,),
                                         kinds=("form_submit",))]


def test_a_chat_that_becomes_a_lead_emits_lead_created_and_engagement_recorded(db, settings, emitted):
    settings.IMBUTO_CHAT_ALLOWED_ORIGINS = [SITE]
    cache.clear()
    events, r = emitted(lambda: qualify(Visitor()))
    assert r.status_code == 200, r.content
    lead = Lead.objects.get(email="mario@acme.it")
    engagement = EngagementEvent.objects.get(lead=lead)
    assert events == [LeadCreated(lead_ids=(lead.pk,), via="chat", indexed=True),
                      EngagementRecorded(lead_ids=(lead.pk,), event_ids=(engagement.pk,),
                                         kinds=("chat_message",))]


def test_an_import_emits_lead_created_for_the_whole_file(tmp_path, emitted, db):
    path = make_csv(tmp_path, "fair.csv", people(7))
    events, _ = emitted(lambda: call_command("import_records", "leads", str(path), stdout=io.StringIO()))
    assert kinds(events) == ["LeadCreated"]
    assert sorted(events[0].lead_ids) == sorted(Lead.objects.values_list("pk", flat=True))
    assert len(events[0].lead_ids) == 7 and events[0].via == "import" and events[0].actor_id is None


def test_a_persons_merge_emits_lead_merged_naming_both_leads(admin, emitted):
    survivor, merged = LeadFactory(first_name="Keep"), LeadFactory(first_name="Fold")
    events, merge = emitted(lambda: intake_services.lead_merge(actor=admin, survivor=survivor, merged=merged))
    assert events == [LeadMerged(lead_ids=(survivor.pk,), merged_ids=(merged.pk,), merge_ids=(merge.pk,),
                                 via="merge", actor_id=admin.pk)]


def test_an_edit_emits_lead_updated_with_fields_and_previous_values(api_as, admin, emitted):
    lead = LeadFactory(city="Roma")
    events, r = emitted(lambda: api_as(admin).patch(f"/api/v1/leads/{lead.pk}", {"city": "Bari"}))
    assert r.status_code == 200, r.content
    assert events == [LeadUpdated(lead_ids=(lead.pk,), fields=("city",), previous={"city": "Roma"},
                                  actor_id=admin.pk)]


def test_an_edit_that_changes_nothing_emits_nothing(api_as, admin, emitted):
    lead = LeadFactory(city="Roma")
    events, r = emitted(lambda: api_as(admin).patch(f"/api/v1/leads/{lead.pk}", {"city": "Roma"}))
    assert r.status_code == 200 and events == []


def test_a_stage_change_emits_lead_stage_changed(api_as, admin, emitted):
    lead = LeadFactory(stage="lead")
    events, r = emitted(lambda: api_as(admin).post(f"/api/v1/leads/{lead.pk}/transition", {"to": "mql"}))
    assert r.status_code == 200, r.content
    assert events == [LeadStageChanged(lead_ids=(lead.pk,), from_stage="lead", to_stage="mql",
                                       actor_id=admin.pk)]


def test_a_refused_stage_change_emits_nothing(api_as, admin, emitted):
    lead = LeadFactory(stage="suspect")
    events, r = emitted(lambda: api_as(admin).post(f"/api/v1/leads/{lead.pk}/transition", {"to": "customer"}))
    assert r.status_code == 409 and events == []


def test_a_referral_emits_lead_referred(admin, emitted):
    lead, referrer = LeadFactory(), LeadFactory(stage="customer")
    events, referral = emitted(lambda: intake_services.referral_record(actor=admin, lead=lead,
                                                                       referrer_lead=referrer))
    assert events == [LeadReferred(lead_ids=(lead.pk,), referral_ids=(referral.pk,), actor_id=admin.pk)]


def test_a_reengagement_emits_the_stage_change_and_lead_reengaged(admin, emitted):
    lead = LeadFactory(stage="discarded", disposition_reason="no_budget")
    events, _ = emitted(lambda: intake_services.lead_reengage(actor=admin, lead=lead, reason="new budget"))
    assert events == [LeadStageChanged(lead_ids=(lead.pk,), from_stage="discarded", to_stage="lead",
                                       actor_id=admin.pk),
                      LeadReengaged(lead_ids=(lead.pk,), actor_id=admin.pk)]


def test_lead_create_outside_intake_emits_an_unindexed_lead_created(admin, emitted):
    events, lead = emitted(lambda: lead_services.lead_create(actor=admin, data={"last_name": "Fuori"}))
    assert events == [LeadCreated(lead_ids=(lead.pk,), via="manual", indexed=False, actor_id=admin.pk)]


def test_every_event_payload_is_plain_json_and_rebuilds_equal():
    from imbuto.core import events

    sample = LeadUpdated(lead_ids=[3, 4], fields=["city"], previous={"city": "Roma"}, actor_id=1)
    assert sample.lead_ids == (3, 4)
    wire = json.loads(json.dumps(sample.payload()))
    assert events.rebuild("lead.updated", wire) == sample
    assert set(events.CATALOGUE) >= {"lead.created", "lead.merged", "lead.updated", "lead.stage_changed",
                                     "engagement.recorded", "lead.referred", "lead.reengaged"}
