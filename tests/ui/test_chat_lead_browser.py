"""A real Chromium walks a rep through issue 10's "rep creates a lead from a chat" (item 6): a visitor
said hello and nothing more; the rep takes the conversation over, asks for the lead, types what the
visitor told them in the small form, and lands back on the chat with the lead linked. In Italian at
phone width and in English on a desktop; screenshots in var/screens/."""

import json

import pytest
from django.test import Client
from playwright.sync_api import expect

from imbuto.intake.models import ChatSession
from imbuto.leads.models import Lead
from tests.browser import chromium
from tests.factories import TeamFactory, UserFactory

from .test_daily_bugs_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rita(db):
    return UserFactory(username="rita", role="rep", team=TeamFactory(name="North", slug="north"),
                       first_name="Rita", last_name="Rossi")


@pytest.fixture
def browser():
    with chromium() as b:
        yield b


def visitor_says_hello() -> ChatSession:
    visitor = Client()
    started = visitor.post("/chat/sessions", json.dumps({"language": "it"}), content_type="application/json")
    public_id = started.json()["session"]
    visitor.post(f"/chat/sessions/{public_id}/messages", json.dumps({"text": "Buongiorno, avete listini?"}),
                 content_type="application/json")
    return ChatSession.objects.get(public_id=public_id)


@pytest.mark.parametrize(("language", "width", "words"), [
    ("it-IT", 390, {"take": "Prendi in carico", "create": "Crea il lead", "created": "Lead creato"}),
    ("en-US", 1280, {"take": "Take over", "create": "Create lead", "created": "Lead created"}),
])
def test_a_rep_creates_a_lead_from_a_chat_the_bot_did_not_finish(browser, live_server, rita, language,
                                                                   width, words):
    session = visitor_says_hello()
    page = browser.new_context(locale=language, viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/chats/")
    page.click(f"tr[data-session='{session.public_id}'] a")
    page.click("[data-action=take-over]")
    expect(page.locator("[data-chat-status]")).not_to_have_text("")
    page.get_by_role("button", name=words["create"], exact=True).click()
    form = page.locator("#chat-lead-form")
    expect(form).to_be_visible()
    shot(page, f"chat-lead-form-{language[:2]}-{width}")
    page.click("#chat-lead-form button[type=submit]")  # nothing typed: told what is needed, nothing lost
    expect(page.locator("#chat-lead-form .alert-error")).to_be_visible()
    assert not Lead.objects.exists()
    page.fill("#id_first_name", "Lia")
    page.fill("#id_last_name", "Ferri")
    page.fill("#id_email", "lia.ferri@example.it")
    page.click("#chat-lead-form button[type=submit]")
    page.wait_for_url(f"**/chats/{session.public_id}/")
    expect(page.get_by_text(words["created"])).to_be_visible()
    shot(page, f"chat-lead-created-{language[:2]}-{width}")
    lead = Lead.objects.get()
    assert (lead.first_name, lead.email, lead.owner) == ("Lia", "lia.ferri@example.it", rita)
    session.refresh_from_db()
    assert session.lead_id == lead.pk
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    expect(page.locator("h1")).to_contain_text("Lia Ferri")
