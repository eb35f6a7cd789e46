"""Every page of the UI, in Italian, as an admin and as a rep: no msgid without an Italian translation,
and no English or raw code in what people see (tests/i18n/pseudo.py says how each is caught).

The pages are every URL name of the URLconf, called with the objects of the permission matrix's world
(tests/permissions/world.py) plus a lead with a history of every kind (intake, stage changes with
reason codes, parking, a merge, a dismissed duplicate), and the POST routes' answers too (the page
after the redirect, with its message)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client

from imbuto.leads.models import Channel
from tests.permissions import (
    rows_activities,
    rows_notifications,
    rows_nurture,
    rows_routing,
    rows_scoring,
    rows_ui,
    world,
)
from tests.permissions.matrix import Row

from .pseudo import ascii_words, recording_misses, visible_texts

pytestmark = pytest.mark.django_db

# Words that are the same in every language: the product's name, the languages' own names and codes
# in the switcher (EN, IT), file formats and character encodings (UTF-8, Windows-1252).
ALWAYS = {"imbuto", "english", "italiano", "en", "it", "csv", "xlsx", "utf", "windows", "latin", "bom"}
# Columns that hold codes, keys or machine values: their words must never reach the page as such.
CODE_FIELDS = {"slug", "key", "code", "action", "outcome", "kind", "status", "sender", "encoding",
               "delimiter", "bot_step", "language", "reference", "file_sha256", "file_path", "password",
               "stage", "temperature", "purchase_timeframe", "size_band", "consent_basis",
               "consent_channel", "disposition_reason", "company_key", "name_key", "domain", "group",
               "description", "level", "field", "role", "actor_label", "token_hash", "hint", "prefix",
               "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "ip_hash",
               "object_type", "rule", "reason", "message", "error", "currency", "country"}


def data_words() -> set[str]:
    """Every word of what people typed (names, emails, notes...): the page may show these as is; and
    country names in Italian, which come from phonenumbers' data rather than our catalogue."""
    from django.utils import translation

    from imbuto.leads.models import Account, Lead
    from imbuto.leads.presenters import country_name

    words = set(ALWAYS)
    with translation.override("it"):
        for model in (Lead, Account):
            for code in model.objects.exclude(country="").values_list("country", flat=True).distinct():
                words |= {w.casefold() for w in ascii_words(country_name(code))}
    for model in apps.get_models():
        if model is Channel:
            words |= {w.casefold() for c in Channel.objects.all() for w in ascii_words(c.name_it or c.name)}
            continue
        names = [f.name for f in model._meta.concrete_fields
                 if isinstance(f, models.CharField | models.TextField) and not f.choices
                 and f.name not in CODE_FIELDS]
        if not names or model._meta.app_label not in ("leads", "intake", "users", "notifications",
                                                                 "routing", "customers",
                                                                 "activities", "nurture"):
            continue
        for values in model._default_manager.values_list(*names):
            for value in values:
                words |= {w.casefold() for w in ascii_words(str(value or ""))}
    return words


def build(media_root: str) -> dict[str, Any]:
    """The matrix's world, plus: a lead whose timeline holds an entry of every kind (written in English,
    so what was stored must be rendered again), a merge with values that differed, a scored possible
    duplicate, and an import run in English with rejected and repaired rows."""
    from django.utils import translation

    from imbuto.intake import services as intake
    from imbuto.intake.importing import runner
    from imbuto.intake.models import DuplicateCandidate
    from imbuto.leads import services as leads
    from tests.factories import LeadFactory

    w = world.build(media_root)
    admin, rep = w["users"]["admin"], w["users"]["rep"]
    with translation.override("en"):
        lead, _outcome, _dup = intake.lead_capture(actor=rep, data={
            "first_name": "Ornella", "last_name": "Vanoni", "email": "ornella@example.it",
            "phone": "12", "language": "it", "consent_channel": "email", "company_name": "Vanoni Srl"})
        leads.lead_transition(actor=rep, lead=lead, to="lead", reason="")
        leads.lead_transition(actor=rep, lead=lead, to="parked", reason="no_budget",
                              parked_until=dt.date.today() + dt.timedelta(days=30))
        other = LeadFactory(owner=rep, first_name="Ornella", last_name="Vanonidue", email="o@example.it",
                            company_name="Vanoni Spa", language="en")
        w["merge"] = intake.lead_merge(actor=admin, survivor=lead, merged=other)
        third = LeadFactory(owner=rep, first_name="Orsola", last_name="Vanonitre")
        dismissed = DuplicateCandidate.objects.create(lead=lead, candidate=third, score=0.6,
                                                      reasons={"last_name": 1.3, "first_name": -1.8})
        intake.duplicate_dismiss(actor=rep, candidate=dismissed)
        w["pair"].reasons = {"last_name": 1.4, "company": 2.0, "swapped_names": 0.0, "email": -2.5}
        w["pair"].save()
        path = Path(media_root) / "imports" / "rows.csv"
        path.write_text("first_name;last_name;email;phone\nAda;Neri;ada@example.it;+39 02 1234567\n"
                        "Bice;Rossi;not-an-email;12\nCarla;Bianchi;c@example.it;1;2;3;4\n;;;\n")
        job = runner.job_create(actor=admin, path=path, campaign=None, channel=w["job"].channel)
        runner.job_run(job, actor=admin)
        w["job"] = job
    w["rep_lead"] = lead
    return w


def _routes() -> list[tuple[str, Row]]:
    # The API's own pages (OpenAPI, Swagger UI) are for developers and in English.
    rows = [r for r in rows_ui.ROWS + rows_notifications.ROWS + rows_scoring.ROWS + rows_routing.ROWS
            + rows_activities.ROWS + rows_nurture.ROWS
            if not r.is_api and not r.route.startswith("api:")]
    return [(f"{role}:{row}", row) for row in rows for role in ("admin", "rep")]


def _words_left(html: str, allowed: set[str]) -> list[str]:
    found = []
    for text in visible_texts(html):
        found += [w for w in ascii_words(text) if w.casefold() not in allowed]
    return found


@pytest.mark.parametrize(("name", "row"), _routes(), ids=[n for n, _ in _routes()])
def test_the_page_is_all_italian(name, row, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.IMBUTO_CHAT_ALLOWED_ORIGINS = ["*"]
    role = name.split(":", 1)[0]
    w = build(str(tmp_path))
    client = Client(headers={"Accept-Language": "it"})
    client.force_login(w["users"][role])
    url, body = row.url(w), row.payload(w)
    with transaction.atomic(), recording_misses() as misses:
        if row.method == "GET":
            responses = [client.get(url), client.get(url, headers={"HX-Request": "true"})]
        else:
            responses = [client.post(url, body or {}, follow=True)]
        # What the requests wrote (a chat message, a token's name) is data too.
        typed = [*map(str, (body or {}).values()), *(p.read_text() for p in (tmp_path / "imports").iterdir())]
        allowed = data_words() | {w.casefold() for v in typed for w in ascii_words(v)}
        transaction.set_rollback(True)
    pages = [r.content.decode() for r in responses
             if r.get("Content-Type", "").startswith("text/html")]
    words = sorted({w for page in pages for w in _words_left(page, allowed)})
    assert not misses and not words, f"untranslated msgids: {sorted(misses)}; English or codes: {words}"
