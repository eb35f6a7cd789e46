"""Create, read and partially update leads through the API; the contract's field names."""

import pytest

from imbuto.core.history import history_of
from imbuto.core.models import AuditEvent
from imbuto.leads.models import Lead
from tests.factories import CampaignFactory

from .conftest import assert_error

CONTRACT_FIELDS = {
    "id", "first_name", "last_name", "email", "phone", "job_title", "company_name", "website",
    "vat_id", "street", "postal_code", "city", "region", "country", "channel", "campaign",
    "campaign_name", "stage", "temperature", "purchase_timeframe", "owner", "owner_username", "team",
    "score", "created_at", "updated_at", "language", "industry", "size_band", "tax_code",
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "external_id",
    "disposition_reason", "parked_until", "consent_basis", "consent_at", "consent_channel",
    "temperature_overridden", "merged_into",
}

FULL = {
    "first_name": "Giulia", "last_name": "Verdi", "email": "giulia.verdi@example.it",
    "phone": "+39 02 1234567", "job_title": "CFO", "company_name": "Verdi S.p.A.",
    "website": "https://verdi.example.it", "vat_id": "IT01234567890", "street": "Via Roma 1",
    "postal_code": "20100", "city": "Milano", "region": "MI", "country": "it", "language": "it",
    "industry": "Manufacturing", "size_band": "50-249", "tax_code": "VRDGLI80A41F205X",
    "channel": "trade-show", "utm_source": "fair", "utm_medium": "booth", "utm_campaign": "spring",
    "external_id": "ext-1", "purchase_timeframe": "within_2_months", "consent_basis": "consent",
    "consent_at": "2026-01-10T10:00:00", "consent_channel": "paper form",
}


def test_create_returns_201_with_the_contract_fields(api_as, admin):
    response = api_as(admin).post("/api/v1/leads", FULL)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= CONTRACT_FIELDS
    assert body["country"] == "IT" and body["channel"] == "trade-show"
    assert body["stage"] == "suspect" and body["temperature"] == "warm"
    assert body["purchase_timeframe"] == "within_2_months" and body["size_band"] == "50-249"
    assert body["consent_at"].startswith("2026-01-10")
    lead = Lead.objects.get(pk=body["id"])
    assert lead.created_by == admin and lead.vat_id == "IT01234567890"
    assert history_of(lead).get().action == "created"


def test_a_lead_created_by_a_rep_is_owned_by_that_rep(api_as, rep):
    body = api_as(rep).post("/api/v1/leads", {"first_name": "Ugo"}).json()
    assert body["owner"] == rep.pk and body["owner_username"] == "rita"
    assert body["team"] == rep.team_id


def test_a_rep_cannot_create_a_lead_for_someone_else(api_as, rep, other_rep):
    response = api_as(rep).post("/api/v1/leads", {"first_name": "Ugo", "owner": "remo"})
    assert_error(response, 403, "permission_denied")
    assert not Lead.objects.exists()
    assert AuditEvent.objects.filter(action="denied", actor=rep).exists()


def test_a_manager_assigns_by_username_or_id_and_sees_unassigned_team_leads(api_as, manager, rep):
    client = api_as(manager)
    by_name = client.post("/api/v1/leads", {"first_name": "A", "owner": "rita"}).json()
    by_id = client.post("/api/v1/leads", {"first_name": "B", "owner": rep.pk}).json()
    assert by_name["owner"] == by_id["owner"] == rep.pk
    unassigned = client.post("/api/v1/leads", {"first_name": "C"}).json()
    assert unassigned["owner"] is None and unassigned["team"] == manager.team_id
    assert client.get(f"/api/v1/leads/{unassigned['id']}").status_code == 200


def test_campaign_by_id_or_exact_name_and_its_channel_by_default(api_as, admin):
    campaign = CampaignFactory(name="Fiera Milano 2026")
    client = api_as(admin)
    by_name = client.post("/api/v1/leads", {"last_name": "X", "campaign": "Fiera Milano 2026"}).json()
    by_id = client.post("/api/v1/leads", {"last_name": "Y", "campaign": campaign.pk}).json()
    for body in (by_name, by_id):
        assert body["campaign"] == campaign.pk and body["campaign_name"] == "Fiera Milano 2026"
        assert body["channel"] == "email-campaign"


@pytest.mark.parametrize(("field", "value"), [
    ("channel", "no-such-channel"), ("campaign", "No such campaign"), ("campaign", 999999),
    ("owner", "nobody"), ("owner", 999999), ("owner", "otto"), ("referrer_contact", 12345),
])
def test_unknown_references_are_422_naming_the_field(api_as, admin, outsider, field, value):
    response = api_as(admin).post("/api/v1/leads", {"first_name": "Ugo", field: value})
    assert_error(response, 422, "validation_error", field)
    assert not Lead.objects.exists()


def test_read_one_lead(api_as, rep, rep_lead):
    body = api_as(rep).get(f"/api/v1/leads/{rep_lead.pk}").json()
    assert body["id"] == rep_lead.pk and body["first_name"] == "Rita's"


def test_an_unknown_lead_is_404(api_as, admin):
    assert_error(api_as(admin).get("/api/v1/leads/987654"), 404, "not_found")
    assert_error(api_as(admin).get("/api/v1/leads/99999999999999999999999"), 404)


def test_patch_changes_only_what_is_sent_and_records_from_and_to(api_as, rep, rep_lead):
    response = api_as(rep).patch(f"/api/v1/leads/{rep_lead.pk}",
                                 {"city": "Torino", "purchase_timeframe": "immediate"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["city"] == "Torino" and body["temperature"] == "hot"
    assert body["first_name"] == "Rita's" and body["company_name"] == "Acme S.r.l."
    entry = history_of(rep_lead).get(action="updated")
    assert entry.changes["city"] == ["", "Torino"]
    assert entry.changes["purchase_timeframe"] == ["unknown", "immediate"]
    assert entry.actor == rep


def test_patch_null_clears_a_text_field(api_as, rep, rep_lead):
    body = api_as(rep).patch(f"/api/v1/leads/{rep_lead.pk}", {"email": None}).json()
    assert body["email"] == ""


def test_a_manual_temperature_is_recorded_as_an_override(api_as, rep, rep_lead):
    body = api_as(rep).patch(f"/api/v1/leads/{rep_lead.pk}", {"temperature": "hot"}).json()
    assert body["temperature"] == "hot" and body["temperature_overridden"] is True


def test_stage_is_not_patchable_it_points_to_transition(api_as, rep, rep_lead):
    err = assert_error(api_as(rep).patch(f"/api/v1/leads/{rep_lead.pk}", {"stage": "mql"}),
                       422, "validation_error", "stage")
    assert f"/api/v1/leads/{rep_lead.pk}/transition" in err["message"]
    rep_lead.refresh_from_db()
    assert rep_lead.stage == "suspect"


def test_a_new_lead_may_start_in_a_marketing_stage_but_not_later(api_as, admin):
    assert api_as(admin).post("/api/v1/leads", {"first_name": "M", "stage": "mql"}).json()["stage"] == "mql"
    assert_error(api_as(admin).post("/api/v1/leads", {"first_name": "C", "stage": "customer"}),
                 422, field="stage")


@pytest.mark.parametrize(("typed", "stored"), [("Italia", "IT"), ("germany", "DE"), ("fr", "FR")])
def test_patch_reads_a_country_as_every_way_in_does(api_as, rep, rep_lead, typed, stored):
    response = api_as(rep).patch(f"/api/v1/leads/{rep_lead.pk}", {"country": typed})
    assert response.status_code == 200, response.content
    assert response.json()["country"] == stored


def test_patch_refuses_a_country_nobody_has_and_changes_nothing(api_as, rep, rep_lead):
    before = rep_lead.country
    err = assert_error(api_as(rep).patch(f"/api/v1/leads/{rep_lead.pk}", {"country": "Narnia", "city": "X"}),
                       422, "validation_error", "country")
    assert "narnia" in err["message"].lower()
    rep_lead.refresh_from_db()
    assert rep_lead.country == before and rep_lead.city != "X"
