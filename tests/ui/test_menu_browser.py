"""The grouped top navigation in a real Chromium, in Italian. On a 390 px touch phone each role opens
the folded menu and finds exactly the entries and drop-downs it may use (each answers it 200), taps a
drop-down open and follows an entry in it, which is then marked current. On a 1280 px desktop the
admin's menu, the longest, is one row; one drop-down is open at a time and Escape closes it; a
narrower window folds the menu behind its button instead of wrapping it."""

import pytest
from playwright.sync_api import expect

from tests.browser import chromium
from tests.factories import LeadFactory, TeamFactory, UserFactory

from .test_browser import too_wide
from .test_daily_bugs_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INLINE = ["La mia giornata", "Cruscotto", "Lead"]
SALES = ("Vendite", ["Account", "Contatti", "Clienti"])
MARKETING = ("Marketing", ["Punteggi", "Nurturing"])
INTAKE = ("Acquisizione", ["Duplicati", "Importazioni", "Chat", "Moduli web"])
MENUS = {  # in order: links, then (drop-down, its entries)
    "admin": [*INLINE, "Da assegnare", "Trattative", "Tempi di risposta", SALES, INTAKE, MARKETING,
              ("Impostazioni", ["Instradamento", "Utenti"])],
    "manager": [*INLINE, "Da assegnare", "Trattative", "Tempi di risposta", SALES, INTAKE, MARKETING,
                "Instradamento"],  # Settings would hold only Routing: a link, not a menu of one
    "rep": [*INLINE, "Trattative", "Tempi di risposta", SALES, ("Acquisizione", ["Duplicati", "Chat"]),
            MARKETING],
    "marketer": [*INLINE, "Trattative", SALES, INTAKE, MARKETING],
}
MENU = """() => [...document.querySelectorAll('#site-nav .nav-links > *')].map(e => e.tagName === 'DETAILS'
    ? [e.querySelector('summary').textContent.trim(),
       [...e.querySelectorAll('a')].map(a => a.textContent.trim())]
    : e.textContent.trim())"""


@pytest.fixture
def people(db):
    north = TeamFactory(name="Nord", slug="nord")
    for username, role in (("ada", "admin"), ("mara", "manager"), ("rita", "rep"), ("marta", "marketer")):
        UserFactory(username=username, role=role, team=None if role in ("admin", "marketer") else north)
    return {"admin": "ada", "manager": "mara", "rep": "rita", "marketer": "marta"}


@pytest.fixture
def browser(people):
    with chromium() as b:
        yield b


def menu(page):
    return [tuple(item) if isinstance(item, list) else item for item in page.evaluate(MENU)]


@pytest.mark.parametrize("role", list(MENUS))
def test_the_phone_menu_offers_each_role_what_it_may_use(browser, live_server, people, role):
    context = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    log_in(page, live_server.url, people[role])
    nav = page.locator("#site-nav")
    expect(nav).to_be_hidden()
    page.locator("[data-toggle-nav]").tap()
    expect(nav).to_be_visible()
    assert menu(page) == MENUS[role]
    for href in page.eval_on_selector_all("#site-nav .nav-links a", "links => links.map(a => a.href)"):
        assert page.request.get(href).status == 200, href  # a menu entry never answers 403

    sales = nav.locator("details.nav-group", has_text="Vendite")
    expect(sales.get_by_role("link", name="Clienti")).to_be_hidden()
    sales.locator("summary").tap()
    expect(sales.get_by_role("link", name="Clienti")).to_be_visible()
    assert too_wide(page) == []
    shot(page, f"menu-{role}-it-390")
    sales.get_by_role("link", name="Clienti").tap()
    page.wait_for_url("**/customers/")
    page.locator("[data-toggle-nav]").tap()
    expect(nav.locator("details.nav-group.active > summary")).to_have_text("Vendite")
    expect(nav.locator("[aria-current=page]")).to_have_text("Clienti")


def test_the_desktop_menu_is_one_row_and_folds_when_it_would_wrap(browser, live_server, people):
    page = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}).new_page()
    page.set_default_timeout(30_000)
    log_in(page, live_server.url, "ada")
    expect(page.locator("[data-toggle-nav]")).to_be_hidden()
    links = page.locator(".nav-links")
    assert links.bounding_box()["height"] < 40  # one row of entries, not two
    settings = page.locator("details.nav-group", has_text="Impostazioni")
    sales = page.locator("details.nav-group", has_text="Vendite")
    settings.locator("summary").click()
    expect(settings.get_by_role("link", name="Utenti")).to_be_visible()
    sales.locator("summary").click()
    expect(sales.get_by_role("link", name="Clienti")).to_be_visible()
    expect(settings.get_by_role("link", name="Utenti")).to_be_hidden()  # one drop-down at a time
    shot(page, "menu-admin-it-1280")
    page.keyboard.press("Escape")
    expect(sales.get_by_role("link", name="Clienti")).to_be_hidden()

    page.set_viewport_size({"width": 1000, "height": 800})
    expect(page.locator("[data-toggle-nav]")).to_be_visible()  # folded rather than wrapped
    expect(page.locator("#site-nav")).to_be_hidden()
    page.click("[data-toggle-nav]")
    expect(page.locator("#site-nav")).to_be_visible()
    assert too_wide(page) == []


def test_the_lead_list_fits_a_1280_px_desktop_in_italian(browser, live_server, people):
    """Nine columns with long Italian values (a stage badge, a company, an owner) keep the last one,
    the creation date, in view without scrolling the table sideways."""
    from imbuto.users.models import User

    mara = User.objects.get(username="mara")
    mara.first_name, mara.last_name = "Mariarosaria", "Santangelo"
    mara.save()
    for i in range(5):
        LeadFactory(first_name="Massimiliano", last_name=f"Dell'Acqua Bianchi {i}", owner=mara,
                    company_name="Costruzioni Meccaniche Settentrionali S.p.A.", stage="sql",
                    email=f"massimiliano.dellacqua{i}@costruzionimeccaniche.it", temperature="warm")
    page = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}).new_page()
    page.set_default_timeout(30_000)
    log_in(page, live_server.url, "mara")
    page.goto(live_server.url + "/leads/")
    expect(page.locator("#lead-results .badge", has_text="Qualificato dalle vendite").first).to_be_visible()
    wrap = page.locator(".table-wrap").first
    scroll, client = wrap.evaluate("e => [e.scrollWidth, e.clientWidth]")
    shot(page, "lead-list-manager-it-1280")
    assert scroll <= client, f"the table is {scroll - client} px wider than its card"
