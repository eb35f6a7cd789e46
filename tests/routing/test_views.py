"""The routing page: rules and pools with warnings, forms that show errors on their fields (a zero
capacity, an unknown country) instead of failing, htmx reordering, the lead page's panel, the periodic
job's registration."""

from __future__ import annotations

import pytest
from django.test import Client

from imbuto.core import registry
from imbuto.routing.models import PoolMember, Rule
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def test_the_overview_shows_rules_pools_and_warnings(as_user, admin, routing_world):
    Rule.objects.create(
        name="Impossibile", position=5, pool=routing_world["north"], min_score=90, max_score=10
    )
    PoolMember.objects.filter(pool=routing_world["south"]).delete()
    html = as_user(admin).get("/routing/").content.decode()
    assert "Nord Italia" in html and "IT-North" in html and "Italy" in html  # countries by name
    assert "This rule can never match" in html
    assert "Pool &#x27;South&#x27; has nobody in it" in html


def test_a_zero_capacity_is_a_clear_message_not_an_error(as_user, admin, routing_world, giulia):
    member = PoolMember.objects.get(user=giulia)
    response = as_user(admin).post(
        f"/routing/members/{member.pk}/",
        {f"m{member.pk}-weight": 1, f"m{member.pk}-capacity": 0},
        follow=True,
    )
    assert response.status_code == 200
    assert "A rep with no capacity can take no lead" in response.content.decode()
    assert PoolMember.objects.get(pk=member.pk).capacity is None


def test_the_rule_form_puts_errors_on_its_fields(as_user, admin, routing_world):
    response = as_user(admin).post(
        "/routing/rules/new/", {"name": "X", "pool": routing_world["north"].pk, "countries": "Atlantide"}
    )
    assert response.status_code == 200
    assert "Atlantide is not a country." in response.content.decode()
    assert not Rule.objects.filter(name="X").exists()
    response = as_user(admin).post(
        "/routing/rules/new/",
        {"name": "X", "pool": routing_world["north"].pk, "countries": "Germania, at", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Rule.objects.get(name="X").countries == ["DE", "AT"]


def test_moving_a_rule_with_htmx_answers_the_list(as_user, admin, routing_world):
    second = Rule.objects.create(name="Secondo", position=2, pool=routing_world["south"])
    response = as_user(admin).post(
        f"/routing/rules/{second.pk}/move/", {"direction": "up"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.index("Secondo") < html.index("Nord Italia")


def test_the_lead_panel_explains_the_routing_and_offers_route_again(as_user, admin, rep, routing_world):
    from imbuto.routing import services

    lead = LeadFactory(country="IT", stage="sql")
    services.leads_route(actor=None, lead_ids=[lead.pk])
    html = as_user(admin).get(f"/routing/leads/{lead.pk}/panel/").content.decode()
    assert "Routed: rule &#x27;Nord Italia&#x27;" in html and "Route again by the rules" in html
    owner_html = as_user(rep).get(f"/routing/leads/{lead.pk}/panel/")
    assert owner_html.status_code in (200, 404)
    assert "Route again" not in owner_html.content.decode()
    detail = as_user(admin).get(f"/leads/{lead.pk}/").content.decode()
    assert f'hx-get="/routing/leads/{lead.pk}/panel/"' in detail


def test_the_periodic_job_is_registered():
    [job] = [j for j in registry.PERIODIC_JOBS if j.name == "routing.route_waiting"]
    assert (job.cron, job.task) == ("*/5 * * * *", "imbuto.routing.tasks.route_waiting")
    from imbuto.routing import tasks

    assert tasks.route_waiting.func.__name__ == "route_waiting"


def test_the_unassigned_queue_can_be_routed_from_the_page(as_user, manager, routing_world, giulia, rep):
    from imbuto.leads.models import Lead

    waiting = LeadFactory(country="IT", stage="sql")  # arrived before routing was set up
    response = as_user(manager).post("/routing/route/", {"query": "owner=none"})
    assert response.status_code == 302
    assert Lead.objects.get(pk=waiting.pk).owner_id in (giulia.pk, rep.pk)
