"""The permission matrix over the API: out of scope is 404 (not acknowledged), visible but not
changeable is 403, both audited; lists show only what the role may see."""

import pytest

from imbuto.core.models import AuditEvent
from tests.factories import LeadFactory

from .conftest import assert_error

TARGET = {"rep_lead": "lead", "other_lead": "lead", "sql_lead": "opportunity", "unowned_lead": "lead"}

MATRIX = [
    # persona, lead, reads, writes
    ("admin", "rep_lead", 200, 200),
    ("admin", "other_lead", 200, 200),
    ("admin", "unowned_lead", 200, 200),
    ("manager", "rep_lead", 200, 200),        # own team
    ("manager", "sql_lead", 200, 200),
    ("manager", "other_lead", 404, 404),      # other team
    ("manager", "unowned_lead", 200, 200),  # nobody's lead: the unassigned queue (issue 10, item 4)
    ("rep", "rep_lead", 200, 200),            # own
    ("rep", "other_lead", 404, 404),          # another rep's
    ("other_rep", "rep_lead", 404, 404),
    ("other_rep", "other_lead", 200, 200),
    ("marketer", "rep_lead", 200, 200),       # before SQL: marketing's
    ("marketer", "unowned_lead", 200, 200),
    ("marketer", "sql_lead", 200, 403),       # SQL: read-only for marketing
]


@pytest.mark.parametrize(("persona", "lead_name", "reads", "writes"), MATRIX)
def test_matrix(request, api_as, persona, lead_name, reads, writes):
    user = request.getfixturevalue(persona)
    lead = request.getfixturevalue(lead_name)
    client = api_as(user)
    for path in (f"/api/v1/leads/{lead.pk}", f"/api/v1/leads/{lead.pk}/history"):
        response = client.get(path)
        if reads == 200:
            assert response.status_code == 200, (path, response.content)
        else:
            assert_error(response, reads, "not_found")
    before = (lead.stage, lead.city)
    patch = client.patch(f"/api/v1/leads/{lead.pk}", {"city": "Lecce"})
    move = client.post(f"/api/v1/leads/{lead.pk}/transition", {"to": TARGET[lead_name]})
    lead.refresh_from_db()
    if writes == 200:
        assert patch.status_code == 200 and move.status_code == 200, (patch.content, move.content)
        assert (lead.stage, lead.city) == (TARGET[lead_name], "Lecce")
    else:
        code = "not_found" if writes == 404 else "permission_denied"
        assert_error(patch, writes, code)
        assert_error(move, writes, code)
        assert (lead.stage, lead.city) == before
        assert AuditEvent.objects.filter(actor=user, action="denied", object_id=str(lead.pk)).exists()


def test_a_404_does_not_tell_an_invisible_lead_from_a_missing_one(api_as, rep, other_lead):
    invisible = api_as(rep).get(f"/api/v1/leads/{other_lead.pk}").json()
    missing = api_as(rep).get("/api/v1/leads/987654").json()
    assert invisible == missing


@pytest.mark.parametrize(("persona", "visible"), [
    ("admin", {"rep_lead", "other_lead", "sql_lead", "unowned_lead", "north_lead"}),
    ("manager", {"rep_lead", "sql_lead", "north_lead", "unowned_lead"}),
    ("rep", {"rep_lead", "sql_lead"}),
    ("other_rep", {"other_lead"}),
    ("marketer", {"rep_lead", "other_lead", "sql_lead", "unowned_lead", "north_lead"}),
])
def test_lists_show_only_the_roles_scope(request, api_as, north, rep_lead, other_lead, sql_lead,
                                         unowned_lead, persona, visible):
    leads = {"rep_lead": rep_lead, "other_lead": other_lead, "sql_lead": sql_lead,
             "unowned_lead": unowned_lead,
             "north_lead": LeadFactory(owner=None, team=north, first_name="Team", last_name="Queue")}
    user = request.getfixturevalue(persona)
    got = {i["id"] for i in api_as(user).get("/api/v1/leads").json()["items"]}
    assert got == {leads[name].pk for name in visible}


def test_an_inactive_user_gets_nothing(api_as, outsider, rep_lead):
    client = api_as(outsider)
    assert_error(client.get("/api/v1/leads"), 401)
    assert_error(client.get(f"/api/v1/leads/{rep_lead.pk}"), 401)
    assert_error(client.post("/api/v1/leads", {"first_name": "X"}), 401)


def test_every_role_may_create_leads(request, api_as, admin, manager, rep, marketer):
    for user in (admin, manager, rep, marketer):
        assert api_as(user).post("/api/v1/leads", {"first_name": user.username}).status_code == 201


def test_a_marketer_cannot_patch_an_sql_lead_even_harmlessly(api_as, marketer, sql_lead):
    assert_error(api_as(marketer).patch(f"/api/v1/leads/{sql_lead.pk}", {}), 403, "permission_denied")
