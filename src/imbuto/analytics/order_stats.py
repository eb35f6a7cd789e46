"""Exact percentiles per slice in the database: only the two values around each percentile's rank
leave it, whatever the number of rows (SQL window functions, on PostgreSQL and SQLite alike). The
ranks and the interpolation are formulas.ranks and formulas.interpolate, so the figures equal
formulas.percentile over the same values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet, Value

from . import formulas as m
from .slicing import ALL


def percentiles(
    qs: QuerySet[Any],
    key: str | None,
    value: str,
    ps: Sequence[int],
    convert: Callable[[Any], float] = float,
) -> dict[Any, dict[int, float]]:
    """{slice key (ALL without `key`): {p: the p-th percentile of `value`}} over the rows of `qs`
    whose `value` is not null; slices without such rows are absent."""
    base = qs.filter(**{f"{value}__isnull": False}).values(k=F(key) if key else Value(ALL), v=F(value))
    try:
        inner, params = base.order_by().query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match (an empty list of ids)
        return {}
    wanted = " OR ".join(
        f"rn - 1 = ((n - 1) * {int(p)}) / 100 OR rn - 1 = ((n - 1) * {int(p)} + 99) / 100" for p in ps
    )
    # only whole numbers and the queryset's own compiled SQL (its values stay parameters) go in
    sql = (
        "SELECT k, n, rn, v FROM (SELECT t.k AS k, t.v AS v, "  # noqa: S608
        "ROW_NUMBER() OVER (PARTITION BY t.k ORDER BY t.v) AS rn, "
        f"COUNT(*) OVER (PARTITION BY t.k) AS n FROM ({inner}) t) s WHERE {wanted}"
    )
    picked: dict[Any, dict[int, Any]] = defaultdict(dict)
    sizes: dict[Any, int] = {}
    with connections[qs.db].cursor() as cur:
        cur.execute(sql, params)
        for k, n, rn, v in cur.fetchall():
            picked[k][rn - 1] = v
            sizes[k] = n
    out: dict[Any, dict[int, float]] = {}
    for k, values in picked.items():
        out[k] = {}
        for p in ps:
            low, high, weight = m.ranks(sizes[k], p)
            out[k][p] = m.interpolate(convert(values[low]), convert(values[high]), weight)
    return out


def fetch(qs: QuerySet[Any], *fields: str) -> list[tuple[Any, ...]]:
    """The rows of `qs` as plain tuples of `fields`, straight from the database driver (no model field
    conversion: for numbers and keys, many rows)."""
    try:
        sql, params = qs.values_list(*fields).order_by().query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match (an empty list of ids)
        return []
    with connections[qs.db].cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())
