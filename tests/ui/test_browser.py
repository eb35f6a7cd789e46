"""A real Chromium (Playwright) drives the UI: login, search as you type, create, move, Italian, phone.

Skipped when Chromium is missing, except under CI=true where it must run.
"""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import chromium
from tests.factories import LeadFactory, TeamFactory, UserFactory

PASSWORD = "pw-Imbuto-2026"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(db):
    north = TeamFactory(name="North", slug="north")
    rita = UserFactory(username="rita", role="rep", team=north, first_name="Rita", last_name="Rossi")
    remo = UserFactory(username="remo", role="rep", team=TeamFactory(name="South", slug="south"))
    LeadFactory(owner=rita, first_name="Alfa", last_name="Bianchi", company_name="Bianchi Srl")
    LeadFactory(owner=rita, first_name="Beta", last_name="Verdi", company_name="Verdi SpA")
    LeadFactory(owner=rita, first_name="Gamma", last_name="Verdini", company_name="Gamma Srl")
    LeadFactory(owner=remo, first_name="Remo", last_name="Nascosto")
    return rita


@pytest.fixture
def browser(people):
    """Started after the test data: Playwright runs an event loop in this thread, and Django's
    connection handling is per context once a loop runs, so the database must be set up first."""
    with chromium() as browser:
        yield browser


def log_in(page, base_url):
    page.goto(base_url + "/")
    assert "/login/" in page.url
    page.fill("#id_username", "rita")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlparse(url).path == "/leads/")


def too_wide(page):
    """The elements that stick out on the right, to say what broke the layout."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' +
                         Math.round(e.getBoundingClientRect().right))""")


def row_names(page):
    return page.locator("#lead-results tbody .row-link").all_inner_texts()


def test_a_rep_works_leads_in_a_real_browser(browser, live_server, people):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url)

    # the list: only Rita's leads; search as you type narrows it without reloading the page
    names = row_names(page)
    assert len(names) == 3 and not any("Nascosto" in n for n in names)
    page.evaluate("window.__sameDocument = true")
    page.locator("#id_search").press_sequentially("verd", delay=40)
    expect(page.locator("#lead-results tbody tr")).to_have_count(2)  # not wait_for_function: CSP, no eval
    assert sorted(row_names(page)) == ["Beta Verdi", "Gamma Verdini"]
    assert page.evaluate("window.__sameDocument") is True
    assert "search=verd" in page.url

    # create a lead: the rep owns it
    page.goto(live_server.url + "/leads/new/")
    page.fill("#id_first_name", "Carla")
    page.fill("#id_last_name", "Neri")
    page.fill("#id_company_name", "Neri Impianti")
    page.select_option("#id_purchase_timeframe", "within_2_months")
    page.click("form.lead-form button[type=submit]")
    page.wait_for_url(re.compile(r"/leads/\d+/$"))
    assert page.locator("h1").inner_text() == "Carla Neri"
    stage = page.locator("#stage-panel .badge").first
    assert stage.inner_text() == "Suspect"
    assert page.locator("#stage-panel .temp-warm").count() == 1

    # suspect -> lead -> MQL with the buttons, swapped in place by htmx
    page.evaluate("window.__sameDocument = true")
    page.click("#stage-panel button[data-to=lead]")
    expect(page.locator("#stage-panel .badge").first).to_have_text("Lead")
    page.click("#stage-panel button[data-to=mql]")
    expect(page.locator("#stage-panel .badge").first).to_have_text("Marketing qualified")
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("#stage-panel button[data-to=lead]").count() == 1  # recycling back is legal
    assert page.locator("#stage-panel button[data-to=customer]").count() == 0
    timeline = page.locator("#timeline-panel").inner_text()
    assert timeline.count("Stage changed") == 2
    assert "Lead → Marketing qualified" in timeline and "Suspect → Lead" in timeline
    assert "Moved to Marketing qualified." in page.locator("#flash").inner_text()

    # switch to Italian
    page.click(".lang-switch button[value=it]")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    assert page.locator("#stage-panel h2").inner_text().lower() == "ciclo di vita"
    assert page.locator("#stage-panel .badge").first.inner_text() == "Qualificato dal marketing"
    assert "Cambio di fase" in page.locator("#timeline-panel").inner_text()
    page.goto(live_server.url + "/leads/")
    assert page.locator(".page-head .button.primary").inner_text() == "Nuovo lead"
    context.close()


def test_the_list_is_usable_on_a_phone(browser, live_server, people):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3,
                                  is_mobile=True, has_touch=True, locale="it-IT")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page body scrolls sideways by {overflow}px: {too_wide(page)}"
    assert page.evaluate("window.innerWidth") == 390  # a phone zooms out when a page is too wide
    assert page.locator("#id_search").is_visible()
    first = page.locator("#lead-results tbody tr").first
    box = first.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.locator("#lead-results tbody .row-link").first.is_visible()
    # the nav collapses behind a button
    assert not page.locator("#site-nav").is_visible()
    page.click("[data-toggle-nav]")
    assert page.locator("#site-nav .nav-link", has_text="Lead").first.is_visible()
    page.locator("#lead-results tbody .row-link").first.click()
    page.wait_for_url(re.compile(r"/leads/\d+/$"))
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the lead page scrolls sideways by {overflow}px: {too_wide(page)}"
    context.close()
