"""Helpers of the scenarios that generate their data in SQL (PostgreSQL generate_series): one INSERT
... SELECT per table, every column of the model given an expression of the series number `g`.

Used by bench/scenarios/scoring_scale.py and analytics_dashboard.py (in their child processes, which
put bench/ on sys.path)."""

from __future__ import annotations

from typing import Any


def columns(model: Any, overrides: dict[str, str]) -> tuple[list[str], list[str]]:
    """Every concrete column with a SQL expression: the override, else an empty value of its type
    (the id only when overridden)."""
    from django.db import models

    names, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key and f.column not in overrides:
            continue
        names.append(f'"{f.column}"')
        if f.column in overrides:
            exprs.append(overrides[f.column])
        elif f.null:
            exprs.append("NULL")
        elif isinstance(f, models.BooleanField):
            exprs.append("false")
        elif isinstance(f, models.DateTimeField):
            exprs.append("now()")
        elif isinstance(f, models.JSONField):
            exprs.append("'{}'::jsonb")
        elif isinstance(f, models.IntegerField | models.FloatField | models.DecimalField):
            exprs.append("0")
        else:
            exprs.append("''")
    return names, exprs


def insert(model: Any, overrides: dict[str, str], source: str) -> None:
    """INSERT INTO the model's table SELECT its columns() FROM `source` (e.g. a generate_series)."""
    from django.db import connection

    names, exprs = columns(model, overrides)
    with connection.cursor() as cur:
        cur.execute(
            f'INSERT INTO "{model._meta.db_table}" ({", ".join(names)}) '  # noqa: S608
            f'SELECT {", ".join(exprs)} {source}'
        )


def array(values: list[Any]) -> str:
    """A SQL array literal of ints and strings."""
    return "ARRAY[" + ", ".join(
        str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'" for v in values
    ) + "]"


def pick(values: list[Any], seed: str) -> str:
    """A SQL expression choosing one of `values` from the expression `seed` (deterministic)."""
    return f"({array(values)})[1 + (({seed}) % {len(values)})]"
