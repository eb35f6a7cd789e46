"""The website chat end to end through its HTTP endpoints: visitor, bot, lead, rep takeover, limits."""

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, override_settings

from imbuto.core.history import history_of
from imbuto.intake.models import ChatSession, EngagementEvent, LeadSource
from imbuto.leads.models import Lead

SITE = "https://www.example.com"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.IMBUTO_CHAT_ALLOWED_ORIGINS = [SITE]
    cache.clear()
    yield
    cache.clear()


class Visitor:
    def __init__(self, ip="198.51.100.7", origin=SITE):
        self.client = Client(REMOTE_ADDR=ip)
        self.origin = origin
        self.id = None
        self.last = 0

    def start(self, language="en-US", page_url=f"{SITE}/pricing?utm_source=google&utm_medium=cpc"):
        r = self.client.post("/chat/sessions", json.dumps({"page_url": page_url, "language": language}),
                             content_type="application/json", headers={"Origin": self.origin})
        if r.status_code == 201:
            self.id = r.json()["session"]
            self.last = max(m["id"] for m in r.json()["messages"])
        return r

    def say(self, text, value=None):
        r = self.client.post(f"/chat/sessions/{self.id}/messages",
                             json.dumps({"text": text, "value": value, "after": self.last}),
                             content_type="application/json", headers={"Origin": self.origin})
        if r.status_code == 200 and r.json()["messages"]:
            self.last = max(m["id"] for m in r.json()["messages"])
        return r

    def poll(self):
        r = self.client.get(f"/chat/sessions/{self.id}/messages", {"after": self.last},
                            headers={"Origin": self.origin})
        if r.status_code == 200 and r.json()["messages"]:
            self.last = max(m["id"] for m in r.json()["messages"])
        return r


def qualify(v, *, consent="Yes, I agree"):
    v.start()
    for text, value in [("We need a new CRM", None), ("Right away", "immediate"), ("Acme S.r.l.", None),
                        ("Mario Rossi", None), ("mario@acme.it", None), ("+39 02 1234 5678", None)]:
        assert v.say(text, value).status_code == 200
    return v.say(consent, "yes" if consent.startswith("Yes") else "no")


def test_start_greets_with_quick_replies_and_cors_for_allowed_sites():
    v = Visitor()
    r = v.start()
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "bot" and [m["sender"] for m in body["messages"]] == ["bot", "bot"]
    assert [q["value"] for q in body["quick_replies"]] == ["quote", "info", "other"]
    assert r["Access-Control-Allow-Origin"] == SITE
    session = ChatSession.objects.get(public_id=v.id)
    assert session.language == "en" and session.page_url.startswith(SITE) and len(session.ip_hash) == 32
    refused = Visitor(origin="https://evil.example").start()  # told why, readable by that page only
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "origin_not_allowed"
    assert "https://evil.example" in refused.json()["error"]["message"]
    assert refused["Access-Control-Allow-Origin"] == "https://evil.example"
    pre = Client().options("/chat/sessions",
                           headers={"Origin": SITE, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204 and pre["Access-Control-Allow-Origin"] == SITE


def test_star_allows_any_site(settings):
    settings.IMBUTO_CHAT_ALLOWED_ORIGINS = ["*"]
    r = Visitor(origin="https://anything.example").start()
    assert r["Access-Control-Allow-Origin"] == "https://anything.example"


def test_a_full_conversation_creates_a_hot_lead_with_the_transcript():
    v = Visitor()
    r = qualify(v)
    assert r.status_code == 200
    assert "very soon" in r.json()["messages"][-1]["text"]
    session = ChatSession.objects.get(public_id=v.id)
    lead = Lead.objects.get(pk=session.lead_id)
    assert (lead.first_name, lead.last_name, lead.email) == ("Mario", "Rossi", "mario@acme.it")
    assert lead.phone == "+390212345678" and lead.company_name == "Acme S.r.l."
    assert lead.purchase_timeframe == "immediate" and lead.temperature == "hot"
    assert lead.channel.slug == "website-chat" and lead.consent_basis == "consent" and lead.consent_at
    source = LeadSource.objects.get(lead=lead)
    assert (source.kind, source.reference) == ("chat", v.id)
    event = EngagementEvent.objects.get(lead=lead, kind="chat_message")
    assert event.properties["chat_session"] == v.id and event.properties["messages"] == 16
    html = render_to_string("intake/capture/_lead_chats.html", {"lead": lead})
    assert "We need a new CRM" in html and "mario@acme.it" in html


def test_the_lead_keeps_consent_channel_and_utm_of_the_page():
    v = Visitor()
    qualify(v)
    lead = ChatSession.objects.get(public_id=v.id).lead
    assert lead.consent_channel == "website-chat"
    assert (lead.utm_source, lead.utm_medium) == ("google", "cpc")


def test_declined_consent_creates_no_lead():
    v = Visitor()
    assert qualify(v, consent="No").status_code == 200
    assert ChatSession.objects.get(public_id=v.id).lead_id is None
    assert not Lead.objects.exists()


def test_italian_visitor_gets_the_italian_bot():
    v = Visitor()
    r = v.start(language="it-IT")
    assert r.json()["messages"][1]["text"] == "Di cosa hai bisogno?"
    assert r.json()["quick_replies"][0]["label"] == "Un preventivo"


def test_polling_returns_only_new_messages():
    v = Visitor()
    v.start()
    assert v.poll().json()["messages"] == []
    v.say("hello")
    assert v.poll().json()["messages"] == []
    r = Client().get(f"/chat/sessions/{v.id}/messages")
    assert len(r.json()["messages"]) == 4


def test_rep_takes_over_the_bot_stops_and_the_visitor_sees_the_rep(client, rep, other_rep, marketer):
    v = Visitor()
    v.start()
    v.say("Quote please", "quote")
    client.force_login(marketer)
    assert client.post(f"/chats/{v.id}/take-over").status_code == 403
    client.force_login(rep)
    r = client.post(f"/chats/{v.id}/take-over")
    assert r.status_code == 302
    session = ChatSession.objects.get(public_id=v.id)
    assert session.status == "human" and session.agent == rep
    assert history_of(session).filter(action="chat_taken_over").exists()
    joined = v.poll().json()
    assert joined["status"] == "human" and joined["quick_replies"] == []
    assert "joined" in joined["messages"][-1]["text"]
    r = v.say("Can you call me?")
    assert [m["sender"] for m in r.json()["messages"]] == ["visitor"]  # no bot answer any more
    client.post(f"/chats/{v.id}/send", {"text": "Sure, what's your number?"})
    seen = v.poll().json()["messages"]
    assert seen[-1]["sender"] == "agent" and seen[-1]["text"] == "Sure, what's your number?"
    assert seen[-1]["name"] == "rita"
    other = Client()
    other.force_login(other_rep)
    r = other.post(f"/chats/{v.id}/send", {"text": "me too"})
    assert r.status_code == 409
    client.post(f"/chats/{v.id}/close")
    assert ChatSession.objects.get(public_id=v.id).status == "closed"
    r = v.say("hello?")
    assert r.status_code == 409 and r.json()["error"]["code"] == "chat_closed"
    assert v.poll().json()["status"] == "closed"


def test_a_rep_can_turn_an_unfinished_conversation_into_a_lead(client, rep):
    v = Visitor()
    v.start()
    for text in ("Info", "later", "Beta SpA", "Paolo Neri"):
        v.say(text)
    client.force_login(rep)
    client.post(f"/chats/{v.id}/take-over")
    r = client.post(f"/chats/{v.id}/lead")
    session = ChatSession.objects.get(public_id=v.id)
    assert r.status_code == 302 and session.lead_id and r["Location"].endswith(f"/{session.lead_id}/")
    lead = session.lead
    assert lead.company_name == "Beta SpA" and lead.owner == rep and lead.consent_basis == ""


def test_staff_pages_list_live_chats_and_escape_hostile_text(client, rep):
    v = Visitor()
    v.start()
    v.say('<script>alert("x")</script><img src=x onerror=alert(1)>')
    client.force_login(rep)
    page = client.get("/chats/")
    assert page.status_code == 200 and v.id in page.content.decode()
    partial = client.get("/chats/", headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html and 'id="chat-sessions"' in html
    detail = client.get(f"/chats/{v.id}/").content.decode()
    assert "<script>alert" not in detail and "&lt;script&gt;" in detail
    assert "<img src=x" not in detail and "&lt;img src=x" in detail
    last = ChatSession.objects.get(public_id=v.id).messages.order_by("-id").first().id
    idle = client.get(f"/chats/{v.id}/", {"since": last, "status": "bot"}, headers={"HX-Request": "true"})
    assert idle.status_code == 204
    changed = client.get(f"/chats/{v.id}/", {"since": 0, "status": "bot"}, headers={"HX-Request": "true"})
    assert changed.status_code == 200 and 'id="chat-live"' in changed.content.decode()


def test_staff_pages_need_a_login(client):
    v = Visitor()
    v.start()
    assert client.get("/chats/").status_code == 302
    assert client.post(f"/chats/{v.id}/take-over").status_code == 302
    assert ChatSession.objects.get(public_id=v.id).status == "bot"


def test_message_limits_and_bad_requests():
    v = Visitor()
    v.start()
    r = v.say("x" * 1001)
    assert r.status_code == 422
    assert v.say("   ").status_code == 422
    bad = v.client.post(f"/chat/sessions/{v.id}/messages", "{oops", content_type="application/json")
    assert bad.status_code == 400
    assert v.client.get("/chat/sessions/00000000-0000-0000-0000-000000000000/messages").status_code == 404
    assert v.client.get("/chat/sessions/not-a-uuid/messages").status_code == 404


@override_settings(IMBUTO_CHAT_RATE_LIMITS={**settings.IMBUTO_CHAT_RATE_LIMITS,
                                           "message_per_session": (3, 60), "start_per_ip": (2, 3600)})
def test_rate_limits_per_session_and_per_ip():
    v = Visitor()
    v.start()
    codes = [v.say(f"m{i}").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    same_ip = Visitor()
    assert same_ip.start().status_code == 201
    r = Visitor().start()
    assert r.status_code == 429 and r["Retry-After"]
    assert Visitor(ip="203.0.113.99").start().status_code == 201


def test_a_body_over_16_kb_is_413_like_the_form():
    v = Visitor()
    big = json.dumps({"text": "x" * (17 * 1024)})
    r = v.client.post("/chat/sessions", big, content_type="application/json")
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    v.start()
    r = v.client.post(f"/chat/sessions/{v.id}/messages", big, content_type="application/json")
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_the_widget_script_is_served_from_a_stable_url(client):
    r = client.get("/chat/widget.js")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/javascript")
    assert b"data-imbuto-chat" in r.content
    assert client.get("/f/embed.js").status_code == 200


def test_a_rep_cannot_close_a_chat_another_rep_took_over(client, rep, other_rep, manager):
    """Issue 8 finding 11: closing answers 409 as sending and taking over do; a manager may close."""
    v = Visitor()
    v.start()
    client.force_login(rep)
    assert client.post(f"/chats/{v.id}/take-over").status_code == 302
    other = Client()
    other.force_login(other_rep)
    r = other.post(f"/chats/{v.id}/close")
    assert r.status_code == 409
    assert ChatSession.objects.get(public_id=v.id).status == "human"
    boss = Client()
    boss.force_login(manager)
    boss.post(f"/chats/{v.id}/close")
    assert ChatSession.objects.get(public_id=v.id).status == "closed"


def test_a_rep_types_the_details_the_bot_did_not_collect_and_returns_to_the_chat(client, rep):
    """Issue 10, item 6: a bare 422 page became a small form, then back to the chat."""
    v = Visitor()
    v.start()
    v.say("Info")
    client.force_login(rep)
    client.post(f"/chats/{v.id}/take-over")
    asked = client.post(f"/chats/{v.id}/lead")
    assert asked.status_code == 422
    page = asked.content.decode()
    assert 'id="chat-lead-form"' in page and 'name="email"' in page and 'name="company_name"' in page
    done = client.post(f"/chats/{v.id}/lead", {"typed": "1", "first_name": "Paolo", "last_name": "Neri",
                                               "email": "paolo@beta.it", "company_name": "Beta SpA"})
    assert done.status_code == 302 and done["Location"] == f"/chats/{v.id}/"
    session = ChatSession.objects.get(public_id=v.id)
    assert session.lead.email == "paolo@beta.it" and session.lead.company_name == "Beta SpA"
    assert session.lead.owner == rep


def test_the_details_form_refuses_an_empty_answer(client, rep):
    v = Visitor()
    v.start()
    client.force_login(rep)
    again = client.post(f"/chats/{v.id}/lead", {"typed": "1"})
    assert again.status_code == 422 and 'id="chat-lead-form"' in again.content.decode()
    assert ChatSession.objects.get(public_id=v.id).lead_id is None
