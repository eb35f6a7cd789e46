"""Staff pages for web forms: who may manage them, create/edit, submission counts, embed snippets."""

import json
import time

import pytest
from django.core.cache import cache

from imbuto.core.errors import PermissionDenied
from imbuto.core.history import history_of
from imbuto.intake.capture import services, spam
from imbuto.intake.models import WebForm
from tests.factories import channel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def form_post(**extra):
    data = {"name": "Fiera 2026", "channel": "trade-show", "field_names": ["first_name", "email", "message"],
            "required_names": ["email"], "allowed_origins": "https://Fiera.Example.com/\n*",
            "thank_you_url": "", "consent_text": "Acconsento <b>al trattamento</b>", "min_fill_seconds": 2,
            "rate_limit_per_ip": 5, "rate_limit_per_form": 100, "is_active": "on"}
    data.update(extra)
    return data


def test_marketer_creates_a_form_and_sees_the_snippets(client, marketer):
    client.force_login(marketer)
    assert client.get("/forms/new/").status_code == 200
    r = client.post("/forms/new/", form_post())
    assert r.status_code == 302
    form = WebForm.objects.get(name="Fiera 2026")
    assert form.channel.slug == "trade-show" and form.owner == marketer
    assert form.fields == [{"name": "first_name", "required": False}, {"name": "email", "required": True},
                           {"name": "message", "required": False}]
    assert form.allowed_origins == "https://fiera.example.com\n*"
    assert history_of(form).filter(action="created").exists()
    page = client.get(r["Location"]).content.decode()
    assert f'data-imbuto-form="{form.key}"' in page
    assert "http://testserver/f/embed.js" in page
    assert f'&lt;form action="http://testserver/f/{form.key}" method="post"&gt;' in page
    # the consent text is shown as text inside the copy-paste snippet, escaped for pasting
    assert "&amp;lt;b&amp;gt;al trattamento" in page


def test_editing_keeps_history_and_rejects_bad_origins(client, manager):
    form = WebForm.objects.create(name="Old", channel=channel("web-form"))
    client.force_login(manager)
    r = client.post(f"/forms/{form.pk}/", form_post(name="New", allowed_origins="not a url"))
    assert r.status_code == 422 and "Not an origin" in r.content.decode()
    r = client.post(f"/forms/{form.pk}/", form_post(name="New"))
    assert r.status_code == 302
    form.refresh_from_db()
    assert form.name == "New"
    entry = history_of(form).get(action="updated")
    assert entry.changes["name"] == ["Old", "New"]


def test_reps_and_anonymous_users_cannot_manage_forms(client, rep):
    assert client.get("/forms/").status_code == 302
    client.force_login(rep)
    assert client.get("/forms/").status_code == 403
    assert client.post("/forms/new/", form_post()).status_code == 403
    assert not WebForm.objects.exists()
    with pytest.raises(PermissionDenied):
        services.webform_save(actor=rep, data={"name": "x"})


def test_the_list_shows_submission_counts(client, admin):
    form = WebForm.objects.create(name="Contact", channel=channel("web-form"), allowed_origins="*")
    WebForm.objects.create(name="Empty", channel=channel("web-form"))
    for i in range(2):
        data = {"first_name": f"Person{i}", "last_name": f"Surname{i}", "email": f"p{i}@example.org",
                "consent": "1", spam.TOKEN_FIELD: spam.issue_token(form.key, now=time.time() - 10)}
        r = client.post(f"/f/{form.key}", json.dumps(data), content_type="application/json")
        assert r.status_code == 200, r.content
    client.force_login(admin)
    html = client.get("/forms/").content.decode()
    assert 'data-submissions="2"' in html and 'data-submissions="0"' in html
