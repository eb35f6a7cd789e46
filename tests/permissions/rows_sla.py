"""The response-time (sla) rows of the permission matrix: every signed-in role reads the policy,
admins change it; a lead's clock and first contact follow the lead (rita's `rep_lead`, North); the
per-rep report is for admins, managers and reps. Statuses in ROLES order: admin, manager, rep,
marketer, anonymous, revoked."""

from .matrix import LOGIN, Row

POLICY = {"hot_target": 1, "hot_unit": "hours", "warm_target": 1, "warm_unit": "days", "cold_target": 3,
          "cold_unit": "days", "hot_reminder": 15, "hot_reminder_unit": "minutes", "reminder": 2,
          "reminder_unit": "hours", "reassign_at_breach": False, "working_days": [0, 1, 2, 3, 4],
          "work_start": "09:00", "work_end": "18:00", "country": "IT", "subdivision": ""}
LEAD = {"lead_id": "rep_lead"}

ROWS = [
    Row("GET", "sla:reps", (200, 200, 200, 403, LOGIN, LOGIN)),
    Row("GET", "sla:policy", (200, 403, 403, 403, LOGIN, LOGIN)),
    Row("POST", "sla:policy", (302, 403, 403, 403, LOGIN, LOGIN), body=POLICY, form=True),
    Row("POST", "sla:first_contact", (302, 302, 302, 302, LOGIN, LOGIN), {"pk": "rep_lead"},
        body={"kind": "call"}, form=True),
    Row("GET", "/api/v1/sla/policy", (200, 200, 200, 200, 401, 401)),
    Row("PUT", "/api/v1/sla/policy", (200, 403, 403, 403, 401, 401), body=POLICY),
    Row("GET", "/api/v1/sla/teams", (200, 200, 200, 200, 401, 401)),
    Row("PUT", "/api/v1/sla/teams/{team_id}", (200, 403, 403, 403, 401, 401), {"team_id": "team_north"},
        body={"country": "IT", "subdivision": "BZ"}),
    Row("GET", "/api/v1/leads/{lead_id}/sla", (200, 200, 200, 200, 401, 401), LEAD),
    Row("POST", "/api/v1/leads/{lead_id}/first-contact", (201, 201, 201, 201, 401, 401), LEAD,
        body={"kind": "call"}),
    Row("GET", "/api/v1/sla/reps", (200, 200, 200, 403, 401, 401)),
]
