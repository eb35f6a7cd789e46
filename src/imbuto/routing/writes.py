"""The set-based statements of a routing run (routing.services decides what they carry):

- `load`: the leads routing may decide for, read and locked in one statement;
- (the owners themselves are written by leads.assignment.leads_assign_decided, the one writer of
  owner and team, in one UPDATE for the whole batch);
- `write_history`: the history rows in one insert (COPY on PostgreSQL), their JSON encoded once per batch
  by core.history.JsonTexts and the batch's timestamp adapted once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from imbuto.core import history
from imbuto.core.models import HistoryEntry
from imbuto.core.types import Actor
from imbuto.intake.pipeline.bulk import insert_rows
from imbuto.leads.models import Channel, Lead

from .models import Waiting

# What routing reads of a lead, in this order (services._facts unpacks it): lead columns by attname,
# "channel.slug" the channel's slug, "wait.id" its Waiting row (None when it is not waiting).
FACTS = (
    "id",
    "owner_id",
    "stage",
    "temperature",
    "score",
    "country",
    "region",
    "language",
    "size_band",
    "industry",
    "channel.slug",
    "campaign_id",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "team_id",
    "wait.id",
)
HISTORY_COLUMNS = (
    "object_type_id",
    "object_id",
    "action",
    "actor_id",
    "actor_label",
    "at",
    "changes",
    "reason",
    "reason_code",
    "reason_params",
    "data",
)
# (lead id, changes {field: [old, new]}, explanation code, its parameters)
Entry = tuple[int, dict[str, list[Any]], str, dict[str, Any]]


def _ids_in(column: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
    """`column` is one of `ids`, as one parameter whatever their number."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [list(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]  # noqa: S608


def load(ids: Sequence[int], again: bool, closed: Sequence[str]) -> list[tuple[Any, ...]]:
    """The open leads among `ids` (not merged, not in a `closed` stage; unowned ones only unless
    `again`) as FACTS tuples, by id, locked until the transaction ends."""
    qn = connection.ops.quote_name
    lead, channel, wait = (qn(m._meta.db_table) for m in (Lead, Channel, Waiting))
    column = {f.attname: f"l.{qn(f.column or f.attname)}" for f in Lead._meta.concrete_fields}
    column |= {"channel.slug": "c.slug", "wait.id": "w.id"}
    where, params = _ids_in(column["id"], ids)
    where += f" AND {column['merged_into_id']} IS NULL"
    where += f" AND {column['stage']} NOT IN ({', '.join(['%s'] * len(closed))})"
    params.extend(closed)
    if not again:
        where += f" AND {column['owner_id']} IS NULL"
    lock = " FOR UPDATE OF l" if connection.features.has_select_for_update_of else ""
    sql = (
        f"SELECT {', '.join(column[name] for name in FACTS)} FROM {lead} l"  # noqa: S608 (meta names)
        f" LEFT JOIN {channel} c ON c.id = {column['channel_id']}"
        f" LEFT JOIN {wait} w ON w.lead_id = {column['id']}"
        f" WHERE {where} ORDER BY {column['id']}{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def write_history(actor: Actor, now: dt.datetime, action: str, entries: Sequence[Entry]) -> None:
    """The leads' history entries, who and when being the batch's, in one insert."""
    if not entries:
        return
    ct = ContentType.objects.get_for_model(Lead).pk
    actor_id = actor.pk if actor is not None else None
    label = history.actor_label(actor)
    stamp: Any = now
    if connection.vendor != "postgresql":  # COPY adapts a datetime itself; SQLite's text is made once
        stamp = connection.ops.adapt_datetimefield_value(now)
    text = history.JsonTexts()
    rows = [
        (ct, lead_id, action, actor_id, label, stamp, text(changes), "", code, text(params), "{}")
        for lead_id, changes, code, params in entries
    ]
    insert_rows(HistoryEntry, HISTORY_COLUMNS, rows, prepared=("at", "changes", "reason_params", "data"))
