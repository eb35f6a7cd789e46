"""The admin's Users and Teams pages, the own password page, and who sees them (Django client)."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from imbuto.core.models import AuditEvent
from imbuto.users.models import ApiToken, Team, User
from tests.factories import LeadFactory

PASSWORD = "Correct-Horse-42"
pytestmark = pytest.mark.django_db


def test_only_admins_see_the_users_menu(client_as, admin, manager, rep, marketer):
    assert 'href="/users/"' in client_as(admin).get("/leads/").content.decode()
    for user in (manager, rep, marketer):
        assert 'href="/users/"' not in client_as(user).get("/leads/").content.decode()


@pytest.mark.parametrize("persona", ["manager", "rep", "marketer"])
def test_every_other_role_gets_403_on_every_admin_page(request, client_as, persona, other_rep, south):
    client = client_as(request.getfixturevalue(persona))
    teams = Team.objects.count()
    for url in ("/users/", "/users/new/", f"/users/{other_rep.pk}/", "/users/999999/", "/teams/",
                f"/teams/{south.pk}/"):
        assert client.get(url).status_code == 403, url
    for url in (f"/users/{other_rep.pk}/deactivate/", f"/users/{other_rep.pk}/password/",
                f"/users/{other_rep.pk}/reset-password/", "/users/new/", "/teams/"):
        data = {"name": "x", "password1": PASSWORD, "password2": PASSWORD}
        assert client.post(url, data).status_code == 403
    other_rep.refresh_from_db()
    assert other_rep.is_active and Team.objects.count() == teams
    assert AuditEvent.objects.filter(action="denied").count() == 11


def test_anonymous_is_sent_to_log_in(client, rep):
    assert client.get("/users/").status_code == 302 and client.get("/me/password/").status_code == 302


def test_the_list_shows_role_team_status_and_filters(client_as, admin, rep, other_rep, outsider):
    client = client_as(admin)
    page = client.get("/users/").content.decode()
    assert "rita" in page and "remo" in page and "otto" not in page and "North" in page
    assert "otto" in client.get("/users/?status=inactive").content.decode()
    page = client.get(f"/users/?team={rep.team_id}", headers={"HX-Request": "true"}).content.decode()
    assert "rita" in page and "remo" not in page and "<html" not in page


def test_an_admin_adds_a_user_with_a_password(client_as, admin, north):
    res = client_as(admin).post("/users/new/", {
        "username": "bea", "first_name": "Bea", "last_name": "Neri", "email": "bea@example.com",
        "role": "manager", "team": north.pk, "language": "it", "password_mode": "set",
        "password1": PASSWORD, "password2": PASSWORD})
    bea = User.objects.get(username="bea")
    assert res.status_code == 302 and res["Location"] == f"/users/{bea.pk}/"
    assert bea.team == north and bea.role == "manager" and bea.language == "it"
    assert Client().login(username="bea", password=PASSWORD)


def test_adding_with_the_email_option_sends_the_link(client_as, admin):
    res = client_as(admin).post("/users/new/", {"username": "ugo", "email": "ugo@x.it", "role": "rep",
                                                "password_mode": "email"}, follow=True)
    assert "ugo@x.it" in res.content.decode() and mail.outbox[-1].to == ["ugo@x.it"]


def test_bad_input_is_shown_on_the_form_in_italian(client_as, admin, rep):
    client = client_as(admin, language="it")
    res = client.post("/users/new/", {"username": "RITA", "role": "rep", "password_mode": "set",
                                      "password1": "abc", "password2": "abd"})
    page = res.content.decode()
    assert res.status_code == 422
    assert "Esiste già un utente con questo nome utente." in page
    assert "Le due password non coincidono." in page
    res = client.post("/users/new/", {"username": "nuovo", "role": "rep", "password_mode": "set",
                                      "password1": "abc", "password2": "abc"})
    assert "troppo corta" in res.content.decode() and not User.objects.filter(username="nuovo").exists()
    res = client.post("/users/new/", {"username": "nuovo", "role": "rep", "password_mode": "email"})
    assert "Serve un indirizzo email per inviare il link." in res.content.decode()


def test_edit_deactivate_and_reactivate(client_as, admin, rep, south):
    lead = LeadFactory(owner=rep, stage="mql", first_name="Aperto", last_name="Ancora")
    client = client_as(admin)
    res = client.post(f"/users/{rep.pk}/", {"username": "rita", "role": "manager", "team": south.pk,
                                            "email": rep.email, "language": ""})
    assert res.status_code == 302
    rep.refresh_from_db()
    assert rep.role == "manager" and rep.team == south
    page = client.get(f"/users/{rep.pk}/").content.decode()
    assert "Aperto Ancora" in page and f"/leads/{lead.pk}/" in page
    assert "Sales rep" in page and "Sales manager" in page  # the history in words, not codes
    token = ApiToken.objects.create(user=rep, key_hash="x" * 64, hint="imb_x")
    client.post(f"/users/{rep.pk}/deactivate/")
    rep.refresh_from_db()
    token.refresh_from_db()
    assert not rep.is_active and token.revoked_at is not None
    page = client.get(f"/users/{rep.pk}/").content.decode()
    assert "give their open leads to someone else" in page and 'id="reactivate"' in page
    client.post(f"/users/{rep.pk}/reactivate/")
    rep.refresh_from_db()
    assert rep.is_active


def test_the_last_admin_is_told_why_not(client_as, admin):
    client = client_as(admin)
    page = client.get(f"/users/{admin.pk}/").content.decode()
    assert 'id="deactivate"' not in page
    res = client.post(f"/users/{admin.pk}/", {"username": "ada", "role": "rep", "language": ""})
    assert res.status_code == 422 and "last active administrator" in res.content.decode()
    res = client.post(f"/users/{admin.pk}/deactivate/", follow=True)
    assert "last active administrator" in res.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and admin.is_superuser


def test_an_admin_sets_or_emails_a_password(client_as, admin, rep):
    client = client_as(admin)
    res = client.post(f"/users/{rep.pk}/password/", {"password1": "short", "password2": "short"})
    assert res.status_code == 422 and "too short" in res.content.decode()
    client.post(f"/users/{rep.pk}/password/", {"password1": PASSWORD, "password2": PASSWORD})
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)
    res = client.post(f"/users/{rep.pk}/reset-password/", follow=True)
    assert rep.email in res.content.decode() and mail.outbox[-1].to == [rep.email]


def test_teams_are_created_and_renamed(client_as, admin, rep, north):
    client = client_as(admin)
    assert client.post("/teams/", {"name": "West"}).status_code == 302
    res = client.post("/teams/", {"name": "west"})
    assert res.status_code == 422 and "already exists" in res.content.decode()
    page = client.get(f"/teams/{north.pk}/").content.decode()
    assert "rita" in page or "Rita" in page
    client.post(f"/teams/{north.pk}/", {"name": "Nord"})
    north.refresh_from_db()
    assert north.name == "Nord"


def test_everyone_changes_their_own_password(client_as, rep):
    rep.set_password(PASSWORD)
    rep.save()
    client = client_as(rep, language="it")
    assert "Cambia password" in client.get("/me/").content.decode()
    res = client.post("/me/password/", {"current_password": "wrong", "password1": "Another-Horse-43",
                                        "password2": "Another-Horse-43"})
    assert res.status_code == 422 and "La password attuale non è corretta." in res.content.decode()
    res = client.post("/me/password/", {"current_password": PASSWORD, "password1": "Another-Horse-43",
                                        "password2": "Another-Horse-43"})
    assert res.status_code == 302
    assert client.get("/leads/").status_code == 200  # this session stays in
    assert Client().login(username="rita", password="Another-Horse-43")


def test_the_login_page_offers_forgot_password_in_italian(client):
    page = client.get("/login/", headers={"Accept-Language": "it"}).content.decode()
    assert "Password dimenticata?" in page and "/password/forgot/" in page


def test_forgot_password_never_tells_whether_an_account_exists(client, rep):
    cache.clear()
    known = client.post("/password/forgot/", {"email": rep.email.upper()})
    unknown = client.post("/password/forgot/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/password/forgot/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [rep.email]
    link = re.search(r"http://testserver(/password/reset/\S+)", mail.outbox[0].body).group(1)
    assert link


def test_forgot_password_sends_at_most_one_email_a_minute(client, rep):
    cache.clear()
    for _ in range(3):
        assert client.post("/password/forgot/", {"email": rep.email}).status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("language", ["en", "it"])
def test_the_new_pages_have_no_untranslated_text(client_as, admin, rep, north, language):
    """A rough guard: the Italian pages carry none of the English sentences written for them."""
    client = client_as(admin, language=language)
    pages = [client.get(u).content.decode() for u in (
        "/users/", "/users/new/", f"/users/{rep.pk}/", "/teams/", f"/teams/{north.pk}/", "/me/password/")]
    pages += [Client(headers={"Accept-Language": language}).get(u).content.decode()
              for u in ("/password/forgot/", "/password/forgot/sent/", "/password/reset/done/")]
    english = ["Add user", "Deactivate", "Open leads", "Email a reset link", "Change password", "Members",
               "Forgot your password?", "Check your email", "Password set", "Last login", "Any role",
               "Language of the browser", "Person and access"]
    text = " ".join(pages)
    found = [word for word in english if word in text]
    assert (found == []) if language == "it" else len(found) >= 10, found
