"""A site that may not show the form or the chat is told so (issue 10, item 14): the page's script
reads a 403 `origin_not_allowed` that names the site and stops; a refused frame shows a message
instead of a grey box; admins list the chat's sites in the UI."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from imbuto.core.history import history_of
from imbuto.intake.models import ChatSettings, WebForm
from imbuto.leads.models import Channel

pytestmark = pytest.mark.django_db
SHOP = "https://shop.example.com"
EVIL = "https://elsewhere.example"


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.IMBUTO_CHAT_ALLOWED_ORIGINS = []
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def webform(db):
    return WebForm.objects.create(name="Contact us", channel=Channel.objects.get(slug="web-form"),
                                  allowed_origins=SHOP, fields=[{"name": "email", "required": True}])


def start_chat(origin=None):
    headers = {"Origin": origin} if origin else {}
    return Client().post("/chat/sessions", json.dumps({"language": "it"}), content_type="application/json",
                         headers=headers)


def test_the_chat_refuses_a_site_not_listed_and_says_which_and_where_to_allow_it():
    r = start_chat(EVIL)
    assert r.status_code == 403 and r["Access-Control-Allow-Origin"] == EVIL
    error = r.json()["error"]
    assert error["code"] == "origin_not_allowed" and EVIL in error["message"]
    # a page of any site passes the preflight, so that its script can read the refusal
    pre = Client().options("/chat/sessions",
                           headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204 and pre["Access-Control-Allow-Origin"] == EVIL
    # a poll of an existing conversation from that site is refused as well
    session = start_chat().json()["session"]
    poll = Client().get(f"/chat/sessions/{session}/messages", headers={"Origin": EVIL})
    assert poll.status_code == 403 and poll.json()["error"]["code"] == "origin_not_allowed"


def test_no_origin_and_imbuto_s_own_pages_are_not_refused():
    assert start_chat().status_code == 201  # a server or curl: no page to protect
    assert start_chat("http://testserver").status_code == 201


def test_a_site_an_admin_lists_may_show_the_chat_at_once(client, admin, settings):
    settings.IMBUTO_CHAT_ALLOWED_ORIGINS = ["https://from-env.example"]
    client.force_login(admin)
    page = client.get("/chats/sites/")
    assert page.status_code == 200 and "https://from-env.example" in page.content.decode()
    bad = client.post("/chats/sites/", {"allowed_origins": "www.example.com\nftp://x"})
    assert bad.status_code == 422 and "www.example.com" in bad.content.decode()
    assert not ChatSettings.objects.exists()
    r = client.post("/chats/sites/", {"allowed_origins": f"{EVIL}/some/page\n{EVIL}\n"}, follow=True)
    assert r.status_code == 200
    assert ChatSettings.objects.get().allowed_origins == EVIL  # normalised, once
    assert start_chat(EVIL).status_code == 201
    assert start_chat("https://from-env.example").status_code == 201
    entry = history_of(ChatSettings.objects.get())[0]
    assert entry.actor == admin and entry.changes["allowed_origins"] == ["", EVIL]


@pytest.mark.parametrize("who", ["manager", "rep", "marketer"])
def test_only_admins_choose_the_chat_s_sites(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get("/chats/sites/").status_code == 403
    assert client.post("/chats/sites/", {"allowed_origins": EVIL}).status_code == 403
    assert not ChatSettings.objects.exists()
    assert "/chats/sites/" not in client.get("/chats/").content.decode()


def test_the_sites_button_shows_for_admins(client, admin):
    client.force_login(admin)
    assert 'href="/chats/sites/"' in client.get("/chats/").content.decode()


def test_the_form_s_embed_script_is_told_the_site_is_not_allowed(client, webform):
    r = client.get(f"/f/{webform.key}", headers={"Origin": EVIL, "Accept": "application/json"})
    assert r.status_code == 403 and r["Access-Control-Allow-Origin"] == EVIL
    assert r.json()["error"]["code"] == "origin_not_allowed" and EVIL in r.json()["error"]["message"]
    ok = client.get(f"/f/{webform.key}", headers={"Origin": SHOP, "Accept": "application/json"})
    assert ok.status_code == 200 and ok["Access-Control-Allow-Origin"] == SHOP


def test_a_refused_frame_shows_a_message_instead_of_a_grey_box(client, webform):
    framed = {"Sec-Fetch-Dest": "iframe", "Referer": f"{EVIL}/landing", "Accept-Language": "it"}
    r = client.get(f"/f/{webform.key}", headers=framed)
    assert r.status_code == 403
    html = r.content.decode()
    assert EVIL in html and "<form" not in html and "amministratore" in html.lower()
    assert "frame-ancestors *" in r["Content-Security-Policy"]
    allowed = client.get(f"/f/{webform.key}", headers={**framed, "Referer": f"{SHOP}/contact"})
    assert allowed.status_code == 200 and "<form" in allowed.content.decode()
    assert "frame-ancestors *" not in allowed["Content-Security-Policy"]
    # opened directly (no frame), the form is the form
    assert client.get(f"/f/{webform.key}", headers={"Referer": f"{EVIL}/x"}).status_code == 200
