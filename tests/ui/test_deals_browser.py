"""Issue 13's "done when", the deals part, in a real Chromium and in Italian: a rep converts an SQL
from its page (deal name, amount, expected close), then drags the deal across the board to won; the
board's counts follow, the lead becomes a customer and its account one too."""

import pytest
from playwright.sync_api import expect

from imbuto.deals.models import Deal
from imbuto.leads.models import Lead
from tests.browser import chromium
from tests.factories import LeadFactory, TeamFactory, UserFactory

from .test_daily_bugs_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead(db):
    rita = UserFactory(
        username="rita",
        role="rep",
        team=TeamFactory(name="Nord", slug="nord"),
        first_name="Rita",
        last_name="Rossi",
    )
    return LeadFactory(
        owner=rita,
        stage="sql",
        company_name="Officine Verdi Srl",
        first_name="Ugo",
        last_name="Verdi",
        email="ugo@officineverdi.it",
    )


@pytest.fixture
def browser(lead):
    with chromium() as b:
        yield b


def drag(page, card, column):
    """SortableJS (fallback mode) follows the mouse: press on the card, move in steps, release."""
    start, end = card.bounding_box(), column.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 40, steps=20)
    page.mouse.up()


def test_a_rep_converts_an_sql_and_drags_the_deal_to_won(browser, live_server, lead):
    page = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(30_000)
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    page.fill("#convert-name", "Linea di montaggio")
    page.fill("#convert-amount", "12.500,00")
    page.fill("#convert-close", "2027-03-31")
    page.click("#convert-button")
    page.wait_for_url("**/deals/*/")
    expect(page.locator("#deal-stage")).to_have_text("Qualificazione")
    deal = Deal.objects.get(lead=lead)
    assert Lead.objects.get(pk=lead.pk).stage == "opportunity" and deal.amount == 12500

    page.goto(f"{live_server.url}/deals/board/")
    card = page.locator(f".deal-card[data-deal='{deal.pk}']")
    expect(page.locator(".board-col[data-stage=qualification] .col-count")).to_have_text("1")
    drag(page, card, page.locator(".board-cards[data-stage=proposal]"))
    expect(page.locator(".board-col[data-stage=proposal] .col-count")).to_have_text("1")
    expect(page.locator(".board-col[data-stage=qualification] .col-count")).to_have_text("0")
    drag(
        page, page.locator(f".deal-card[data-deal='{deal.pk}']"), page.locator(".board-cards[data-stage=won]")
    )
    expect(page.locator(".board-col[data-stage=won] .col-count")).to_have_text("1")
    expect(page.locator(".board-col[data-stage=won]")).to_contain_text("Linea di montaggio")
    shot(page, "deals-board-won-it-1280")
    deal.refresh_from_db()
    lead.refresh_from_db()
    assert deal.status == "won" and lead.stage == "customer" and lead.account.is_customer

    phone = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 844}).new_page()
    phone.set_default_timeout(30_000)
    log_in(phone, live_server.url, "rita")
    phone.goto(f"{live_server.url}/deals/board/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # the columns scroll inside the board, not the page
    shot(phone, "deals-board-it-390")
