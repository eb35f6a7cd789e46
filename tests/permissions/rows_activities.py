"""The activities rows of the permission matrix: `activity` is a meeting rita (rep, North) owns on
her `rep_lead`. Seeing follows the owner (a manager: the team) and the records it is on (a marketer
sees every lead, so its activities too); changing is for the owner, the team's manager and admins.
Statuses in ROLES order: admin, manager, rep, marketer, anonymous, revoked."""

from .matrix import LOGIN, Row

ACTIVITY = {"activity_id": "activity"}
PK = {"pk": "activity"}
WHEN = "2030-05-04T15:00"


def _log(w):
    return {"record_kind": "lead", "record_id": w["rep_lead"].pk, "kind": "note", "subject": "Nota"}


def _edit(w):
    return {"subject": "Demo", "when": WHEN, "owner": w["users"]["rep"].pk}


def _create(w):
    return {"kind": "note", "subject": "Nota", "lead": w["rep_lead"].pk}


ROWS = [
    Row("GET", "activities:my_day", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("POST", "activities:log", (302, 302, 302, 302, LOGIN, LOGIN), body=_log, form=True),
    Row("GET", "activities:edit", (200, 200, 200, 200, LOGIN, LOGIN), PK),
    Row("POST", "activities:edit", (302, 302, 302, 403, LOGIN, LOGIN), PK, body=_edit, form=True),
    Row("POST", "activities:done", (302, 302, 302, 403, LOGIN, LOGIN), PK, form=True),
    Row("POST", "activities:reopen", (302, 302, 302, 403, LOGIN, LOGIN), PK, form=True),
    Row("GET", "activities:ics", (200, 200, 200, 200, LOGIN, LOGIN), PK),
    Row("GET", "/api/v1/activities", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/activities", (201, 201, 201, 201, 401, 401), body=_create),
    Row("GET", "/api/v1/activities/{activity_id}", (200, 200, 200, 200, 401, 401), ACTIVITY),
    Row("PATCH", "/api/v1/activities/{activity_id}", (200, 200, 200, 403, 401, 401), ACTIVITY,
        body={"subject": "Demo"}),
    Row("POST", "/api/v1/activities/{activity_id}/done", (200, 200, 200, 403, 401, 401), ACTIVITY),
    Row("POST", "/api/v1/activities/{activity_id}/reopen", (200, 200, 200, 403, 401, 401), ACTIVITY),
    Row("GET", "/api/v1/activities/{activity_id}/history", (200, 200, 200, 200, 401, 401), ACTIVITY),
    Row("GET", "/api/v1/activities/{activity_id}/ics", (200, 200, 200, 200, 401, 401), ACTIVITY),
]
