"""GET /api/v1/analytics/kpis (JSON, CSV, XLSX), the targets API kept as history, `imbuto report`,
the dashboard and targets pages; bad input answers 4xx."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from imbuto.analytics.models import Target

pytestmark = pytest.mark.django_db


def test_kpis_api_in_json_csv_and_xlsx(world, api_as, admin):
    api = api_as(admin)
    body = api.get("/api/v1/analytics/kpis", **{"from": "2026-01-01", "to": "2026-03-31"}).json()
    assert body["by"] == "all" and body["from"] == "2026-01-01" and body["computed_at"]
    assert body["slices"][0]["won_amount"] == 6000 and body["slices"][0]["win_rate"] == 0.75
    reps = api.get("/api/v1/analytics/kpis", period="2026-Q1", by="rep").json()["slices"]
    assert {s["slice_label"] for s in reps} >= {"rita", "remo"}
    empty = api.get("/api/v1/analytics/kpis", period="2031-Q1").json()["slices"][0]
    assert empty["win_rate"] is None and empty["leads_in"] == 0
    csv = api.get("/api/v1/analytics/kpis/export", period="2026-Q1", by="team", format="csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("slice_by,slice_key,slice_label") and "n/a" in text
    xlsx = api.get("/api/v1/analytics/kpis/export", period="2026-Q1", format="xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet["A1"].value == "slice_by" and sheet["A2"].value == "all"
    for bad in (
        {"by": "planet"},
        {"period": "2026-Q5"},
        {"from": "2026-03-01", "to": "2026-01-01"},
        {"from": "yesterday"},
    ):
        assert api.get("/api/v1/analytics/kpis", **bad).status_code in (400, 422), bad


def test_targets_api_keeps_history_and_scopes_managers(world, api_as, admin, manager, rep, south):
    api = api_as(manager)
    made = api.post(
        "/api/v1/analytics/targets",
        {"user_id": rep.pk, "period_kind": "month", "period_start": "2026-04-01", "amount": "5000"},
    )
    assert made.status_code == 201, made.content
    tid = made.json()["id"]
    changed = api.patch(f"/api/v1/analytics/targets/{tid}", {"amount": "6000", "count": 2})
    assert changed.status_code == 200 and changed.json()["count"] == 2
    assert (
        api.client.delete(
            f"/api/v1/analytics/targets/{changed.json()['id']}", headers=api._headers()
        ).status_code
        == 204
    )
    rows = api.get("/api/v1/analytics/targets", history="true", **{"from": "2026-04-01"}).json()
    assert [r["amount"] for r in rows] == ["5000.00", "6000.00"] and all(r["replaced_at"] for r in rows)
    # a manager cannot set another team's; a rep cannot set any; bad periods are refused
    assert (
        api.post(
            "/api/v1/analytics/targets",
            {"team_id": south.pk, "period_kind": "month", "period_start": "2026-04-01", "amount": "1"},
        ).status_code
        == 403
    )
    assert (
        api_as(rep)
        .post(
            "/api/v1/analytics/targets",
            {"user_id": rep.pk, "period_kind": "month", "period_start": "2026-04-01", "count": 1},
        )
        .status_code
        == 403
    )
    assert (
        api.post(
            "/api/v1/analytics/targets",
            {"user_id": rep.pk, "period_kind": "quarter", "period_start": "2026-02-01", "count": 1},
        ).status_code
        == 422
    )
    assert (
        api.post(
            "/api/v1/analytics/targets",
            {"user_id": rep.pk, "period_kind": "month", "period_start": "2026-04-01"},
        ).status_code
        == 422
    )
    assert Target.objects.filter(replaced_at__isnull=True, period_start="2026-04-01").count() == 0


def test_report_command_prints_table_csv_and_json(world, capsys):
    call_command("report", "--period", "2026-Q1", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert report["slices"][0]["won_amount"] == 6000
    call_command("report", "--from", "2026-01-01", "--to", "2026-03-31", "--by", "rep", "--format", "csv")
    assert capsys.readouterr().out.startswith("slice_by,slice_key,slice_label")
    call_command("report", "--period", "2031-Q1")
    out = capsys.readouterr().out
    assert "Imbuto KPIs" in out and "n/a" in out


def test_dashboard_and_targets_pages(world, manager, rep):
    client = Client()
    client.force_login(manager)
    page = client.get(reverse("analytics:dashboard"), {"from": "2026-01-01", "to": "2026-03-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="dash-data"' in html and "/deals/?" in html and "created_after=2026-01-01" in html
    assert client.get(reverse("analytics:dashboard"), {"from": "nonsense"}).status_code == 200
    saved = client.post(
        reverse("analytics:targets"),
        {"who": f"rep:{rep.pk}", "period_kind": "month", "period_start": "2026-05-01", "amount": "1200,50"},
    )
    assert saved.status_code == 302
    assert Target.objects.get(user=rep, period_start="2026-05-01").amount == 1200.5
    csv = client.get(reverse("analytics:export"), {"period": "2026-Q1", "by": "rep"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
