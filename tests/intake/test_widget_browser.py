"""A real Chromium on a page of ANOTHER origin embeds the web form and the chat widget.

The host page is served by a tiny http.server on its own port; Imbuto runs as pytest-django's
live_server. The browser fills the form (past the minimum fill time) and chats with the bot to the
end; a rep takes the conversation over in the staff UI and the visitor sees the rep's message.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from imbuto.intake.models import ChatSession, LeadSource, WebForm
from imbuto.leads.models import Channel, Lead
from tests.browser import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class HostSite:
    """Serves one HTML page per path from memory: the customer's website on its own origin."""

    def __init__(self):
        pages = self.pages = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server naming
                body = pages.get(self.path.split("?")[0])
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def host_site():
    site = HostSite()
    yield site
    site.close()


@pytest.fixture
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def page_for(browser, **kwargs):
    context = browser.new_context(**{"locale": "en-US", **kwargs})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_embedded_form_on_another_origin_creates_a_lead(live_server, host_site, browser):
    form = WebForm.objects.create(
        name="Contact", channel=Channel.objects.get(slug="web-form"), allowed_origins=host_site.origin,
        min_fill_seconds=2, consent_text="I agree to be contacted.",
        fields=[{"name": "first_name"}, {"name": "last_name"}, {"name": "email", "required": True},
                {"name": "company_name"}, {"name": "message"}])
    host_site.pages["/landing"] = f"""<!doctype html><html lang="en"><body><h1>Our product</h1>
      <div data-imbuto-form="{form.key}"></div>
      <script src="{live_server.url}/f/embed.js" async></script></body></html>"""
    context, page = page_for(browser)
    page.goto(f"{host_site.origin}/landing?utm_source=linkedin&utm_campaign=launch")
    page.locator(".imbuto-form input[name=email]").wait_for()
    shown = time.monotonic()  # the form's fill-time token was issued just before it was drawn
    page.fill(".imbuto-form input[name=first_name]", "Giulia")
    page.fill(".imbuto-form input[name=last_name]", "Bianchi")
    page.fill(".imbuto-form input[name=email]", "not-an-email")
    page.fill(".imbuto-form input[name=company_name]", "Bianchi <b>S.r.l.</b>")
    page.fill(".imbuto-form textarea[name=message]", "Vorrei una demo")
    page.check(".imbuto-form input[name=consent]")
    time.sleep(max(0.0, 2.3 - (time.monotonic() - shown)))
    page.click(".imbuto-form button[type=submit]")
    page.locator(".imbuto-form .if-error:not([hidden])").first.wait_for()
    assert not Lead.objects.exists()
    page.fill(".imbuto-form input[name=email]", "giulia@bianchi.it")
    page.click(".imbuto-form button[type=submit]")
    page.locator(".imbuto-thanks").wait_for()
    lead = Lead.objects.get(email="giulia@bianchi.it")
    assert lead.company_name == "Bianchi <b>S.r.l.</b>" and lead.consent_basis == "consent"
    source = LeadSource.objects.get(lead=lead)
    assert (source.kind, source.reference) == ("form", form.key)
    event = lead.engagements.get(kind="form_submit")
    assert event.properties["page_url"].startswith(f"{host_site.origin}/landing")
    assert event.properties["utm_source"] == "linkedin"
    context.close()


def test_plain_html_form_without_javascript_works_after_one_confirmation(live_server, host_site, browser):
    form = WebForm.objects.create(name="Plain", channel=Channel.objects.get(slug="web-form"),
                                  min_fill_seconds=1, fields=["first_name", "email"])
    host_site.pages["/plain"] = f"""<!doctype html><html><body>
      <form action="{live_server.url}/f/{form.key}" method="post">
        <input name="first_name" value="Paolo"><input name="email" value="paolo@neri.it">
        <input type="checkbox" name="consent" value="1" checked><button type="submit">Send</button>
      </form></body></html>"""
    context, page = page_for(browser, java_script_enabled=False)
    page.goto(f"{host_site.origin}/plain")
    page.click("button[type=submit]")
    page.locator("form[data-imbuto-public-form]").wait_for()
    assert not Lead.objects.exists()
    time.sleep(1.2)
    page.click("button[type=submit]")
    page.get_by_text("Thank you!").wait_for()
    assert Lead.objects.filter(email="paolo@neri.it").exists()
    context.close()


def test_chat_widget_bot_to_lead_then_rep_takeover(live_server, host_site, browser, settings, rep):
    settings.IMBUTO_CHAT_ALLOWED_ORIGINS = [host_site.origin]
    host_site.pages["/shop"] = f"""<!doctype html><html lang="en"><body><h1>Shop</h1>
      <script src="{live_server.url}/chat/widget.js" data-imbuto-chat async></script></body></html>"""
    context, page = page_for(browser)
    page.goto(f"{host_site.origin}/shop?utm_source=google")
    opener = page.locator("[data-imbuto-chat-open]")
    assert opener.locator("svg.icon").bounding_box()["width"] == 28  # drawn: no emoji font needed
    assert opener.inner_text().strip() == ""
    shots = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    opener.screenshot(path=str(shots / "chat-bubble.png"))
    page.click("[data-imbuto-chat-open]")
    log = page.locator("ol.log")
    log.get_by_text("What do you need?").wait_for()

    def answer(text, expect):
        page.fill("#imbuto-chat-input", text)
        page.press("#imbuto-chat-input", "Enter")
        log.get_by_text(expect).wait_for()

    page.locator(".quick button", has_text="A quote").click()
    log.get_by_text("When are you planning to buy?").wait_for()
    page.locator(".quick button", has_text="Right away").click()
    log.get_by_text("Which company are you with?").wait_for()
    answer("Acme <script>alert(1)</script>", "What's your name?")
    answer("Mario Rossi", "What's your email address?")
    answer("mario@acme", "doesn't look like an email")
    answer("mario@acme.it", "phone number where we can call you")
    page.locator(".quick button", has_text="Skip").click()
    log.get_by_text("may we store these details").wait_for()
    page.locator(".quick button", has_text="Yes, I agree").click()
    log.get_by_text("Thank you, Mario!").wait_for()
    assert log.locator("script").count() == 0  # hostile text stays text

    session = ChatSession.objects.get()
    lead = session.lead
    assert lead is not None and lead.email == "mario@acme.it" and lead.temperature == "hot"
    assert LeadSource.objects.get(lead=lead).reference == str(session.public_id)
    assert session.messages.filter(sender="visitor", text="mario@acme").exists()

    # the rep, logged in through a real session cookie, takes the conversation over in the staff UI
    staff = Client()
    staff.force_login(rep)
    rep_context = browser.new_context(locale="en-US")
    rep_context.add_cookies([{"name": "sessionid", "value": staff.cookies["sessionid"].value,
                              "url": live_server.url}])
    rep_page = rep_context.new_page()
    rep_page.set_default_timeout(15_000)
    rep_page.goto(f"{live_server.url}/chats/")
    rep_page.click(f"tr[data-session='{session.public_id}'] a")
    rep_page.click("[data-action=take-over]")
    rep_page.locator("[data-chat-status]", has_text="With a sales rep").wait_for()
    log.get_by_text("has joined the conversation").wait_for()
    rep_page.fill("#chat-text", "Ciao Mario, sono Rita. Ti chiamo tra 5 minuti?")
    rep_page.click("[data-action=send]")
    page.locator(".msg.agent", has_text="Ti chiamo tra 5 minuti?").wait_for()
    answer("Perfetto, grazie!", "Perfetto, grazie!")
    rep_page.locator(".chat-msg.from-visitor", has_text="Perfetto, grazie!").wait_for()
    session.refresh_from_db()
    assert session.status == "human" and session.agent == rep
    assert not session.messages.filter(sender="bot", id__gt=session.messages.get(
        sender="agent").id).exists()
    rep_context.close()
    context.close()


def test_a_site_not_allowed_is_told_so_and_the_widgets_stop(live_server, host_site, browser, settings):
    """Issue 10 item 14: no grey frame, no endless "retrying": the site's owner reads why, in Italian."""
    settings.IMBUTO_CHAT_ALLOWED_ORIGINS = []
    webform = WebForm.objects.create(name="Contatti", channel=Channel.objects.get(slug="web-form"),
                                     allowed_origins="https://somewhere-else.example",
                                     fields=[{"name": "email", "required": True}])
    host_site.pages["/page"] = f"""<!doctype html><html lang="it"><body><h1>Negozio</h1>
      <div data-imbuto-form="{webform.key}" data-lang="it"></div>
      <iframe id="framed" src="{live_server.url}/f/{webform.key}?lang=it" width="400" height="200"></iframe>
      <script src="{live_server.url}/f/embed.js" async></script>
      <script src="{live_server.url}/chat/widget.js" data-imbuto-chat data-lang="it" async></script>
      </body></html>"""
    context, page = page_for(browser, locale="it-IT")
    chat_requests = []
    page.on("request", lambda r: chat_requests.append(r.url) if "/chat/sessions" in r.url else None)
    page.goto(f"{host_site.origin}/page")
    refused = page.locator(".imbuto-refused")
    refused.wait_for()
    assert host_site.origin in refused.inner_text() and "non può essere mostrato" in refused.inner_text()
    frame = page.frame_locator("#framed")
    frame.get_by_text("non può essere mostrato").wait_for()
    assert frame.locator("form").count() == 0
    page.click("[data-imbuto-chat-open]")
    notice = page.locator(".notice.refused")
    notice.wait_for()
    assert host_site.origin in notice.inner_text() and "non è autorizzato" in notice.inner_text()
    assert page.locator("#imbuto-chat-input").is_hidden()
    sent = len(chat_requests)
    page.wait_for_timeout(6000)  # more than two poll periods: nothing more is asked
    assert len(chat_requests) == sent and sent <= 2  # the POST (and its preflight)
    assert not ChatSession.objects.exists()
    shots = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "site-refused-it.png"), full_page=True)
    context.close()
