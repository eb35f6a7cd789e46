"""Every route, every role, against the expected table (tests/permissions/matrix.py).

Each row builds the world once and calls the route as each role inside a savepoint that is rolled
back, so a write by one role never changes what the next one meets."""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from . import (
    rows_activities,
    rows_analytics,
    rows_api,
    rows_customers,
    rows_deals,
    rows_notifications,
    rows_nurture,
    rows_prediction,
    rows_routing,
    rows_scoring,
    rows_sla,
    rows_ui,
    rows_users,
    world,
)
from .matrix import ROLES, Row, call

TABLES: list[list[Row]] = [  # a new app adds its rows module here
    rows_api.ROWS, rows_ui.ROWS, rows_notifications.ROWS, rows_users.ROWS, rows_scoring.ROWS,
    rows_prediction.ROWS, rows_routing.ROWS, rows_sla.ROWS, rows_customers.ROWS,
    rows_activities.ROWS, rows_nurture.ROWS, rows_analytics.ROWS,
    rows_deals.ROWS,
]
ALL = [row for table in TABLES for row in table]


def observe(row: Row, media_root: str) -> tuple[int, ...]:
    w = world.build(media_root)
    seen = []
    for role in ROLES:
        with transaction.atomic():
            seen.append(call(row, w, role))
            transaction.set_rollback(True)
    return tuple(seen)


@pytest.mark.django_db
@pytest.mark.parametrize("row", ALL, ids=str)
def test_route_answers_each_role_as_the_table_says(row, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.IMBUTO_CHAT_ALLOWED_ORIGINS = ["*"]
    got = observe(row, str(tmp_path))
    if os.environ.get("IMBUTO_MATRIX_PRINT"):  # to review a new row: print what each role gets
        print("MATRIX", row, got)
    table = dict(zip(ROLES, row.expect, strict=True))
    assert dict(zip(ROLES, got, strict=True)) == table


def _url_names(patterns=None, ns: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            names |= _url_names(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern):
            names.add(ns + (p.name or f"<unnamed {p.pattern}>"))
    return names


def _api_operations() -> set[tuple[str, str]]:
    from imbuto.api import api

    paths = api.get_openapi_schema()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def missing_rows() -> set[str]:
    """URL names and API operations (method, OpenAPI path) that no row of the tables covers."""
    covered_ui = {row.route for row in ALL if not row.is_api}
    covered_api = {(row.method, row.route) for row in ALL if row.is_api}
    # Named API operations are covered through their OpenAPI path and method.
    missing = {n for n in _url_names() if not n.startswith("api:")} - covered_ui
    missing |= {f"{method} {path}" for method, path in _api_operations() - covered_api}
    return missing


def test_every_route_has_a_row():
    """A new view or API operation must say who may call it: add its row to the table."""
    assert missing_rows() == set()


def test_a_new_view_without_a_row_is_noticed(settings):
    settings.ROOT_URLCONF = "tests.permissions.urls_extra"
    assert missing_rows() == {"new_report"}
