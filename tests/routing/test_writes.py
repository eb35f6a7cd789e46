"""The set-based statements of a routing run (routing.writes): what they read, lock and write, and that a
batch leaves exactly what routing the same leads one at a time leaves (owners, teams, history)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from imbuto.core.history import history_of
from imbuto.core.models import HistoryEntry
from imbuto.leads.assignment import leads_assign_decided
from imbuto.leads.models import Channel, Lead
from imbuto.routing import services, writes
from imbuto.routing.models import Waiting
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db
CLOSED = ("customer", "discarded")


def test_load_reads_the_open_unowned_leads_with_their_channel_and_waiting_row(routing_world, rep):
    web = Channel.objects.first()
    plain = LeadFactory(stage="sql", country="it", region="Lombardia", channel=web, utm_term="crm")
    waiting = LeadFactory(stage="sql")
    Waiting.objects.create(lead=waiting, code="routing.waiting")
    owned = LeadFactory(stage="sql", owner=rep)
    closed = LeadFactory(stage="discarded")
    merged = LeadFactory(stage="sql", merged_into=plain)
    ids = [plain.pk, waiting.pk, owned.pk, closed.pk, merged.pk, 10**9]

    rows = writes.load(ids, again=False, closed=CLOSED)

    assert [row[0] for row in rows] == [plain.pk, waiting.pk]
    facts = dict(zip(writes.FACTS, rows[0], strict=True))
    assert facts["channel.slug"] == web.slug and facts["wait.id"] is None
    assert (facts["country"], facts["region"], facts["utm_term"], facts["owner_id"]) == (
        "it", "Lombardia", "crm", None
    )
    assert rows[1][-1] == Waiting.objects.get(lead=waiting).pk
    again = writes.load(ids, again=True, closed=CLOSED)
    assert [row[0] for row in again] == [plain.pk, waiting.pk, owned.pk]


def test_load_takes_any_number_of_ids_in_one_statement(routing_world):
    now = timezone.now()
    Lead.objects.bulk_create(
        [Lead(last_name=f"L{i}", stage="sql", created_at=now) for i in range(1200)], batch_size=600
    )
    ids = list(Lead.objects.values_list("pk", flat=True))
    assert len(writes.load([*ids, *range(10**9, 10**9 + 30_000)], again=False, closed=CLOSED)) == 1200


def test_the_decided_owners_are_written_each_to_its_own_lead_and_nothing_else(rep, other_rep, north):
    leads = [LeadFactory(stage="sql") for _ in range(3)]
    untouched = LeadFactory(stage="sql")
    now = timezone.now() + dt.timedelta(minutes=5)

    leads_assign_decided(
        actor=None, now=now,
        decided=[(leads[0].pk, rep.pk, north.pk), (leads[1].pk, other_rep.pk, None),
                 (leads[2].pk, rep.pk, None)],
    )

    got = dict(Lead.objects.values_list("pk", "owner_id"))
    assert got[leads[0].pk] == rep.pk and got[leads[1].pk] == other_rep.pk and got[leads[2].pk] == rep.pk
    assert got[untouched.pk] is None
    teams = dict(Lead.objects.values_list("pk", "team_id"))
    assert (teams[leads[0].pk], teams[leads[1].pk]) == (north.pk, None)
    assert Lead.objects.get(pk=leads[0].pk).updated_at == now
    assert Lead.objects.get(pk=untouched.pk).updated_at < now


def test_a_batch_leaves_what_routing_the_leads_one_at_a_time_leaves(routing_world, giulia, rep, other_rep):
    """Same temperature and no score: the batch decides in id order, as one-at-a-time calls do, so the
    owners, teams and history entries (changes, code, parameters) must be the same."""

    def run(batch: bool) -> list[tuple]:
        leads = [LeadFactory(stage="sql", country="IT" if i % 3 else "FR") for i in range(12)]
        ids = [lead.pk for lead in leads]
        if batch:
            services.leads_route(actor=None, lead_ids=ids)
        else:
            for pk in ids:
                services.leads_route(actor=None, lead_ids=[pk])
        out = []
        for lead in Lead.objects.filter(pk__in=ids).order_by("pk"):
            [entry] = history_of(lead).filter(action="assigned")
            out.append((lead.owner_id, lead.team_id, entry.changes, entry.reason_code, entry.reason_params,
                        entry.actor_label, entry.data, entry.reason))
        Lead.objects.filter(pk__in=ids).update(stage="discarded")  # the second run starts from no load
        return out

    one_by_one, batched = run(batch=False), run(batch=True)
    assert batched == one_by_one
    assert {row[0] for row in batched} == {giulia.pk, rep.pk, other_rep.pk}


def test_history_rows_hold_the_same_json_text_json_dumps_gives(routing_world):
    lead = LeadFactory(stage="sql", country="IT")
    report = services.leads_route(actor=None, lead_ids=[lead.pk])
    entry = HistoryEntry.objects.get(object_id=lead.pk, action="assigned")
    decision = report.decisions[lead.pk]
    assert entry.reason_params == decision.params and entry.data == {}
    if connection.vendor == "sqlite":  # PostgreSQL's jsonb keeps no text: the values above are the test
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT changes, reason_params, data FROM core_historyentry WHERE id = %s", [entry.pk]
            )
            changes, params, data = cursor.fetchone()
        assert params == json.dumps(decision.params, ensure_ascii=False)
        assert changes == json.dumps(entry.changes) and data == "{}"
