"""The deal page's edit form in a real Chromium, in Italian, on a phone (390 px): the form opens in
place (htmx), an Italian amount and a product line are saved, the page shows them; a stale edit (the
deal moved meanwhile) is told plainly and nothing is overwritten."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from imbuto.deals import services
from imbuto.deals.models import Deal, Product
from tests.browser import chromium
from tests.factories import TeamFactory, UserFactory

from .test_daily_bugs_browser import SCREENS, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def deal(db):
    rita = UserFactory(
        username="rita", role="rep", team=TeamFactory(name="Nord", slug="nord"), first_name="Rita",
        last_name="Rossi",
    )
    Product.objects.create(code="MES", name="MES Linea", unit_price=Decimal(1000))
    return services.deal_create(actor=rita, data={"name": "Impianto Nord", "amount": Decimal(5000)})


@pytest.fixture
def browser(deal):
    with chromium() as b:
        yield b


def test_a_rep_edits_a_deal_on_her_phone_in_italian(browser, live_server, deal):
    phone = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 844}).new_page()
    phone.set_default_timeout(30_000)
    log_in(phone, live_server.url, "rita")
    phone.goto(f"{live_server.url}/deals/{deal.pk}/")
    phone.click("#deal-edit-button")  # htmx: the form takes the place of the fields
    expect(phone.locator("#deal-edit-form h2")).to_have_text("Modifica la trattativa")
    assert phone.url.endswith(f"/deals/{deal.pk}/")
    phone.fill("#id_name", "Impianto Nord e Sud")
    phone.fill("#id_amount", "12.500,50")
    phone.fill("#id_expected_close", "2027-03-31")
    phone.fill("#id_probability", "40")
    phone.select_option("#id_lines-0-product", label="MES Linea")
    phone.fill("#id_lines-0-quantity", "2")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # the form fits the phone
    shot(phone, "deal-edit-form-it-390")
    phone.click("#deal-edit-save")
    expect(phone.locator("h1")).to_have_text("Impianto Nord e Sud")
    expect(phone.locator("#deal-amount")).to_contain_text("12.500,50")
    expect(phone.locator(".deal-lines")).to_contain_text("MES Linea")
    expect(phone.locator("#flash, .messages").first).to_contain_text("Modifiche salvate")
    shot(phone, "deal-edited-it-390")
    saved = Deal.objects.get(pk=deal.pk)
    assert (saved.name, saved.amount, saved.probability, saved.version) == (
        "Impianto Nord e Sud", Decimal("12500.50"), 40, 2,
    )
    assert saved.lines.get().quantity == 2

    # someone moves the deal while the form is open: the save is refused and said so
    phone.click("#deal-edit-button")
    expect(phone.locator("#deal-edit-form")).to_be_visible()
    services.deal_move(actor=saved.owner, deal=saved, stage="proposal")
    phone.fill("#id_name", "Impianto Sud")
    phone.click("#deal-edit-save")
    expect(phone.locator("#deal-edit-conflict")).to_contain_text("Qualcun altro ha modificato")
    expect(phone.locator("#id_name")).to_have_value("Impianto Sud")
    shot(phone, "deal-edit-conflict-it-390")
    assert Deal.objects.get(pk=deal.pk).name == "Impianto Nord e Sud"


def test_a_board_column_loads_more_cards_in_place(browser, live_server, deal):
    """60 deals in one column: 50 drawn, "Mostra altre 11" appends the rest in the column (htmx) and
    goes; an appended card still links to its deal."""
    from tests.deals.test_board_load_more import make_deals

    make_deals(deal.owner, 60, start=100)
    phone = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 844}).new_page()
    phone.set_default_timeout(30_000)
    log_in(phone, live_server.url, "rita")
    phone.goto(f"{live_server.url}/deals/board/")
    cards = phone.locator("#cards-qualification .deal-card")
    expect(cards).to_have_count(50)
    button = phone.locator("#more-qualification .load-more")
    expect(button).to_have_text("Mostra altre 11")
    button.scroll_into_view_if_needed()
    phone.screenshot(path=str(SCREENS / "deals-board-more-button-it-390.png"))  # the viewport only
    button.click()
    expect(cards).to_have_count(61)
    expect(phone.locator("#more-qualification .load-more")).to_have_count(0)
    assert phone.url.endswith("/deals/board/")  # in place
    shot(phone, "deals-board-more-it-390")
    cards.last.locator("a").click()
    phone.wait_for_url("**/deals/*/")
