"""A real Chromium: an admin adds a user in the Italian UI, on a desktop and on a phone, and that
user logs in with the password the admin set. Skipped without Chromium, except under CI=true."""

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from imbuto.users.models import User
from tests.browser import chromium
from tests.factories import TeamFactory, UserFactory

from .test_browser import too_wide

ADMIN_PASSWORD = "pw-Imbuto-2026"
NEW_PASSWORD = "Girasole-Blu-77"
SHOTS = Path(os.environ.get("IMBUTO_SCREENSHOTS", "var/screenshots"))

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(db):
    TeamFactory(name="Nord", slug="nord")
    return UserFactory(username="ada", role="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def browser(people):
    with chromium() as browser:
        yield browser


def log_in(page, base_url, username, password):
    page.goto(base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlparse(url).path == "/leads/")


def add_user(page, base_url, username):
    page.goto(base_url + "/users/")
    page.click(".page-head .button.primary")
    page.wait_for_url(re.compile(r"/users/new/$"))
    page.fill("#id_username", username)
    page.fill("#id_first_name", "Bruno")
    page.fill("#id_last_name", "Neri")
    page.fill("#id_email", f"{username}@example.it")
    page.select_option("#id_role", "rep")
    page.select_option("#id_team", label="Nord")
    page.select_option("#id_language", "it")
    page.check("input[name=password_mode][value=set]")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click(".user-form button[type=submit]")
    page.wait_for_url(re.compile(r"/users/\d+/$"))


@pytest.mark.parametrize(("name", "viewport"), [("desktop", {"width": 1280, "height": 900}),
                                                ("phone", {"width": 390, "height": 844})])
def test_an_admin_adds_a_user_in_italian_and_they_log_in(browser, live_server, people, name, viewport):
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = name == "phone"
    context = browser.new_context(locale="it-IT", viewport=viewport, is_mobile=phone, has_touch=phone,
                                  extra_http_headers={"Accept-Language": "it"})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "ada", ADMIN_PASSWORD)
    if phone:
        page.click("[data-toggle-nav]")
    page.locator("#site-nav summary", has_text="Impostazioni").click()  # the Settings drop-down
    page.locator("#site-nav .nav-link", has_text="Utenti").click()
    page.wait_for_url(re.compile(r"/users/$"))
    assert page.locator("h1").inner_text() == "Utenti"
    page.goto(live_server.url + "/users/new/")
    page.screenshot(path=str(SHOTS / f"user-new-{name}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the form scrolls sideways by {overflow}px: {too_wide(page)}"

    username = f"bruno{name}"
    add_user(page, live_server.url, username)
    assert f"Utente {username} aggiunto." in page.locator("#flash").inner_text()
    text = page.locator("main").inner_text()
    for english in ("Open leads", "Deactivate", "Password", "History", "Save changes", "Sales rep"):
        assert english not in text or english == "Password", english
    page.screenshot(path=str(SHOTS / f"user-detail-{name}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the user page scrolls sideways by {overflow}px: {too_wide(page)}"
    page.goto(live_server.url + "/users/")
    assert page.locator("#user-results", has_text=username).count() == 1
    assert "Commerciale" in page.locator("#user-results").inner_text() or "Nord" in page.locator(
        "#user-results").inner_text()
    page.screenshot(path=str(SHOTS / f"user-list-{name}.png"), full_page=True)
    context.close()

    user = User.objects.get(username=username)
    assert user.role == "rep" and user.team.name == "Nord" and user.language == "it"
    context = browser.new_context(locale="it-IT", viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, username.upper(), NEW_PASSWORD)   # the case of the name does not matter
    assert page.locator(".user-menu .user-name").inner_text() == "Bruno Neri"
    assert page.locator("#site-nav .nav-link", has_text="Utenti").count() == 0   # not for a rep
    context.close()
