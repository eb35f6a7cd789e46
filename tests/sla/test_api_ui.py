"""/api/v1/sla and /api/v1/leads/{id}/first-contact|sla; the lead page's panel, the per-rep page and the
policy form; bad input answers 4xx with the field at fault."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imbuto.sla import services
from imbuto.sla.models import LeadSla, SlaPolicy, TeamCalendar

from .conftest import MONDAY_10, rome

pytestmark = pytest.mark.django_db

GOOD = {"hot_target": 2, "hot_unit": "hours", "warm_target": 1, "warm_unit": "days", "cold_target": 5,
        "cold_unit": "days", "hot_reminder": 30, "hot_reminder_unit": "minutes", "reminder": 1,
        "reminder_unit": "hours", "reassign_at_breach": True, "working_days": [0, 1, 2, 3, 4, 5],
        "work_start": "08:30", "work_end": "17:30", "country": "de", "subdivision": "by"}


def test_policy_defaults_readable_by_everyone(api_as, rep):
    body = api_as(rep).get("/api/v1/sla/policy").json()
    assert body["hot_target"] == 1 and body["hot_unit"] == "hours"
    assert (body["warm_target"], body["warm_unit"]) == (1, "days")
    assert (body["cold_target"], body["cold_unit"]) == (3, "days")
    assert body["working_days"] == [0, 1, 2, 3, 4] and body["work_start"] == "09:00:00"
    assert body["country"] == "IT" and body["reassign_at_breach"] is False


def test_admin_replaces_the_policy(api_as, admin):
    response = api_as(admin).client.put("/api/v1/sla/policy", GOOD, content_type="application/json",
                                        headers=api_as(admin)._headers())
    assert response.status_code == 200, response.json()
    policy = SlaPolicy.objects.get(pk=1)
    assert (policy.country, policy.subdivision, policy.hot_target) == ("DE", "BY", 2)
    assert policy.working_days == [0, 1, 2, 3, 4, 5] and policy.reassign_at_breach


def put(api, path, body):
    return api.client.put(path, body, content_type="application/json", headers=api._headers())


def test_only_admins_change_the_policy(api_as, manager, rep):
    for user in (manager, rep):
        assert put(api_as(user), "/api/v1/sla/policy", GOOD).status_code == 403


@pytest.mark.parametrize(("change", "field"), [
    ({"hot_target": 0}, "hot_target"),
    ({"warm_target": -3}, "warm_target"),
    ({"reminder": -1}, "reminder"),
    ({"work_start": "18:00", "work_end": "09:00"}, "work_end"),
    ({"work_start": "09:00", "work_end": "09:00"}, "work_end"),
    ({"working_days": []}, "working_days"),
    ({"working_days": [7]}, "working_days"),
    ({"country": "XX"}, "country"),
    ({"country": "Italia"}, "country"),
    ({"country": "IT", "subdivision": "ZZ"}, "subdivision"),
])
def test_bad_policy_answers_422_with_the_field(api_as, admin, change, field):
    response = put(api_as(admin), "/api/v1/sla/policy", {**GOOD, **change})
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    assert SlaPolicy.objects.filter(pk=1, hot_target=2).count() == 0  # nothing saved


def test_bad_policy_shapes_are_422_not_500(api_as, admin):
    for body in ({**GOOD, "hot_unit": "weeks"}, {**GOOD, "work_start": "25:00"}, {**GOOD, "extra": 1},
                 {"hot_target": 1}):
        assert put(api_as(admin), "/api/v1/sla/policy", body).status_code == 422


def test_team_calendar_api(api_as, admin, manager, north):
    api = api_as(admin)
    response = put(api, f"/api/v1/sla/teams/{north.pk}", {"country": "it", "subdivision": "bz"})
    assert response.status_code == 200 and response.json() == {"team_id": north.pk, "country": "IT",
                                                               "subdivision": "BZ"}
    assert api.get("/api/v1/sla/teams").json() == [response.json()]
    assert put(api, f"/api/v1/sla/teams/{north.pk}", {"country": "XX"}).status_code == 422
    assert put(api, "/api/v1/sla/teams/999999", {"country": "IT"}).status_code == 404
    assert put(api_as(manager), f"/api/v1/sla/teams/{north.pk}", {"country": "FR"}).status_code == 403
    assert put(api, f"/api/v1/sla/teams/{north.pk}", {"country": ""}).status_code == 204
    assert not TeamCalendar.objects.exists()


def test_first_contact_api(api_as, make_lead, rep, other_rep):
    lead = make_lead(owner=rep, temperature="hot", at=rome(2026, 3, 2, 10))
    url = f"/api/v1/leads/{lead.pk}/first-contact"
    assert api_as(other_rep).post(url, {"kind": "call"}).status_code == 404
    assert api_as(rep).post(url, {"kind": "fax"}).status_code == 422
    assert api_as(rep).post(url, {"kind": "call", "unknown": 1}).status_code == 422
    response = api_as(rep).post(url, {"kind": "call", "note": "Spoke to Sara"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["first_contact_kind"] == "call" and body["first_contact_by"] == rep.pk
    assert body["first_contact_note"] == "Spoke to Sara" and body["response_minutes"] is not None
    assert body["state"] in ("on_time", "late")
    again = api_as(rep).post(url, {"kind": "email"})
    assert again.status_code == 409
    assert api_as(rep).get(f"/api/v1/leads/{lead.pk}/sla").json()["first_contact_kind"] == "call"


def test_lead_clock_api(api_as, make_lead, rep, other_rep):
    lead = make_lead(owner=rep, temperature="warm")
    body = api_as(rep).get(f"/api/v1/leads/{lead.pk}/sla").json()
    assert body["due_at"] == "2026-03-03T09:00:00Z" and body["temperature"] == "warm"
    assert body["state"] == "late" and body["seconds_overdue"] > 0  # the test runs after March 2026
    assert api_as(other_rep).get(f"/api/v1/leads/{lead.pk}/sla").status_code == 404


def test_reps_report(api_as, make_lead, rep, other_rep, manager, admin, marketer):
    on_time = make_lead(owner=rep, temperature="hot")
    late = make_lead(owner=rep, temperature="hot")
    make_lead(owner=rep, temperature="hot")  # still waiting, past due: late and overdue
    services.first_contact_record(actor=rep, lead_id=on_time.pk, kind="call",
                                  now=MONDAY_10.replace(minute=10))
    services.first_contact_record(actor=rep, lead_id=late.pk, kind="call", now=MONDAY_10.replace(hour=13))
    make_lead(owner=other_rep, temperature="hot")
    rows = {r["name"]: r for r in api_as(admin).get("/api/v1/sla/reps").json()}
    assert rows["rita"] == {"user_id": rep.pk, "name": "rita", "on_time": 1, "late": 2, "waiting": 0,
                            "overdue": 1, "median_minutes": 95.0}
    assert rows["remo"]["late"] == 1
    assert {r["name"] for r in api_as(manager).get("/api/v1/sla/reps").json()} == {"mara", "rita"}
    assert [r["name"] for r in api_as(rep).get("/api/v1/sla/reps").json()] == ["rita"]
    assert api_as(marketer).get("/api/v1/sla/reps").status_code == 403


def test_lead_page_panel_and_contacted_button(client_as, make_lead, rep):
    from django.utils import timezone

    lead = make_lead(owner=rep, temperature="hot", at=timezone.now())
    client = client_as(rep)
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert 'id="lead-sla"' in page and 'id="sla-contact-form"' in page and "left" in page
    response = client.post(reverse("sla:first_contact", args=[lead.pk]), {"kind": "meeting", "note": "x"})
    assert response.status_code == 302
    clock = LeadSla.objects.get(lead=lead)
    assert clock.first_contact_kind == "meeting" and clock.first_contact_by == rep
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert 'id="sla-first-contact"' in page and 'id="sla-contact-form"' not in page
    assert "on time" in page
    assert client.post(reverse("sla:first_contact", args=[lead.pk]), {"kind": "call"},
                       follow=True).status_code == 200  # again: a message, no change
    assert LeadSla.objects.get(lead=lead).first_contact_kind == "meeting"


def test_lead_page_in_italian(client_as, make_lead, rep):
    lead = make_lead(owner=rep, temperature="hot")
    page = client_as(rep, "it").get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert "Tempo di risposta" in page and "In ritardo di" in page


def test_reps_page(client_as, make_lead, rep, admin, marketer):
    make_lead(owner=rep)
    page = client_as(admin).get(reverse("sla:reps")).content.decode()
    assert f'id="sla-rep-{rep.pk}"' in page and reverse("sla:policy") in page
    assert client_as(marketer).get(reverse("sla:reps")).status_code == 403


def test_policy_form(client_as, admin, manager):
    client = client_as(admin)
    assert client.get(reverse("sla:policy")).status_code == 200
    form = {**GOOD, "reassign_at_breach": "on"}
    response = client.post(reverse("sla:policy"), form)
    assert response.status_code == 302
    assert SlaPolicy.objects.get(pk=1).country == "DE"
    bad = client.post(reverse("sla:policy"), {**form, "hot_target": "0", "work_start": "18:00",
                                              "work_end": "09:00", "country": "XX"})
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "greater than zero" in text and "end after they start" in text
    none = client.post(reverse("sla:policy"), {k: v for k, v in form.items() if k != "working_days"})
    assert none.status_code == 422 and "at least one working day" in none.content.decode()
    assert client_as(manager).get(reverse("sla:policy")).status_code == 403


@pytest.mark.parametrize("change", [
    {"hot_target": 2**40}, {"cold_target": 10_001, "cold_unit": "days"},
    {"cold_target": 5000, "cold_unit": "days", "working_days": [6]},  # 5000 Sundays: beyond ten years
])
def test_targets_too_large_are_422(api_as, admin, change):
    response = put(api_as(admin), "/api/v1/sla/policy", {**GOOD, **change})
    assert response.status_code == 422, response.content
