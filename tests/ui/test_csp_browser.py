"""Issue 8 finding 12: every page works under the strict Content-Security-Policy, in a real Chromium.

Each page is loaded with a listener for `securitypolicyviolation` and the console; any blocked
inline script or style, eval (htmx's hx-on) or javascript: link fails the test. HTMX swaps, form
posts and the chat reply (reset by imbuto.js instead of an inline hx-on) are exercised on the way.
"""

import re
from urllib.parse import urlparse

import pytest
from django.test import Client
from playwright.sync_api import expect

from imbuto.intake.models import ChatSession, WebForm
from imbuto.leads.models import Channel
from tests.browser import chromium
from tests.factories import LeadFactory, TeamFactory, UserFactory

PASSWORD = "pw-Imbuto-2026"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));"""


@pytest.fixture
def world(db):
    north = TeamFactory(name="North", slug="north")
    rita = UserFactory(username="rita", role="rep", team=north)
    UserFactory(username="ada", role="admin", is_superuser=True, is_staff=True)
    lead = LeadFactory(owner=rita, first_name="Alfa", last_name="Bianchi", company_name="Bianchi Srl")
    LeadFactory(owner=rita, first_name="Beta", last_name="Verdi")
    form = WebForm.objects.create(name="Contact", channel=Channel.objects.get(slug="web-form"),
                                  allowed_origins="https://shop.example.com",
                                  fields=[{"name": "email", "required": True}])
    visitor = Client()
    visitor.post("/chat/sessions", {"language": "en"}, content_type="application/json")
    return {"lead": lead, "form": form, "chat": ChatSession.objects.get()}


@pytest.fixture
def browser(world):
    with chromium() as browser:
        yield browser


class Watched:
    """A page whose CSP violations and console errors are collected."""

    def __init__(self, browser, base):
        self.context = browser.new_context(locale="en-US")
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text)
                     if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text else None)
        self.base = base

    def visit(self, path, status=200):
        response = self.page.goto(self.base + path)
        assert response.status == status, path
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe" not in policy, (path, policy)
        self.check(path)
        return response

    def check(self, where):
        violations = self.page.evaluate("window.__csp") + self.console
        assert violations == [], (where, violations)

    def log_in(self, username):
        self.visit("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("#login-form button[type=submit]")
        self.page.wait_for_url(lambda url: urlparse(url).path == "/leads/")
        self.check("after login")


def test_staff_pages_work_under_the_policy_with_no_violation(browser, live_server, world):
    rep = Watched(browser, live_server.url)
    rep.log_in("rita")
    page = rep.page
    page.locator("#id_search").press_sequentially("verd", delay=40)  # htmx search as you type
    expect(page.locator("#lead-results tbody tr")).to_have_count(1)  # wait_for_function needs eval
    rep.check("search")
    rep.visit("/leads/new/")
    page.fill("#id_first_name", "Carla")
    page.fill("#id_last_name", "Neri")
    page.click("form.lead-form button[type=submit]")
    page.wait_for_url(re.compile(r"/leads/\d+/$"))
    page.click("#stage-panel button[data-to=lead]")  # htmx swap in place
    expect(page.locator("#stage-panel .badge").first).to_have_text("Lead")
    rep.check("lead detail")
    for path in (f"/leads/{world['lead'].pk}/", "/accounts/", "/contacts/", "/me/", "/api/v1/docs",
                 "/chats/"):
        rep.visit(path)
    rep.visit("/forms/", status=403)
    page.click("a[data-history-back]")  # the 403 page's "Go back", without javascript: links
    page.wait_for_url(lambda url: urlparse(url).path == "/chats/")

    chat = world["chat"]
    rep.visit(f"/chats/{chat.public_id}/")
    page.click("[data-action=take-over]")
    page.locator("[data-chat-status]", has_text="With a sales rep").wait_for()
    page.fill("#chat-text", "Ciao!")
    page.click("[data-action=send]")
    page.locator(".chat-msg.from-agent", has_text="Ciao!").wait_for()
    expect(page.locator("#chat-text")).to_have_value("")
    rep.check("chat reply")

    admin = Watched(browser, live_server.url)
    admin.log_in("ada")
    for path in ("/duplicates/", "/imports/", "/imports/new/", "/forms/", "/forms/new/",
                 f"/forms/{world['form'].pk}/"):
        admin.visit(path)
    rep.context.close()
    admin.context.close()


def test_the_public_form_may_be_framed_only_by_its_sites(browser, live_server, world):
    visitor = Watched(browser, live_server.url)
    response = visitor.visit(f"/f/{world['form'].key}")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'self' https://shop.example.com" in policy
    assert "form-action" not in policy  # the thank-you page may be on the customer's site
    assert visitor.page.locator("form input[name=email]").count() == 1
    visitor.context.close()
