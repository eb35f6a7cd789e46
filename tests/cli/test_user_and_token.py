"""`imbuto user` and `imbuto token` through call_command: the services' rules, clear refusals."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from imbuto.users.models import ApiToken, User, hash_token

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_user_add_with_role_team_and_password_from_stdin(stdin):
    stdin("Correct-Horse-42\n")
    out, _ = run("user", "add", "bea", "--role", "manager", "--team", "West", "--password-stdin",
                 "--email", "bea@example.com")
    user = User.objects.get(username="bea")
    assert user.role == "manager" and user.team.name == "West" and user.email == "bea@example.com"
    assert user.check_password("Correct-Horse-42")
    assert "Created user bea (manager, team West)" in out


def test_an_admin_gets_django_admin_flags():
    _, err = run("user", "add", "root2", "--role", "admin")
    user = User.objects.get(username="root2")
    assert user.is_superuser and user.is_staff and not user.has_usable_password()
    assert "No password set" in err


def test_user_add_refuses_misuse(stdin, rep):
    with pytest.raises(CommandError, match="invalid choice"):
        run("user", "add", "zed", "--role", "king")
    with pytest.raises(CommandError, match="required"):
        run("user", "add", "zed")
    with pytest.raises(CommandError, match="required"):
        run("user")
    with pytest.raises(CommandError, match="already exists"):
        run("user", "add", rep.username, "--role", "rep")
    stdin("")
    with pytest.raises(CommandError, match="No password"):
        run("user", "add", "zed", "--role", "rep", "--password-stdin")
    assert not User.objects.filter(username="zed").exists()


def test_a_weak_password_is_accepted_with_a_warning(stdin):
    stdin("abc\n")
    _, err = run("user", "add", "weak", "--role", "rep", "--password-stdin")
    assert "weak password" in err and User.objects.get(username="weak").check_password("abc")


def test_user_list_shows_roles_and_teams(rep, admin):
    out, _ = run("user", "list")
    assert out.splitlines()[0].split()[:3] == ["USER", "ROLE", "TEAM"]
    assert any(line.split()[:3] == ["rita", "rep", "North"] for line in out.splitlines())


def test_token_prints_only_the_token_and_it_works_as_bearer(rep, rep_lead, other_lead):
    out, err = run("token", rep.username)
    token = out.strip()
    assert out == token + "\n" and err == ""
    assert token.startswith("imb_") and " " not in token
    assert ApiToken.objects.get(user=rep).key_hash == hash_token(token)
    response = Client().get("/api/v1/leads", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content[:300]
    ids = {item["id"] for item in response.json()["items"]}
    assert rep_lead.pk in ids and other_lead.pk not in ids


def test_token_refuses_unknown_and_inactive_users(outsider):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        run("token", "ghost")
    with pytest.raises(CommandError, match="inactive"):
        run("token", outsider.username)
    with pytest.raises(CommandError):
        run("token")
    assert not ApiToken.objects.exists()


def test_tokens_can_be_listed_and_revoked(rep):
    token = run("token", rep.username, "--label", "ci")[0].strip()
    listing = run("token", rep.username, "--list")[0]
    assert token[:8] in listing and token not in listing and "valid" in listing
    assert "Revoked 1 token" in run("token", rep.username, "--revoke")[0]
    response = Client().get("/api/v1/leads", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "revoked" in run("token", rep.username, "--list")[0]
