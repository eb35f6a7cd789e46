"""The interactive docs in a real Chromium: Swagger UI loads without any CDN, and a logged-in user
can "Try it out" an unsafe method with the session (the page sends the CSRF token).

Skipped when Chromium is missing, except under CI=true where it must run.
"""

import json

import pytest

from imbuto.leads.models import Lead
from tests.browser import chromium
from tests.factories import TeamFactory, UserFactory

PASSWORD = "pw-Imbuto-2026"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rita(db):
    return UserFactory(username="rita", role="rep", team=TeamFactory(name="North", slug="north"))


@pytest.fixture
def browser(rita):
    """Started after the test data (see tests/browser.py)."""
    with chromium() as browser:
        yield browser


def test_try_it_out_creates_a_lead_with_the_session(browser, live_server, rita):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)

    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "rita")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")

    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Imbuto API" in page.locator(".swagger-ui .info .title").inner_text()

    op = page.locator(".opblock-post", has=page.locator(".opblock-summary-path[data-path='/api/v1/leads']"))
    op.locator(".opblock-summary").first.click()
    op.locator(".try-out__btn").click()
    op.locator("textarea.body-param__text").fill(json.dumps({"first_name": "Dora", "last_name": "Docs"}))
    op.locator(".execute").click()
    status = op.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "201"

    lead = Lead.objects.get(last_name="Docs")
    assert lead.owner_id == rita.pk
    assert external == []                     # nothing loaded from a CDN
    context.close()
