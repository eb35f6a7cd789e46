"""The dashboard in a real Chromium, in Italian at phone width (390 px), on the hand-made world:
every chart is drawn by the vendored Chart.js (no network), its data table is beside it, missing
figures read "n.d.", numbers link to their records, and the freshness line is shown."""

import pytest
from playwright.sync_api import expect

from tests.browser import chromium
from tests.ui.test_daily_bugs_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(world):
    with chromium() as b:
        yield b


def test_the_dashboard_draws_its_charts_in_italian_on_a_phone(browser, live_server, world):
    context = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    log_in(page, live_server.url, "ada")
    page.goto(f"{live_server.url}/dashboard/?from=2026-01-01&to=2026-03-31&by=rep")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "1")
    expect(page.locator("h1")).to_have_text("Cruscotto")
    expect(page.locator("#dash-fresh")).to_contain_text("Cifre calcolate in tempo reale")
    expect(page.locator("#dash-kpis")).to_contain_text("75,0 %")  # win rate 3 of 4
    expect(page.locator("#chart-funnel")).to_contain_text("Qualificato dal marketing")
    drawn = page.evaluate("""() => [...document.querySelectorAll('canvas[data-chart]')].map(c =>
        c.chart && c.width > 0 && c.toDataURL().length > 3000)""")
    assert drawn == [True] * 5
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling at phone width
    href = page.locator("#dash-kpis a.kpi").first.get_attribute("href")
    assert href.startswith("/leads/?created_after=2026-01-01")
    assert all(url.startswith(live_server.url) for url in asked)  # offline: nothing but Imbuto itself
    shot(page, "analytics-dashboard-it-390")
    assert page.screenshot(full_page=True)[:4] == b"\x89PNG"
