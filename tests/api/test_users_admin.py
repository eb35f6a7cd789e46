"""POST/PATCH /users, /users/{id}, password-reset, POST/PATCH /teams: admins only, one error shape."""

import pytest
from django.core import mail

from imbuto.core.history import history_of
from imbuto.core.models import AuditEvent
from imbuto.users.models import ApiToken, User
from tests.factories import LeadFactory

from .conftest import assert_error

PASSWORD = "Correct-Horse-42"
pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_user_who_can_log_in(api_as, admin, north, client):
    res = api_as(admin).post("/api/v1/users", {"username": "bea", "role": "manager", "team": north.pk,
                                               "email": "bea@example.com", "password": PASSWORD,
                                               "language": "it"})
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["role"] == "manager" and body["team_name"] == "North" and body["language"] == "it"
    assert body["has_password"] is True and body["open_lead_count"] == 0 and body["open_leads"] == []
    assert client.login(username="bea", password=PASSWORD)


def test_a_new_user_can_be_sent_the_password_email(api_as, admin):
    res = api_as(admin).post("/api/v1/users", {"username": "ugo", "role": "rep", "email": "ugo@x.it",
                                               "send_password_email": True})
    assert res.status_code == 201 and res.json()["has_password"] is False
    assert mail.outbox[-1].to == ["ugo@x.it"] and "/password/reset/" in mail.outbox[-1].body
    err = assert_error(api_as(admin).post("/api/v1/users", {"username": "eva", "role": "rep",
                                                            "send_password_email": True}),
                       422, "validation_error", "email")
    assert err


@pytest.mark.parametrize(("body", "field"), [
    ({"role": "rep"}, "username"),
    ({"username": "x", "role": "king"}, "role"),
    ({"username": "x", "role": "rep", "team": 999999}, "team"),
    ({"username": "x", "role": "rep", "password": "abc"}, "password"),
    ({"username": "x", "role": "rep", "password": "password"}, "password"),
    ({"username": "RITA", "role": "rep"}, "username"),
    ({"username": "bad name!", "role": "rep"}, "username"),
    ({"username": "x", "role": "rep", "email": "not-an-email"}, "email"),
    ({"username": "x", "role": "rep", "language": "fr"}, "language"),
    ({"username": "x", "role": "rep", "colour": "red"}, "colour"),
    ({"username": "x\x00", "role": "rep"}, "username"),
])
def test_bad_input_is_a_422_naming_the_field(api_as, admin, rep, body, field):
    assert_error(api_as(admin).post("/api/v1/users", body), 422, field=field)
    assert not User.objects.filter(username__in=["x", "bad name!"]).exists()


def test_password_messages_follow_the_readers_language(api_as, admin):
    client = api_as(admin)
    res = client.client.post("/api/v1/users", '{"username": "x", "role": "rep", "password": "abc"}',
                             content_type="application/json",
                             headers={**client._headers(), "Accept-Language": "it"})
    assert "troppo corta" in assert_error(res, 422, field="password")["fields"]["password"][0]


@pytest.mark.parametrize("persona", ["manager", "rep", "marketer"])
def test_every_other_role_is_refused_with_403(request, api_as, persona, other_rep, south):
    client = api_as(request.getfixturevalue(persona))
    assert_error(client.post("/api/v1/users", {"username": "zed", "role": "admin"}), 403)
    assert_error(client.patch(f"/api/v1/users/{other_rep.pk}", {"role": "admin"}), 403)
    assert_error(client.get(f"/api/v1/users/{other_rep.pk}"), 403)
    assert_error(client.get("/api/v1/users/999999"), 403)  # not told whether it exists
    assert_error(client.post(f"/api/v1/users/{other_rep.pk}/password-reset"), 403)
    assert_error(client.get("/api/v1/users", is_active="false"), 403)
    assert_error(client.post("/api/v1/teams", {"name": "West"}), 403)
    assert_error(client.patch(f"/api/v1/teams/{south.pk}", {"name": "Sud"}), 403)
    other_rep.refresh_from_db()
    south.refresh_from_db()
    assert other_rep.role == "rep" and south.name == "South" and not User.objects.filter(username="zed")
    assert AuditEvent.objects.filter(action="denied").count() >= 8


def test_unknown_ids_are_404_for_an_admin(api_as, admin):
    client = api_as(admin)
    assert_error(client.get("/api/v1/users/999999"), 404, "not_found")
    assert_error(client.patch("/api/v1/users/999999", {"role": "rep"}), 404)
    assert_error(client.get("/api/v1/teams/999999"), 404)
    assert_error(client.patch("/api/v1/teams/999999", {"name": "x"}), 404)


def test_patch_changes_role_team_and_leaves_history(api_as, admin, rep, south):
    res = api_as(admin).patch(f"/api/v1/users/{rep.pk}", {"role": "manager", "team": south.pk,
                                                          "first_name": "Rita"})
    assert res.status_code == 200, res.content
    body = res.json()
    assert (body["role"], body["team_name"], body["first_name"]) == ("manager", "South", "Rita")
    assert history_of(rep).get(action="user_updated").actor == admin
    res = api_as(admin).patch(f"/api/v1/users/{rep.pk}", {"team": None})
    assert res.json()["team"] is None
    assert_error(api_as(admin).patch(f"/api/v1/users/{rep.pk}", {"role": None}), 422, field="role")


def test_patch_deactivates_lists_open_leads_and_reactivates(api_as, admin, rep):
    lead = LeadFactory(owner=rep, stage="sql")
    rep_client = api_as(rep)
    res = api_as(admin).patch(f"/api/v1/users/{rep.pk}", {"is_active": False})
    assert res.status_code == 200 and res.json()["is_active"] is False
    assert res.json()["open_lead_count"] == 1 and res.json()["open_leads"][0]["id"] == lead.pk
    assert not ApiToken.objects.filter(user=rep, revoked_at__isnull=True).exists()
    assert_error(rep_client.get("/api/v1/leads"), 401)
    inactive = api_as(admin).get("/api/v1/users", is_active="false").json()["items"]
    assert [u["username"] for u in inactive] == ["rita"]
    assert api_as(admin).patch(f"/api/v1/users/{rep.pk}", {"is_active": True}).json()["is_active"] is True


def test_patch_sets_a_password_checked_by_the_rules(api_as, admin, rep, client):
    assert_error(api_as(admin).patch(f"/api/v1/users/{rep.pk}", {"password": "123"}), 422,
                 field="password")
    assert api_as(admin).patch(f"/api/v1/users/{rep.pk}", {"password": PASSWORD}).status_code == 200
    assert client.login(username="rita", password=PASSWORD)


def test_the_last_admin_cannot_be_demoted_or_deactivated(api_as, admin):
    client = api_as(admin)
    assert_error(client.patch(f"/api/v1/users/{admin.pk}", {"role": "rep"}), 409, "last_admin")
    assert_error(client.patch(f"/api/v1/users/{admin.pk}", {"is_active": False}), 409, "last_admin")
    admin.refresh_from_db()
    assert admin.is_active and admin.is_superuser


def test_password_reset_endpoint(api_as, admin, rep, outsider):
    assert api_as(admin).post(f"/api/v1/users/{rep.pk}/password-reset").json() == {"sent": True}
    assert mail.outbox[-1].to == [rep.email]
    assert_error(api_as(admin).post(f"/api/v1/users/{outsider.pk}/password-reset"), 422)


def test_teams_created_renamed_and_read(api_as, admin, rep, north):
    client = api_as(admin)
    res = client.post("/api/v1/teams", {"name": "West"})
    assert res.status_code == 201 and res.json()["slug"] == "west"
    assert_error(client.post("/api/v1/teams", {"name": "west"}), 422, field="name")
    assert_error(client.post("/api/v1/teams", {"name": ""}), 422, field="name")
    assert_error(client.post("/api/v1/teams", {"name": "x" * 101}), 422, field="name")
    res = client.patch(f"/api/v1/teams/{north.pk}", {"name": "Nord"})
    assert res.status_code == 200 and res.json()["name"] == "Nord"
    detail = api_as(rep).get(f"/api/v1/teams/{north.pk}").json()   # any role reads a team
    assert detail["member_count"] == 1 and [m["username"] for m in detail["members"]] == ["rita"]


def test_the_openapi_document_describes_the_new_operations(api_as, admin):
    schema = api_as(admin).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/users"]) and "patch" in paths["/api/v1/users/{user_id}"]
    assert "post" in paths["/api/v1/teams"] and "patch" in paths["/api/v1/teams/{team_id}"]
    assert "post" in paths["/api/v1/users/{user_id}/password-reset"]
    assert "UserCreateIn" in schema["components"]["schemas"]
    assert paths["/api/v1/users/{user_id}"]["patch"]["responses"]["409"]["content"]


def test_a_patch_is_all_or_nothing(api_as, admin, rep):
    assert_error(api_as(admin).patch(f"/api/v1/users/{rep.pk}", {"role": "manager", "password": "123"}),
                 422, field="password")
    rep.refresh_from_db()
    assert rep.role == "rep" and not history_of(rep).filter(action="user_updated").exists()
