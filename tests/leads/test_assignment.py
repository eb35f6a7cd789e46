"""Who owns a lead: one rule (leads.assignment) for creating, editing (API PATCH, UI form) and intake.

Issue 8 finding 10, issue 9 section 3 (lead_assign the only writer), issue 10 item 5."""

import pytest

from imbuto.core.errors import PermissionDenied
from imbuto.core.history import history_of
from imbuto.core.models import AuditEvent
from imbuto.intake.pipeline import SourceRef, ingest
from imbuto.leads import services
from imbuto.leads.assignment import lead_assign
from imbuto.leads.models import Lead
from tests.api.conftest import assert_error
from tests.factories import LeadFactory, UserFactory


@pytest.fixture
def teammate(north):
    return UserFactory(username="nino", role="rep", team=north)


def test_a_rep_cannot_give_a_lead_away_through_patch(api_as, rep, rep_lead, other_rep, teammate):
    client = api_as(rep)
    for owner in (other_rep.pk, teammate.username):
        assert_error(client.patch(f"/api/v1/leads/{rep_lead.pk}", {"owner": owner}), 403,
                     "permission_denied")
    rep_lead.refresh_from_db()
    assert rep_lead.owner == rep
    assert AuditEvent.objects.filter(action="denied", detail__attempted="assign").count() == 2


def test_a_rep_cannot_orphan_a_lead_through_patch(api_as, rep, rep_lead):
    assert_error(api_as(rep).patch(f"/api/v1/leads/{rep_lead.pk}", {"owner": None}), 403)
    rep_lead.refresh_from_db()
    assert rep_lead.owner == rep


def test_a_rep_may_send_their_own_name_back(api_as, rep, rep_lead):
    assert api_as(rep).patch(f"/api/v1/leads/{rep_lead.pk}", {"owner": rep.pk}).status_code == 200


def test_a_manager_assigns_within_the_team_and_the_team_follows(api_as, manager, rep, teammate):
    lead = LeadFactory(owner=rep)
    response = api_as(manager).patch(f"/api/v1/leads/{lead.pk}", {"owner": teammate.username})
    assert response.status_code == 200, response.content
    lead.refresh_from_db()
    assert lead.owner == teammate and lead.team == teammate.team
    assert history_of(lead).filter(action="updated").get().changes["owner"] == [rep.pk, teammate.pk]


def test_a_manager_cannot_hand_a_lead_to_another_team(api_as, manager, rep, other_rep):
    lead = LeadFactory(owner=rep)
    err = assert_error(api_as(manager).patch(f"/api/v1/leads/{lead.pk}", {"owner": other_rep.pk}), 403)
    assert "team" in err["message"]
    lead.refresh_from_db()
    assert lead.owner == rep


def test_a_manager_cannot_create_a_lead_for_another_team_either(api_as, manager, other_rep):
    assert_error(api_as(manager).post("/api/v1/leads", {"first_name": "Ugo", "owner": other_rep.pk}), 403)
    assert not Lead.objects.exists()


def test_an_admin_hands_a_lead_to_another_team(api_as, admin, rep, other_rep):
    lead = LeadFactory(owner=rep)
    assert api_as(admin).patch(f"/api/v1/leads/{lead.pk}", {"owner": other_rep.pk}).status_code == 200
    lead.refresh_from_db()
    assert lead.owner == other_rep and lead.team == other_rep.team


def test_unassigning_keeps_the_lead_in_its_team_queue(manager, rep):
    lead = LeadFactory(owner=rep)
    lead = lead_assign(actor=manager, lead=lead, owner=None)
    assert lead.owner is None and lead.team == rep.team
    assert Lead.objects.filter(pk=lead.pk, owner=None, team=rep.team).exists()


def test_lead_create_and_intake_apply_the_same_rule(manager, rep, other_rep):
    with pytest.raises(PermissionDenied):
        services.lead_create(actor=rep, data={"first_name": "A", "owner": other_rep})
    with pytest.raises(PermissionDenied):
        ingest([{"first_name": "B", "email": "b@example.it"}], actor=rep, source=SourceRef("api"),
               owner=other_rep)
    with pytest.raises(PermissionDenied):
        ingest([{"first_name": "C", "email": "c@example.it"}], actor=manager, source=SourceRef("api"),
               owner=other_rep)
    [result] = ingest([{"first_name": "D", "email": "d@example.it"}], actor=manager,
                      source=SourceRef("api"))
    lead = Lead.objects.get(pk=result.lead_id)
    assert lead.owner is None and lead.team == manager.team  # the manager's team queue
    assert not Lead.objects.filter(first_name__in=["A", "B", "C"]).exists()


def test_the_edit_form_offers_a_manager_only_their_team(client_as, manager, rep, other_rep, teammate):
    """Issue 10 item 5: no other team's rep in the choices; choosing one anyway is a form error, not
    "Changes saved" above a 404."""
    lead = LeadFactory(owner=rep)
    client = client_as(manager)
    page = client.get(f"/leads/{lead.pk}/edit/")
    choices = page.context["form"].fields["owner"].queryset
    assert set(choices) == {manager, rep, teammate}
    response = client.post(f"/leads/{lead.pk}/edit/", {**_form_data(page), "owner": other_rep.pk})
    assert response.status_code == 422
    assert "owner" in response.context["form"].errors
    lead.refresh_from_db()
    assert lead.owner == rep
    response = client.post(f"/leads/{lead.pk}/edit/", {**_form_data(page), "owner": teammate.pk},
                           follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/leads/{lead.pk}/"


def _form_data(page):
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = getattr(value, "pk", value)
    return data
