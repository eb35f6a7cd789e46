"""The public web form /f/<key>: rendering, submissions, spam defences, CORS, consent, attribution."""

import json
import re
import time

import pytest
from django.core.cache import cache
from django.test import Client

from imbuto.intake.capture import spam
from imbuto.intake.models import EngagementEvent, LeadSource, WebForm
from imbuto.leads.models import Lead
from tests.factories import CampaignFactory, channel

SHOP = "https://shop.example.com"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def webform(db):
    return WebForm.objects.create(
        name="Contact us", channel=channel("web-form"), allowed_origins=f"{SHOP}\nhttps://blog.example.com",
        fields=[{"name": "first_name"}, {"name": "last_name"}, {"name": "email", "required": True},
                {"name": "phone"}, {"name": "company_name"}, {"name": "message"}],
        thank_you_url=f"{SHOP}/thanks", consent_text="I agree to be contacted.", min_fill_seconds=3,
    )


def token(form, seconds_ago=10):
    return spam.issue_token(form.key, now=time.time() - seconds_ago)


def good(form, **extra):
    data = {"first_name": "Giulia", "last_name": "Bianchi", "email": "giulia@bianchi.it", "phone": "",
            "company_name": "Bianchi S.r.l.", "message": "Vorrei un preventivo", "consent": "1",
            spam.TOKEN_FIELD: token(form), "utm_source": "newsletter", "utm_campaign": "spring",
            "page_url": f"{SHOP}/prodotti?utm_medium=email"}
    data.update(extra)
    return data


def post_json(client, form, data, origin=SHOP, **headers):
    return client.post(f"/f/{form.key}", json.dumps(data), content_type="application/json",
                       headers={"Origin": origin, "Accept": "application/json", **headers})


def test_get_renders_a_standalone_form_with_consent_honeypot_and_token(client, webform):
    r = client.get(f"/f/{webform.key}")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="email"' in html and "required" in html
    assert "I agree to be contacted." in html
    assert f'name="{spam.HONEYPOT_FIELD}"' in html
    issued = re.search(rf'name="{spam.TOKEN_FIELD}" value="([^"]+)"', html).group(1)
    assert spam.check_token(issued, webform.key, 0) is None
    assert '<html lang="en">' in html
    assert "frame-ancestors 'self' https://shop.example.com" in r["Content-Security-Policy"]
    assert "X-Frame-Options" not in r


def test_the_form_speaks_the_browsers_language(client, webform):
    r = client.get(f"/f/{webform.key}", headers={"Accept-Language": "it-IT,it;q=0.9"})
    assert '<html lang="it">' in r.content.decode()
    assert '<html lang="en">' in client.get(f"/f/{webform.key}?lang=en").content.decode()


def test_unknown_or_inactive_form_is_404(client, webform):
    assert client.get("/f/nope").status_code == 404
    webform.is_active = False
    webform.save()
    assert client.get(f"/f/{webform.key}").status_code == 404
    assert post_json(client, webform, good(webform)).status_code == 404


def test_json_submission_creates_a_lead_with_source_consent_and_utm(client, webform):
    campaign = CampaignFactory(name="Spring fair")
    webform.campaign = campaign
    webform.save()
    r = post_json(client, webform, good(webform))
    assert r.status_code == 200 and r.json() == {"ok": True}
    assert r["Access-Control-Allow-Origin"] == SHOP
    lead = Lead.objects.get(email="giulia@bianchi.it")
    assert lead.consent_basis == "consent" and lead.consent_at is not None
    assert lead.consent_channel == "web-form"
    assert lead.channel.slug == "web-form" and lead.campaign == campaign
    assert (lead.utm_source, lead.utm_campaign, lead.utm_medium) == ("newsletter", "spring", "email")
    source = LeadSource.objects.get(lead=lead)
    assert (source.kind, source.reference, source.campaign_id) == ("form", webform.key, campaign.pk)
    event = EngagementEvent.objects.get(lead=lead, kind="form_submit")
    assert event.properties["page_url"].startswith(SHOP) and event.properties["message"]


def test_form_encoded_submission_redirects_to_the_thank_you_page(client, webform):
    r = client.post(f"/f/{webform.key}", good(webform))
    assert r.status_code == 302 and r["Location"] == f"{SHOP}/thanks"
    assert Lead.objects.filter(email="giulia@bianchi.it").exists()


def test_without_thank_you_url_a_thank_you_page_is_shown(client, webform):
    webform.thank_you_url = ""
    webform.save()
    r = client.post(f"/f/{webform.key}", good(webform))
    assert r.status_code == 200 and "Thank you" in r.content.decode()


def test_fetch_and_xhr_get_json(client, webform):
    r = client.post(f"/f/{webform.key}", good(webform), headers={"X-Requested-With": "XMLHttpRequest"})
    assert r.json() == {"ok": True}


def test_honeypot_looks_accepted_but_creates_nothing(client, webform):
    r = post_json(client, webform, good(webform, **{spam.HONEYPOT_FIELD: "http://spam.example"}))
    assert r.status_code == 200 and r.json() == {"ok": True}
    r = client.post(f"/f/{webform.key}", good(webform, **{spam.HONEYPOT_FIELD: "x"}))
    assert r.status_code == 302
    assert not Lead.objects.exists()


def test_too_fast_submission_is_refused_and_the_clock_keeps_running(client, webform):
    early = token(webform, seconds_ago=1)
    r = post_json(client, webform, good(webform, **{spam.TOKEN_FIELD: early}))
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_fast"
    assert r.json()["token"] == early
    assert not Lead.objects.exists()


def test_fixing_a_typo_does_not_restart_the_fill_time(client, webform):
    issued = token(webform)
    r = post_json(client, webform, good(webform, email="typo@", **{spam.TOKEN_FIELD: issued}))
    assert r.status_code == 422 and r.json()["token"] == issued
    assert post_json(client, webform, good(webform, **{spam.TOKEN_FIELD: issued})).status_code == 200


def test_a_plain_html_form_without_token_is_asked_to_confirm_once(client, webform):
    data = good(webform)
    data.pop(spam.TOKEN_FIELD)
    r = client.post(f"/f/{webform.key}", data)
    assert r.status_code == 422
    html = r.content.decode()
    assert 'value="giulia@bianchi.it"' in html and "Send again" in html
    assert not Lead.objects.exists()
    forged = spam.issue_token("another-form", now=time.time() - 60)
    assert post_json(client, webform, good(webform, **{spam.TOKEN_FIELD: forged})).status_code == 422
    assert post_json(client, webform, good(webform, **{spam.TOKEN_FIELD: "junk"})).status_code == 422


def test_validation_errors_rerender_or_422_json(client, webform):
    r = post_json(client, webform, good(webform, email="not-an-email", consent=""))
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert "email" in fields and "consent" in fields
    r = client.post(f"/f/{webform.key}", good(webform, email=""))
    assert r.status_code == 422 and "This field is required." in r.content.decode()
    assert not Lead.objects.exists()


def test_hostile_input_is_escaped_when_rerendered(client, webform):
    evil = '"><script>alert(1)</script>'
    r = client.post(f"/f/{webform.key}", good(webform, first_name=evil, email="bad"))
    html = r.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_per_ip_rate_limit_answers_429(client, webform):
    webform.rate_limit_per_ip = 2
    webform.save()
    codes = [post_json(client, webform, good(webform, email=f"p{i}@example.com")).status_code
             for i in range(3)]
    assert codes == [200, 200, 429]
    r = post_json(client, webform, good(webform, email="p9@example.com"))
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert r["Access-Control-Allow-Origin"] == SHOP
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert post_json(other, webform, good(webform, email="x@example.com")).status_code == 200
    assert LeadSource.objects.filter(kind="form", reference=webform.key).count() == 3


def test_per_form_rate_limit_counts_every_address(webform):
    webform.rate_limit_per_form = 2
    webform.save()
    codes = [post_json(Client(REMOTE_ADDR=f"10.0.1.{i}"), webform,
                       good(webform, email=f"f{i}@example.com")).status_code for i in range(3)]
    assert codes == [200, 200, 429]


def test_cors_only_for_allowed_origins(client, webform):
    r = client.options(f"/f/{webform.key}", headers={
        "Origin": "https://blog.example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204
    assert r["Access-Control-Allow-Origin"] == "https://blog.example.com"
    assert "POST" in r["Access-Control-Allow-Methods"]
    assert "Content-Type" in r["Access-Control-Allow-Headers"]
    evil = client.options(f"/f/{webform.key}", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in evil
    r = post_json(client, webform, good(webform), origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in r
    schema = client.get(f"/f/{webform.key}", headers={"Origin": SHOP, "Accept": "application/json"})
    assert schema["Access-Control-Allow-Origin"] == SHOP
    body = schema.json()
    assert body["token"] and body["honeypot_field"] == spam.HONEYPOT_FIELD
    assert [f["name"] for f in body["fields"]][:3] == ["first_name", "last_name", "email"]


def test_oversized_and_broken_bodies_are_4xx(client, webform):
    r = client.post(f"/f/{webform.key}", "{not json", content_type="application/json",
                    headers={"Accept": "application/json"})
    assert r.status_code == 400
    r = client.post(f"/f/{webform.key}", json.dumps(["a"]), content_type="application/json")
    assert r.status_code == 400
    big = json.dumps({"message": "x" * 70_000})
    assert client.post(f"/f/{webform.key}", big, content_type="application/json").status_code == 413
    r = post_json(client, webform, good(webform, message="x" * 5001))
    assert r.status_code == 422 and "message" in r.json()["error"]["fields"]


def test_a_second_submission_of_the_same_person_merges(client, webform):
    assert post_json(client, webform, good(webform)).status_code == 200
    assert post_json(client, webform, good(webform, phone="+39 02 1234 5678")).status_code == 200
    assert Lead.objects.filter(merged_into__isnull=True, email="giulia@bianchi.it").count() == 1
    assert LeadSource.objects.filter(kind="form", reference=webform.key).count() == 2


def test_the_lead_page_shows_the_visitors_message_with_the_forms_name(client, webform, admin):
    """Issue 10, item 3: the message was only in the engagement API; the key is no name for a person."""
    r = post_json(client, webform, good(webform, message="Vorrei un preventivo per 40 sedie"))
    assert r.status_code in (200, 201)
    lead = Lead.objects.get(email="giulia@bianchi.it")
    staff = Client()
    staff.force_login(admin)
    body = staff.get(f"/leads/{lead.pk}/").content.decode()
    assert "Vorrei un preventivo per 40 sedie" in body
    assert '<strong class="form-name">Contact us</strong>' in body
    sources = body.split('id="lead-sources"')[1].split("</section>")[0]
    assert "Contact us" in sources and webform.key not in sources
