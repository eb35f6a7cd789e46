"""Routing runs after intake, through the LeadCreated and LeadMerged receivers and a task: new
unowned leads are routed on every way in; leads that arrive with an owner are never rerouted."""

from __future__ import annotations

import pytest

from imbuto.core.history import history_of
from imbuto.leads.models import Lead
from imbuto.routing import engine
from imbuto.routing.models import Waiting
from tests.intake.test_default_owner import _form, _submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate(tasks_immediate):
    yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Events are delivered on commit: run what the request left to do after it, as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _cache():
    from django.core.cache import cache

    cache.clear()
    yield


def test_a_lead_posted_without_owner_is_routed_with_its_explanation(
    api_as, admin, routing_world, giulia, committed
):
    with committed():
        response = api_as(admin).post(
            "/api/v1/leads",
            {
                "last_name": "Neri",
                "email": "neri@example.it",
                "country": "Italia",
                "purchase_timeframe": "immediate",
            },
        )
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(email="neri@example.it")
    assert lead.owner_id == giulia.pk  # a suspect, no nurturing owner: to sales
    routing = api_as(admin).get(f"/api/v1/leads/{lead.pk}/routing").json()
    assert routing["latest"]["code"] == engine.ASSIGNED
    assert routing["latest"]["text"].startswith("Routed: rule 'Nord Italia' -> pool 'IT-North' -> Giulia")
    assert routing["waiting"] is False


def test_a_reps_own_lead_is_not_rerouted(api_as, rep, routing_world, committed):
    with committed():
        response = api_as(rep).post(
            "/api/v1/leads", {"last_name": "Mine", "email": "mine@example.it", "country": "IT"}
        )
    assert response.status_code == 201
    lead = Lead.objects.get(email="mine@example.it")
    assert lead.owner_id == rep.pk
    assert not history_of(lead).filter(reason_code__startswith="routing.").exists()


def test_a_web_form_default_owner_is_kept(client, rep, other_rep, routing_world, committed):
    with committed():
        lead = _submit(client, _form(default_owner=other_rep), "owned@example.com")
    assert lead.owner_id == other_rep.pk


def test_a_web_form_lead_without_owner_is_routed(client, routing_world, other_rep, committed):
    with committed():
        lead = _submit(client, _form(), "nobody@example.com")  # no country: the default pool
    lead.refresh_from_db()
    assert lead.owner_id == other_rep.pk


def test_a_web_form_default_team_is_routed_inside_that_team(
    client, north, routing_world, giulia, rep, committed
):
    with committed():
        lead = _submit(client, _form(default_team=north), "team@example.com")
    lead.refresh_from_db()
    assert lead.owner_id in (giulia.pk, rep.pk) and lead.team_id == north.pk


def test_without_routing_configured_leads_stay_in_the_queue_as_before(api_as, admin, committed):
    with committed():
        api_as(admin).post("/api/v1/leads", {"last_name": "Solo", "email": "solo@example.it"})
    lead = Lead.objects.get(email="solo@example.it")
    assert (lead.owner_id, lead.team_id) == (None, None)
    assert not Waiting.objects.exists() and not history_of(lead).filter(action="routed").exists()


def test_new_information_on_an_unowned_lead_routes_it(api_as, admin, routing_world, other_rep, committed):
    lead = Lead.objects.create(last_name="Old", email="old@example.it", stage="sql")  # before routing
    with committed():
        api_as(admin).post(
            "/api/v1/leads", {"last_name": "Old", "email": "old@example.it", "phone": "+39 333 1234567"}
        )
    lead.refresh_from_db()
    assert lead.owner_id == other_rep.pk


def test_a_lead_becoming_sql_leaves_the_nurturing_owner_for_sales(
    api_as, admin, marketer, routing_world, giulia, committed
):
    """Marketing nurtures leads until they are sales qualified; then a rep of the pool takes them."""
    from imbuto.leads.services import lead_transition
    from imbuto.routing import config

    config.settings_save(actor=admin, nurturing_owner=marketer.pk)
    with committed():
        response = api_as(admin).post("/api/v1/leads", {"last_name": "Verdi", "country": "Italia"})
    lead = Lead.objects.get(pk=response.json()["id"])
    assert lead.owner_id == marketer.pk
    with committed():
        for stage in ("lead", "mql", "sql"):
            lead_transition(actor=admin, lead=Lead.objects.get(pk=lead.pk), to=stage)
    assert Lead.objects.get(pk=lead.pk).owner_id == giulia.pk
    assigned = history_of(lead).filter(action="assigned").order_by("at", "id")
    codes = list(assigned.values_list("reason_code", flat=True))
    assert codes == [engine.NURTURING, engine.ASSIGNED]
