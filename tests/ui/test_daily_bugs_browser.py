"""A real Chromium on the daily-use fixes of issue 10: the duplicates count follows a merge or a
dismiss (item 9), a manager takes a web-form lead from the unassigned queue (item 4), park needs a
reason and keeps the note (items 1, 2). Screenshots in English, Italian and at phone width land in
var/screens/ for a person to look at."""

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from imbuto.intake.models import DuplicateCandidate
from imbuto.leads.models import Lead
from tests.browser import chromium
from tests.factories import LeadFactory, TeamFactory, UserFactory

PASSWORD = "pw-Imbuto-2026"
SCREENS = Path(os.environ.get("IMBUTO_VAR_DIR", "var")) / "screens"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    north = TeamFactory(name="North", slug="north")
    mara = UserFactory(username="mara", role="manager", team=north, first_name="Mara", last_name="Neri")
    rita = UserFactory(username="rita", role="rep", team=north, first_name="Rita", last_name="Rossi")
    a = LeadFactory(owner=mara, first_name="Giulia", last_name="Bianchi", email="g@bianchi.it")
    b = LeadFactory(owner=mara, first_name="Giulia", last_name="Bianchi", email="giulia@bianchi.it")
    c = LeadFactory(owner=mara, first_name="Marco", last_name="Verdi", email="m@verdi.it")
    d = LeadFactory(owner=mara, first_name="Marco", last_name="Verdi", email="marco@verdi.it")
    DuplicateCandidate.objects.create(lead=b, candidate=a, score=0.8, reasons={"first_name": "eq"})
    DuplicateCandidate.objects.create(lead=d, candidate=c, score=0.7, reasons={"first_name": "eq"})
    web = LeadFactory(owner=None, team=None, first_name="Sara", last_name="Web", company_name="Web Srl")
    return {"mara": mara, "rita": rita, "web": web}


@pytest.fixture
def browser(world):
    with chromium() as browser:
        yield browser


def log_in(page, base_url, username):
    page.goto(base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlparse(url).path != "/login/")


def shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def test_the_duplicates_count_follows_merge_and_dismiss(browser, live_server, world):
    page = browser.new_context(locale="en-US").new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "mara")
    page.goto(live_server.url + "/duplicates/")
    expect(page.locator("#dup-count")).to_have_text("2 pairs to review.")
    page.locator(".dup-card").first.get_by_role("button", name="Merge").click()
    expect(page.locator("#dup-count")).to_have_text("1 pair to review.")
    page.locator(".dup-card").nth(1).get_by_role("button", name="Not a duplicate").click()
    expect(page.locator("#dup-count")).to_have_text("0 pairs to review.")
    shot(page, "duplicates-count-en")


@pytest.mark.parametrize("language, width", [("en-US", 1280), ("it-IT", 1280), ("it-IT", 390)])
def test_a_manager_takes_a_web_form_lead_from_the_queue(browser, live_server, world, language, width):
    page = browser.new_context(locale=language, viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "mara")
    page.goto(live_server.url + "/leads/unassigned/")
    row = page.locator(f'tr[data-lead="{world["web"].pk}"]')
    expect(row).to_be_visible()
    tag = f"{language[:2]}-{width}"
    shot(page, f"unassigned-queue-{tag}")
    overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not overflow, "the queue is wider than the screen"
    row.locator("button.take").click()
    expect(page.locator(f'tr[data-lead="{world["web"].pk}"]')).to_have_count(0)
    expect(page.locator("#queue-empty")).to_be_visible()
    shot(page, f"unassigned-taken-{tag}")
    assert Lead.objects.get(pk=world["web"].pk).owner_id == world["mara"].pk


def test_park_needs_a_reason_and_keeps_the_note(browser, live_server, world):
    page = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "mara")
    lead = world["web"]
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    page.locator("details.exit summary").nth(1).click()
    page.fill("#park-until", "2099-01-15")
    page.fill("#park-note", "richiamare a gennaio")
    expect(page.locator("#park-reason")).to_have_value("")
    page.select_option("#park-reason", "no_budget")
    page.locator("#park-note").press("Enter")
    expect(page.locator("#stage-panel")).to_contain_text("richiamare a gennaio")
    shot(page, "parked-with-note-it-390")
    lead.refresh_from_db()
    assert (lead.stage, lead.disposition_reason, lead.disposition_note) == (
        "parked", "no_budget", "richiamare a gennaio")


def test_a_value_that_failed_validation_is_marked_not_linked(browser, live_server, world):
    lead = LeadFactory(owner=world["mara"], first_name="Dubbio", last_name="Dati", email="mario@@example",
                       phone="12", quality_flags={"email": "invalid", "phone": "invalid"})
    for language, width in (("it-IT", 390), ("en-US", 1280)):
        page = browser.new_context(locale=language, viewport={"width": width, "height": 900}).new_page()
        page.set_default_timeout(10_000)
        log_in(page, live_server.url, "mara")
        page.goto(f"{live_server.url}/leads/{lead.pk}/")
        expect(page.locator("#quality-flags")).to_be_visible()
        expect(page.locator('a[href^="mailto:mario"]')).to_have_count(0)
        expect(page.locator(".flag-check")).to_have_count(2)
        shot(page, f"quality-flags-{language[:2]}-{width}")
        page.goto(f"{live_server.url}/leads/?needs_checking=on")
        expect(page.locator("#lead-results .row-link")).to_have_count(1)
        shot(page, f"needs-checking-list-{language[:2]}-{width}")
