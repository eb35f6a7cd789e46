"""A real Chromium: an admin exports a filtered lead list (Italian: `;` and a BOM), and a manager
ticks rows and assigns them in bulk, in Italian and English, on a desktop and on a 390 px phone.
Screenshots go to var/screenshots. Skipped without Chromium, except under CI=true."""

import csv
import io
import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from imbuto.leads.models import Lead
from tests.browser import chromium
from tests.factories import LeadFactory, TeamFactory, UserFactory

from .test_browser import too_wide

PASSWORD = "pw-Imbuto-2026"
SHOTS = Path(os.environ.get("IMBUTO_SCREENSHOTS", "var/screenshots"))
VIEWPORTS = [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(db):
    nord = TeamFactory(name="Nord", slug="nord")
    rep = UserFactory(username="rita", role="rep", team=nord, first_name="Rita", last_name="Neri")
    UserFactory(username="nino", role="rep", team=nord, first_name="Nino", last_name="Bassi")
    UserFactory(username="ada", role="admin", is_superuser=True, is_staff=True)
    UserFactory(username="mara", role="manager", team=nord)
    for i, temp in enumerate(("hot", "hot", "cold")):
        LeadFactory(owner=rep, first_name=f"Cliente{i}", last_name=f"Prova{i}", temperature=temp,
                    company_name="=SOMMA(1;2)" if i == 0 else "Rossi S.r.l.", phone="+390212345678")
    return rep


@pytest.fixture
def browser(people):
    with chromium() as browser:
        yield browser


def open_page(browser, base_url, username, language, viewport, phone):
    context = browser.new_context(locale=f"{language}-{language.upper()}", viewport=viewport,
                                  is_mobile=phone, has_touch=phone, accept_downloads=True,
                                  extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlparse(url).path == "/leads/")
    return context, page


def no_sideways_scroll(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{what} scrolls sideways by {overflow}px: {too_wide(page)}"


@pytest.mark.parametrize(("name", "viewport"), VIEWPORTS)
@pytest.mark.parametrize("language", ["it", "en"])
def test_an_admin_exports_a_filtered_list(browser, live_server, people, name, viewport, language):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = open_page(browser, live_server.url, "ada", language, viewport, name == "phone")
    page.goto(live_server.url + "/leads/?temperature=hot")
    total = page.locator("#lead-total").inner_text()
    assert total == "2 lead" if language == "it" else total == "2 leads"
    page.screenshot(path=str(SHOTS / f"lead-list-tools-{language}-{name}.png"), full_page=True)
    no_sideways_scroll(page, "the lead list")
    with page.expect_download() as info:
        page.locator(".export-links a", has_text="CSV").click()
    body = Path(info.value.path()).read_bytes().decode("utf-8")
    assert body.startswith("\ufeff")
    sep = ";" if language == "it" else ","
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=sep))
    assert rows[0][2] == ("Cognome" if language == "it" else "Last name")
    assert sorted(r[2] for r in rows[1:]) == ["Prova0", "Prova1"]
    assert "'=SOMMA(1;2)" in [r[5] for r in rows]
    assert "02 1234 5678" in [r[4] for r in rows]
    context.close()


@pytest.mark.parametrize(("name", "viewport"), VIEWPORTS)
@pytest.mark.parametrize("language", ["it", "en"])
def test_a_manager_assigns_ticked_leads_in_bulk(browser, live_server, people, name, viewport, language):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = open_page(browser, live_server.url, "mara", language, viewport, name == "phone")
    page.goto(live_server.url + "/leads/?temperature=hot")
    page.locator("#lead-results input[name=ids]").first.check()
    page.locator("#lead-results input[name=ids]").nth(1).check()
    page.locator(".bulk-actions summary").click()
    page.select_option("#bulk-form select[name=action]", "assign")
    page.select_option("#bulk-form select[name=assignee]", label="Nino Bassi")
    page.screenshot(path=str(SHOTS / f"lead-bulk-form-{language}-{name}.png"), full_page=True)
    no_sideways_scroll(page, "the bulk form")
    page.locator("#bulk-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/leads/\?temperature=hot$"))
    flash = page.locator("#flash").inner_text()
    assert ("2 lead modificati." if language == "it" else "2 leads changed.") in flash
    page.screenshot(path=str(SHOTS / f"lead-bulk-done-{language}-{name}.png"), full_page=True)
    assert set(Lead.objects.filter(temperature="hot").values_list("owner__username", flat=True)) == {"nino"}
    assert Lead.objects.get(temperature="cold").owner.username == "rita"
    if name == "phone":
        lead = Lead.objects.filter(temperature="hot").first()
        page.goto(live_server.url + f"/leads/{lead.pk}/")
        quick = page.locator("#contact-quick")
        assert quick.is_visible()
        assert quick.locator("a[href='tel:+390212345678']").count() == 1
        assert quick.bounding_box()["y"] < page.locator("#stage-panel").bounding_box()["y"]
        page.screenshot(path=str(SHOTS / f"lead-detail-contact-first-{language}.png"), full_page=True)
        no_sideways_scroll(page, "the lead page")
    context.close()
