"""Create and edit leads through the forms; service errors land on the fields."""

import datetime as dt

import pytest

from imbuto.core.errors import ValidationFailed
from imbuto.core.models import AuditEvent, HistoryEntry
from imbuto.leads.models import Lead

pytestmark = pytest.mark.django_db


def test_a_rep_creates_a_lead_and_owns_it(client_as, rep):
    client = client_as(rep)
    page = client.get("/leads/new/")
    assert page.status_code == 200 and "owner" not in page.context["form"].fields
    response = client.post("/leads/new/", {
        "first_name": "Giulia", "last_name": "Neri", "email": "giulia@neri.it", "company_name": "Neri SpA",
        "country": "it", "purchase_timeframe": "within_2_months", "size_band": "", "consent_basis": "",
    })
    lead = Lead.objects.get(last_name="Neri")
    assert response.status_code == 302 and response["Location"] == f"/leads/{lead.pk}/"
    assert (lead.owner, lead.team, lead.created_by) == (rep, rep.team, rep)
    assert (lead.country, lead.temperature, lead.temperature_overridden) == ("IT", "warm", False)
    assert HistoryEntry.objects.filter(object_id=lead.pk, action="created").exists()


def test_a_typed_in_lead_goes_through_intake_normalised_and_deduplicated(client_as, rep):
    from imbuto.intake.models import LeadSource

    client = client_as(rep)
    client.post("/leads/new/", {"first_name": "paolo", "last_name": "Bianchi",
                                "email": "Paolo.Bianchi@ACME.it", "phone": "347 123 4567", "country": "it",
                                "purchase_timeframe": "unknown"})
    lead = Lead.objects.get(last_name="Bianchi")
    assert (lead.phone, lead.email, lead.domain) == ("+393471234567", "Paolo.Bianchi@acme.it", "acme.it")
    source = LeadSource.objects.get(lead=lead)
    assert (source.kind, source.channel.slug, source.reference) == ("manual", "manual", "ui:rita")
    # the same person typed again (another spelling of the phone): merged, not a second lead
    response = client.post("/leads/new/", {"first_name": "Paolo", "last_name": "Bianchi",
                                           "phone": "+39 347 1234567", "city": "Bari",
                                           "purchase_timeframe": "unknown"}, follow=True)
    assert Lead.objects.filter(last_name="Bianchi").count() == 1
    assert response.redirect_chain[-1][0] == f"/leads/{lead.pk}/"
    assert "already a lead" in response.content.decode()
    lead.refresh_from_db()
    assert lead.city == "Bari" and LeadSource.objects.filter(lead=lead).count() == 2


def test_a_typed_in_person_owned_by_someone_else_is_merged_without_showing_it(client_as, rep, other_rep):
    from tests.factories import LeadFactory

    theirs = LeadFactory(owner=other_rep, first_name="Sara", last_name="Gallo", email="sara@gallo.it")
    from imbuto.intake.indexing import index_leads

    index_leads([theirs.pk])
    response = client_as(rep).post("/leads/new/", {"last_name": "Gallo", "first_name": "Sara",
                                                   "email": "sara@gallo.it", "purchase_timeframe": "unknown"})
    assert response.status_code == 302 and response["Location"] == "/leads/"
    assert Lead.objects.filter(last_name="Gallo").count() == 1


def test_a_manager_may_pick_the_owner(client_as, manager, rep):
    client = client_as(manager)
    client.post("/leads/new/", {"last_name": "Gialli", "owner": rep.pk, "purchase_timeframe": "unknown"})
    assert Lead.objects.get(last_name="Gialli").owner == rep


def test_form_errors_are_shown_and_nothing_is_written(client_as, rep):
    response = client_as(rep).post("/leads/new/", {"last_name": "X", "country": "ITALY",
                                                   "purchase_timeframe": "soon"})
    assert response.status_code == 422
    assert response.context["form"].errors.keys() >= {"country", "purchase_timeframe"}
    assert not Lead.objects.filter(last_name="X").exists()


def test_service_validation_errors_map_onto_the_form_fields(client_as, rep, monkeypatch):
    def refuse(**kwargs):
        raise ValidationFailed("Bad email.", fields={"email": ["Not an address."], "weird": ["Hm."]})

    from imbuto.intake import services as intake_services

    monkeypatch.setattr(intake_services, "lead_capture", refuse)
    response = client_as(rep).post("/leads/new/", {"last_name": "Y", "purchase_timeframe": "unknown"})
    form = response.context["form"]
    assert response.status_code == 422
    assert form.errors["email"] == ["Not an address."] and "Bad email." in form.non_field_errors()


def test_editing_records_only_the_changed_fields(client_as, rep, rep_lead):
    client = client_as(rep)
    page = client.get(f"/leads/{rep_lead.pk}/edit/")
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(city="Torino", change_reason="moved office")
    response = client.post(f"/leads/{rep_lead.pk}/edit/", data)
    assert response.status_code == 302
    rep_lead.refresh_from_db()
    assert rep_lead.city == "Torino"
    entry = HistoryEntry.objects.get(object_id=rep_lead.pk, action="updated")
    assert entry.changes == {"city": ["", "Torino"]} and entry.reason == "moved office"


def test_saving_an_untouched_form_changes_nothing(client_as, rep, rep_lead):
    Lead.objects.filter(pk=rep_lead.pk).update(
        consent_at=dt.datetime(2025, 3, 4, 10, 11, 12, 345, tzinfo=dt.UTC), consent_basis="consent",
        purchase_timeframe="immediate", temperature="hot", size_band="10-49")
    client = client_as(rep)
    page = client.get(f"/leads/{rep_lead.pk}/edit/")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    data["consent_at"] = form["consent_at"].as_widget().split('value="')[1].split('"')[0]
    assert client.post(f"/leads/{rep_lead.pk}/edit/", data).status_code == 302
    assert not HistoryEntry.objects.filter(object_id=rep_lead.pk, action="updated").exists()


def test_setting_and_clearing_the_temperature_override(client_as, rep, rep_lead):
    client = client_as(rep)
    base = {k: v for k, v in client.get(f"/leads/{rep_lead.pk}/edit/").context["form"].initial.items()
            if v is not None}
    client.post(f"/leads/{rep_lead.pk}/edit/", {**base, "temperature": "hot"})
    rep_lead.refresh_from_db()
    assert (rep_lead.temperature, rep_lead.temperature_overridden) == ("hot", True)
    base = {k: v for k, v in client.get(f"/leads/{rep_lead.pk}/edit/").context["form"].initial.items()
            if v is not None}
    assert base["temperature"] == "hot"
    client.post(f"/leads/{rep_lead.pk}/edit/", {**base, "temperature": ""})
    rep_lead.refresh_from_db()
    assert (rep_lead.temperature, rep_lead.temperature_overridden) == ("cold", False)


def test_editing_another_reps_lead_is_not_found(client_as, rep, other_lead):
    assert client_as(rep).get(f"/leads/{other_lead.pk}/edit/").status_code == 404
    assert client_as(rep).post(f"/leads/{other_lead.pk}/edit/", {"city": "X"}).status_code == 404


def test_a_marketer_may_not_edit_a_sales_lead(client_as, marketer, other_lead):
    Lead.objects.filter(pk=other_lead.pk).update(stage="opportunity")
    response = client_as(marketer).get(f"/leads/{other_lead.pk}/edit/")
    assert response.status_code == 403
    assert b"You may look at this lead but not change it." in response.content
    assert AuditEvent.objects.filter(actor=marketer, action="denied", object_id=str(other_lead.pk)).exists()
