"""The user and team administration services: rules, history, audit, refusals."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import translation

from imbuto.core.errors import Conflict, PermissionDenied, ValidationFailed
from imbuto.core.history import history_of
from imbuto.core.models import AuditEvent
from imbuto.users import user_services as us
from imbuto.users.models import ApiToken, Team, User
from imbuto.users.services import token_authenticate, token_issue, user_add
from tests.factories import LeadFactory

PASSWORD = "Correct-Horse-42"
pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_user_with_history_and_audit(admin, north):
    user = user_add(actor=admin, username="bea", role="manager", team=north, email="bea@x.it",
                    password=PASSWORD, language="it")
    assert user.team == north and user.check_password(PASSWORD) and user.language == "it"
    entry = history_of(user).get()
    assert entry.action == "user_added" and entry.actor == admin and entry.data["role"] == "manager"
    assert AuditEvent.objects.filter(action="user_added", object_id=str(user.pk), actor=admin).exists()


@pytest.mark.parametrize("persona", ["manager", "rep", "marketer"])
def test_only_an_admin_administers(request, persona, rep, north):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        user_add(actor=actor, username="zed", role="rep")
    with pytest.raises(PermissionDenied):
        us.user_update(actor=actor, user=rep, role="admin")
    with pytest.raises(PermissionDenied):
        us.user_deactivate(actor=actor, user=rep)
    with pytest.raises(PermissionDenied):
        us.team_create(actor=actor, name="West")
    with pytest.raises(PermissionDenied):
        us.team_update(actor=actor, team=north, name="Nord")
    assert not User.objects.filter(username="zed").exists() and rep.is_active
    assert AuditEvent.objects.filter(action="denied", actor=actor).count() == 5


def test_usernames_are_unique_whatever_the_case(admin, rep):
    with pytest.raises(ValidationFailed) as exc:
        user_add(actor=admin, username="RITA", role="rep")
    assert "username" in exc.value.fields
    with pytest.raises(ValidationFailed):
        us.user_update(actor=admin, user=admin, username="Rita")
    us.user_update(actor=admin, user=rep, username="Rita")  # her own name in another case is fine


def test_login_ignores_the_case_of_the_username(admin):
    user_add(actor=admin, username="Luca", role="rep", password=PASSWORD)
    assert Client().login(username="luca", password=PASSWORD)


def test_password_rules_apply_with_messages_in_the_readers_language(admin):
    with pytest.raises(ValidationFailed) as exc:
        user_add(actor=admin, username="bea", role="rep", password="abc")
    assert "password" in exc.value.fields and "too short" in exc.value.message
    with translation.override("it"), pytest.raises(ValidationFailed) as exc:
        user_add(actor=admin, username="bea", role="rep", password="password")
    assert "troppo comune" in exc.value.message
    assert not User.objects.filter(username="bea").exists()


def test_update_role_team_and_language_with_history(admin, rep, south):
    north_id = rep.team_id
    us.user_update(actor=admin, user=rep, role="manager", team=south, language="it", first_name=" Rita ")
    rep.refresh_from_db()
    assert (rep.role, rep.team, rep.language, rep.first_name) == ("manager", south, "it", "Rita")
    entry = history_of(rep).get(action="user_updated")
    assert entry.changes["role"] == ["rep", "manager"] and entry.changes["team"] == [north_id, south.pk]
    assert set(entry.changes) == {"role", "team", "language", "first_name"}


def test_a_role_change_moves_djangos_admin_flags(admin, rep):
    us.user_update(actor=admin, user=rep, role="admin")
    rep.refresh_from_db()
    assert rep.is_superuser and rep.is_staff and rep.effective_role == "admin"
    us.user_update(actor=admin, user=rep, role="rep")
    rep.refresh_from_db()
    assert not rep.is_superuser and not rep.is_staff


def test_the_last_active_admin_is_neither_demoted_nor_deactivated(admin, rep):
    with pytest.raises(Conflict) as exc:
        us.user_update(actor=admin, user=admin, role="manager")
    assert exc.value.code == "last_admin"
    with pytest.raises(Conflict):
        us.user_deactivate(actor=admin, user=admin)
    admin.refresh_from_db()
    assert admin.is_active and admin.is_superuser
    other = user_add(actor=admin, username="root2", role="admin")
    us.user_update(actor=admin, user=admin, role="manager")   # another admin remains: allowed
    with pytest.raises(Conflict):
        us.user_deactivate(actor=other, user=other)


def test_deactivating_revokes_tokens_and_sessions_and_keeps_leads(admin, rep, manager):
    raw = token_issue(user=rep)
    browser = Client()
    browser.force_login(rep)
    other = Client()
    other.force_login(manager)
    open_lead = LeadFactory(owner=rep, stage="mql")
    LeadFactory(owner=rep, stage="customer")
    LeadFactory(owner=rep, stage="discarded")
    us.user_deactivate(actor=admin, user=rep)
    rep.refresh_from_db()
    assert not rep.is_active
    assert not ApiToken.objects.filter(user=rep, revoked_at__isnull=True).exists()
    assert token_authenticate(raw) is None
    assert browser.get("/leads/").status_code == 302  # sent to the login page
    assert other.get("/leads/").status_code == 200    # only their sessions end
    assert Session.objects.count() == 1
    assert list(us.open_leads_of(rep)) == [open_lead]
    open_lead.refresh_from_db()
    assert open_lead.owner == rep
    entry = history_of(rep).get(action="user_deactivated")
    assert entry.data == {"tokens_revoked": 2 - 1, "sessions_ended": 1, "open_leads": 1}
    us.user_reactivate(actor=admin, user=rep)
    rep.refresh_from_db()
    assert rep.is_active and history_of(rep).filter(action="user_reactivated").exists()


def test_an_admin_sets_a_password_and_a_person_changes_their_own(admin, rep):
    us.user_password_set(actor=admin, user=rep, password=PASSWORD)
    assert rep.check_password(PASSWORD)
    with pytest.raises(ValidationFailed) as exc:
        us.user_password_set(actor=rep, user=rep, password="Another-Horse-43", current="wrong")
    assert "current_password" in exc.value.fields
    with pytest.raises(ValidationFailed):
        us.user_password_set(actor=rep, user=rep, password="12345678", current=PASSWORD)
    us.user_password_set(actor=rep, user=rep, password="Another-Horse-43", current=PASSWORD)
    rep.refresh_from_db()
    assert rep.check_password("Another-Horse-43")
    assert [e.data["by"] for e in history_of(rep).filter(action="password_changed")] == ["admin", "self"]


def test_a_rep_cannot_set_someone_elses_password(rep, other_rep):
    with pytest.raises(PermissionDenied):
        us.user_password_set(actor=rep, user=other_rep, password=PASSWORD)


def test_a_reset_email_goes_out_in_the_users_language(admin, rep):
    rep.language = "it"
    rep.save()
    assert us.user_password_reset(actor=admin, user=rep, base_url="https://leads.example.com/")
    message = mail.outbox[-1]
    assert message.to == [rep.email] and message.subject == "Scegli la tua password di Imbuto"
    assert "https://leads.example.com/password/reset/" in message.body and "Ciao" in message.body
    assert history_of(rep).filter(action="password_reset_sent").exists()


def test_no_reset_email_without_an_address_or_for_a_deactivated_user(admin, rep, outsider):
    rep.email = ""
    rep.save()
    assert us.user_password_reset(actor=admin, user=rep, base_url="http://x/") is False
    assert us.user_password_reset(actor=admin, user=outsider, base_url="http://x/") is False
    assert mail.outbox == []


def test_teams_are_created_and_renamed_with_unique_names(admin, north):
    west = us.team_create(actor=admin, name="  West ")
    assert (west.name, west.slug) == ("West", "west")
    with pytest.raises(ValidationFailed):
        us.team_create(actor=admin, name="north")
    with pytest.raises(ValidationFailed):
        us.team_create(actor=admin, name="   ")
    with pytest.raises(ValidationFailed):
        us.team_update(actor=admin, team=west, name="NORTH")
    us.team_update(actor=admin, team=west, name="West Coast")
    west.refresh_from_db()
    assert (west.name, west.slug) == ("West Coast", "west-coast")
    assert history_of(west).get(action="team_updated").changes == {"name": ["West", "West Coast"]}
    odd = us.team_create(actor=admin, name="North!")  # another name, the same slug: a free one
    assert odd.slug == "north-2" and Team.objects.count() == 3
