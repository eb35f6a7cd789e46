"""The demo of an Italian instance is Italian: campaigns, industries, job titles, teams and notes."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from imbuto.core.models import HistoryEntry
from imbuto.leads import demo_italian
from imbuto.leads.demo import CAMPAIGNS, build_plan
from imbuto.leads.models import Campaign, Lead
from imbuto.users.models import Team

ENGLISH = set(demo_italian.TEXT) - set(demo_italian.TEXT.values())


def test_the_italian_plan_has_the_same_people_in_italian_words():
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    english, italian = build_plan(60, 3, now), build_plan(60, 3, now, language="it")
    assert [lp.values["email"] for lp in english.leads] == [lp.values["email"] for lp in italian.leads]
    assert {c["name"] for c in italian.campaigns} == {demo_italian.TEXT[c[0]] for c in CAMPAIGNS}
    words = {lp.values.get(k) for lp in italian.leads for k in ("industry", "job_title", "disposition_note")}
    words |= {s.reason for lp in italian.leads for s in lp.steps}
    assert not words & ENGLISH


@pytest.mark.django_db
def test_imbuto_demo_in_italian_loads_italian_teams_campaigns_and_notes(settings):
    settings.LANGUAGE_CODE = "it"  # IMBUTO_LANGUAGE=it
    call_command("demo", "--leads", "60", "--seed", "4", stdout=StringIO())
    assert set(Team.objects.values_list("name", flat=True)) == {"Nord", "Sud"}
    assert "Fiera: SPS Italia, Parma" in set(Campaign.objects.values_list("name", flat=True))
    texts = set(Lead.objects.values_list("industry", flat=True)) | set(
        HistoryEntry.objects.values_list("reason", flat=True))
    assert not texts & ENGLISH
