"""The analytics rows of the permission matrix: every role opens the dashboard, the KPI API and the
targets (each sees the figures of what it may see); admins and managers set targets (a manager those
of their team: rita is North's). Statuses in ROLES order: admin, manager, rep, marketer, anonymous,
revoked."""

from .matrix import LOGIN, Row

TARGET = {"target_id": "rep_target"}


def new_target(world):
    return {"user_id": world["users"]["rep"].pk, "period_kind": "month", "period_start": "2026-02-01",
            "amount": "1000"}


def new_target_form(world):
    return {"who": f"rep:{world['users']['rep'].pk}", "period_kind": "month", "period_start": "2026-02-01",
            "amount": "1000"}


ROWS = [
    Row("GET", "analytics:dashboard", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "analytics:export", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "analytics:targets", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("POST", "analytics:targets", (302, 302, 403, 403, LOGIN, LOGIN), body=new_target_form, form=True),
    Row("GET", "/api/v1/analytics/kpis", (200, 200, 200, 200, 401, 401)),
    Row("GET", "/api/v1/analytics/kpis/export", (200, 200, 200, 200, 401, 401)),
    Row("GET", "/api/v1/analytics/targets", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/analytics/targets", (201, 201, 403, 403, 401, 401), body=new_target),
    Row("PATCH", "/api/v1/analytics/targets/{target_id}", (200, 200, 403, 403, 401, 401), TARGET,
        body={"count": 4}),
    Row("DELETE", "/api/v1/analytics/targets/{target_id}", (204, 204, 403, 403, 401, 401), TARGET),
]
