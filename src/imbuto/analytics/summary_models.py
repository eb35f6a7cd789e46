"""The summary tables the dashboard reads instead of the raw ones (docs/kpis.md, "Summary tables").

Derived data only, rebuilt from the raw tables at will (`imbuto analytics rebuild`, nightly) and kept
current between rebuilds by tasks (analytics.tasks): nothing here is a source of truth. Owner and
team are kept on every row so the readers' permission rules (core.permissions, by owner and team)
apply to summary rows as they apply to leads and deals; their foreign keys carry no database
constraint (a summary row never blocks deleting a user, a team or a stage)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models


def _loose(to: str, to_field: str | None = None, db_column: str | None = None) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        to_field=to_field, db_column=db_column,
    )


class SummaryState(models.Model):
    """The one bookkeeping row: when the tables were rebuilt and refreshed, in which time zone their
    days are. Every writer locks it, so writers never interleave."""

    built_at = models.DateTimeField(null=True, blank=True)  # last full rebuild finished
    build_seconds = models.FloatField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)  # last write of any kind
    swept_to = models.DateTimeField(null=True, blank=True)  # every change before this is included

    def __str__(self) -> str:
        return f"summaries built {self.built_at}, refreshed {self.refreshed_at}"


class LeadDay(models.Model):
    """The lead-side counts of one day (grain "d") or one calendar month (grain "m", the sum of its
    days) for one slice value of one dimension, and one owner and team (or everyone): leads created
    (by stage, channel, campaign, response time), stage moves, exits and response clocks. `data`
    holds the counts as small JSON objects (see analytics.summary_leads for the keys)."""

    grain = models.CharField(max_length=1)  # d | m
    day = models.DateField()  # the day, or the first day of the month
    dim = models.CharField(max_length=8)  # all | channel | campaign | country
    key = models.CharField(max_length=64, null=True, blank=True)  # the slice value as text
    owner = _loose(settings.AUTH_USER_MODEL)
    team = _loose("users.Team")
    # True: summed over every owner and team (owner and team null), what readers who see every lead
    # read; False: one owner and team, what the others read through their permission rule
    everyone = models.BooleanField(default=False)
    data = models.JSONField(default=dict)
    # the response minutes of the leads created and contacted, sorted (summary_leads.pack): exact
    # medians and percentiles of any period from its rows
    response_minutes = models.BinaryField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["dim", "everyone", "grain", "day"], name="leadday_read")]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.dim}={self.key}"


class DealFact(models.Model):
    """One deal with its slice keys resolved (its lead's channel and campaign, its account's country)
    and its cycle times; `per_product` rows repeat it once per product on its lines (`lines`: how many
    lines of that product), for the product slice."""

    deal_id = models.BigIntegerField()
    per_product = models.BooleanField(default=False)
    product_id = models.BigIntegerField(null=True, blank=True)
    lines = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=8)
    closed_day = models.DateField(null=True, blank=True)
    owner = _loose(settings.AUTH_USER_MODEL)
    team = _loose("users.Team")
    channel_id = models.BigIntegerField(null=True, blank=True)
    campaign_id = models.BigIntegerField(null=True, blank=True)
    country = models.CharField(max_length=64, null=True, blank=True)
    account_id = models.BigIntegerField(null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    amount_cents = models.BigIntegerField(default=0)  # the amount (0 without one), summed exactly
    probability = models.PositiveSmallIntegerField(null=True, blank=True)  # the deal's own
    stage = _loose("deals.PipelineStage")  # for the stage's probability, read live
    expected_month = models.DateField(null=True, blank=True)
    # the deal's lead, joined to its current prediction (the column is the lead id)
    prediction = _loose("prediction.LeadPrediction", to_field="lead", db_column="lead_id")
    from_lead = models.FloatField(null=True, blank=True)  # days from the lead's creation to close
    from_deal = models.FloatField(null=True, blank=True)  # days from the deal's creation to close

    class Meta:
        indexes = [
            models.Index(fields=["per_product", "closed_day"], name="dealfact_closed"),
            models.Index(fields=["per_product", "status"], name="dealfact_status"),
            models.Index(fields=["deal_id"], name="dealfact_deal"),
        ]

    def __str__(self) -> str:
        return f"deal {self.deal_id} ({self.status})"


def insert_rows(model: type[models.Model], fields: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> int:
    """Append plain rows (values in the order of `fields`) to a summary table: COPY on PostgreSQL,
    one executemany elsewhere. Several times faster than bulk_create for the million rows of a
    rebuild (no model instances); the values are the database's own (JSON as text, days as dates)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(_column(model, f)) for f in fields)
    written = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(json.dumps(v) if isinstance(v, dict) else v for v in row))
                    written += 1
            return written
        marks = ", ".join(["%s"] * len(fields))
        plain = [tuple(_sqlite(v) for v in row) for row in rows]
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", plain)  # noqa: S608
        return len(plain)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return str(field.column)


def _sqlite(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, dt.date | Decimal):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value
