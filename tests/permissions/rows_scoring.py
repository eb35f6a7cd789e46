"""The scoring rows of the permission matrix: every role reads the rules and thresholds; marketers and
admins change them; a lead's score is seen by whoever sees the lead (rep_lead is rita's in North,
south_lead is remo's in South). Statuses in ROLES order: admin, manager, rep, marketer, anonymous,
revoked."""

from .matrix import LOGIN, Row

R = {"rule_id": "scoring_rule"}
PK = {"pk": "scoring_rule"}
FORM = {
    "name": "Manifattura",
    "kind": "fit",
    "points": "5",
    "attribute": "industry",
    "values": "manifattura",
    "is_active": "on",
}
FIT = {"name": "Germany", "kind": "fit", "attribute": "country", "values": ["DE"], "points": 5}
CONFIGURE_UI = (302, 403, 403, 302, LOGIN, LOGIN)
CONFIGURE_API = (200, 403, 403, 200, 401, 401)
READ_API = (200, 200, 200, 200, 401, 401)

ROWS = [
    Row("GET", "scoring:rules", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "scoring:rule_create", (200, 403, 403, 200, LOGIN, LOGIN)),
    Row("POST", "scoring:rule_create", CONFIGURE_UI, body=FORM, form=True),
    Row("GET", "scoring:rule_edit", (200, 403, 403, 200, LOGIN, LOGIN), PK),
    Row("POST", "scoring:rule_edit", CONFIGURE_UI, PK, body=FORM, form=True),
    Row("POST", "scoring:rule_toggle", CONFIGURE_UI, PK, form=True),
    Row("POST", "scoring:rule_delete", CONFIGURE_UI, PK, form=True),
    Row(
        "POST",
        "scoring:thresholds",
        CONFIGURE_UI,
        body={"mql_threshold": "20", "sql_threshold": "50"},
        form=True,
    ),
    Row("GET", "/api/v1/scoring/rules", READ_API),
    Row("POST", "/api/v1/scoring/rules", (201, 403, 403, 201, 401, 401), body=FIT),
    Row("GET", "/api/v1/scoring/rules/{rule_id}", READ_API, R),
    Row("PATCH", "/api/v1/scoring/rules/{rule_id}", CONFIGURE_API, R, body={"points": 12}),
    Row("DELETE", "/api/v1/scoring/rules/{rule_id}", (204, 403, 403, 204, 401, 401), R),
    Row("GET", "/api/v1/scoring/thresholds", READ_API),
    Row("PUT", "/api/v1/scoring/thresholds", CONFIGURE_API, body={"mql_threshold": 20, "sql_threshold": 50}),
    Row("POST", "/api/v1/scoring/rescore", (202, 403, 403, 202, 401, 401)),
    Row("GET", "/api/v1/leads/{lead_id}/score", READ_API, {"lead_id": "rep_lead"}),
    Row("GET", "/api/v1/leads/{lead_id}/score", (200, 404, 404, 200, 401, 401), {"lead_id": "south_lead"}),
]
