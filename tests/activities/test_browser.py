"""Issue 13's "done when", the activities part, in a real Chromium: a rep on a phone (390 px, Italian)
logs a call on a lead from its page and sees it on the timeline; the call stopped the lead's
response-time clock (its first contact), and My day is the first entry of the menu."""

import pytest
from playwright.sync_api import expect

from imbuto.sla import services as sla
from tests.browser import chromium
from tests.factories import LeadFactory, TeamFactory, UserFactory
from tests.ui.test_daily_bugs_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead(db):
    rita = UserFactory(username="rita", role="rep", team=TeamFactory(name="Nord", slug="nord"),
                       first_name="Rita", last_name="Rossi")
    lead = LeadFactory(owner=rita, first_name="Ugo", last_name="Neri", temperature="hot")
    sla.due_compute([lead.pk])
    return lead


@pytest.fixture
def browser(lead):
    with chromium() as b:
        yield b


def test_a_rep_logs_a_call_and_sees_it_on_the_timeline(browser, live_server, lead):
    page = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    panel = page.locator(f"#activities-lead-{lead.pk}")
    expect(panel).to_contain_text("Ancora nessuna attività")
    panel.locator("summary", has_text="Registra un'attività").click()
    panel.locator("[name=kind]").select_option("call")
    panel.locator("[name=subject]").fill("Chiamata di presentazione")
    panel.locator("[name=body]").fill("Interessato all'offerta")
    panel.locator("button[type=submit]", has_text="Salva").click()
    item = page.locator(f"#activities-lead-{lead.pk} .activity-call")
    expect(item).to_contain_text("Chiamata di presentazione")
    expect(item).to_contain_text("Chiamata")  # the kind, in Italian
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(page, "activity-logged-it-390")
    page.reload()
    expect(page.locator("#sla-first-contact")).to_be_visible()  # the call was the first contact
    expect(page.locator(f"#activities-lead-{lead.pk}")).to_contain_text("Interessato all'offerta")
