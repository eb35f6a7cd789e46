"""Activities tests: a fixed Monday in Rome as the controlled clock, a deal made directly (the deals
app's services are another helper's), and the UI clients."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from imbuto.deals.models import Deal, Pipeline, PipelineStage

ROME = ZoneInfo("Europe/Rome")
MONDAY_10 = dt.datetime(2026, 3, 2, 10, tzinfo=ROME)


@pytest.fixture
def pipeline(db):
    pipeline = Pipeline.objects.create(name="Fixture pipeline")
    PipelineStage.objects.create(pipeline=pipeline, key="qualification", name="Qualification", position=0)
    PipelineStage.objects.create(
        pipeline=pipeline, key="proposal", name="Proposal", position=1,
        playbook=[{"title": "Send the proposal", "due_days": 2}, {"title": "Call back", "due_days": 5},
                  {"title": ""}, "junk"])
    return pipeline


@pytest.fixture
def make_deal(pipeline):
    def make(owner, stage="qualification", **extra):
        return Deal.objects.create(name=extra.pop("name", "Rinnovo"), pipeline=pipeline,
                                   stage=pipeline.stages.get(key=stage), owner=owner,
                                   team=owner.team if owner else None, **extra)
    return make
