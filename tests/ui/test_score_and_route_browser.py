"""Issue 11's "done when" in a real Chromium: a marketer configures a scoring rule (Italian, on a
phone), an admin makes a pool for the North team with Rita in it (English, desktop); a lead then
arrives through the API with nobody named as owner, and the lead page shows it scored by the rule and
routed to Rita, each with its explanation. Tasks run as a worker would run them (immediate backend)."""

import pytest
from playwright.sync_api import expect

from imbuto.leads.models import Lead
from tests.browser import chromium
from tests.factories import TeamFactory, UserFactory

from .test_daily_bugs_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(db):
    north = TeamFactory(name="North", slug="north")
    return {
        "admin": UserFactory(username="ada", role="admin", first_name="Ada", last_name="Admin"),
        "marketer": UserFactory(username="marta", role="marketer", first_name="Marta", last_name="Mori"),
        "rita": UserFactory(username="rita", role="rep", team=north, first_name="Rita", last_name="Rossi"),
    }


@pytest.fixture
def browser():
    with chromium() as b:
        yield b


def test_a_rule_configured_in_the_ui_scores_and_routes_a_new_lead(browser, live_server, people,
                                                                 tasks_immediate, api_as):
    marketer = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 900}).new_page()
    marketer.set_default_timeout(15_000)
    log_in(marketer, live_server.url, "marta")
    marketer.goto(f"{live_server.url}/scoring/rules/new/")
    marketer.fill("[name=name]", "Italia")
    marketer.select_option("[name=kind]", "fit")
    marketer.select_option("[name=attribute]", "country")
    marketer.fill("[name=values]", "IT")
    marketer.fill("[name=points]", "30")
    marketer.locator("button[type=submit]", has_text="Salva").first.click()
    marketer.wait_for_url("**/scoring/")
    expect(marketer.locator("main")).to_contain_text("Italia")
    shot(marketer, "scoring-rule-it-390")

    admin = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    admin.set_default_timeout(15_000)
    log_in(admin, live_server.url, "ada")
    admin.goto(f"{live_server.url}/routing/pools/new/")
    admin.fill("form.lead-form [name=name]", "IT-North")
    admin.select_option("form.lead-form [name=team]", label="North")
    admin.check("form.lead-form [name=is_default]")
    admin.click("form.lead-form button[type=submit]")
    admin.wait_for_url("**/routing/pools/*/")
    admin.select_option("#member-add [name=new-user]", label="Rita Rossi")
    admin.fill("#member-add [name=new-weight]", "1")
    admin.click("#member-add button[type=submit]")
    expect(admin.locator("#pool-members")).to_contain_text("Rita Rossi")
    shot(admin, "routing-pool-en-1280")

    response = api_as(people["admin"]).post("/api/v1/leads", {"last_name": "Neri", "email": "neri@example.it",
                                             "country": "Italia"})
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(email="neri@example.it")
    assert lead.owner == people["rita"] and lead.score == 30

    admin.goto(f"{live_server.url}/leads/{lead.pk}/")
    expect(admin.locator("main")).to_contain_text("Rita Rossi")
    expect(admin.locator("#lead-score")).to_contain_text("30")
    expect(admin.locator("#lead-score")).to_contain_text("Italia")  # the rule that gave the points
    expect(admin.locator("main")).to_contain_text("IT-North")  # the routing panel's explanation
    shot(admin, "lead-scored-and-routed-en-1280")
