"""The routing rows of the permission matrix. The world's pool is North's (rita, the rep, is its
member) with the rule 'Nord'. Admins configure all of routing; the North manager their own pool and
its rules; a marketer reads the API's configuration; a rep sees none of it. Statuses in ROLES order:
admin, manager, rep, marketer, anonymous, revoked."""

from .matrix import LOGIN, Row

P = {"pk": "rep_lead"}
R = {"pk": "rule"}
PO = {"pk": "pool"}
M = {"pk": "member"}
CONFIG = (200, 200, 403, 403, LOGIN, LOGIN)
CHANGE = (302, 302, 403, 403, LOGIN, LOGIN)


def _member(w):
    return {"new-user": w["users"]["manager"].pk, "new-weight": 1, "new-work_days": [0, 1, 2, 3, 4]}


ROWS = [
    Row("GET", "routing:overview", CONFIG),
    Row("GET", "routing:rule_new", CONFIG),
    Row(
        "POST",
        "routing:rule_new",
        CHANGE,
        body=lambda w: {"name": "Sud", "pool": w["pool"].pk, "is_active": "on"},
        form=True,
    ),
    Row("GET", "routing:rule_edit", CONFIG, R),
    Row("POST", "routing:rule_delete", CHANGE, R, form=True),
    Row("POST", "routing:rule_move", CHANGE, R, body={"direction": "up"}, form=True),
    Row("GET", "routing:pool_new", CONFIG),
    Row("GET", "routing:pool_edit", CONFIG, PO),
    Row("POST", "routing:pool_delete", CHANGE, PO, form=True),
    Row("POST", "routing:member_add", CHANGE, PO, body=_member, form=True),
    Row("POST", "routing:member_edit", CHANGE, M, body={"m-weight": 3}, form=True),
    Row("POST", "routing:member_delete", CHANGE, M, form=True),
    Row(
        "POST",
        "routing:settings",
        (302, 403, 403, 403, LOGIN, LOGIN),
        body={"nurturing_owner": ""},
        form=True,
    ),
    Row("POST", "routing:route_again", CHANGE, body=lambda w: {"lead": w["rep_lead"].pk}, form=True),
    Row("POST", "routing:route_waiting", CHANGE, form=True),
    Row("GET", "routing:lead_panel", (200, 200, 200, 200, LOGIN, LOGIN), P),
    Row("GET", "/api/v1/routing/rules", (200, 200, 403, 200, 401, 401)),
    Row(
        "POST",
        "/api/v1/routing/rules",
        (201, 201, 403, 403, 401, 401),
        body=lambda w: {"name": "Sud", "pool_id": w["pool"].pk},
    ),
    Row("GET", "/api/v1/routing/rules/{rule_id}", (200, 200, 403, 200, 401, 401), {"rule_id": "rule"}),
    Row(
        "PATCH",
        "/api/v1/routing/rules/{rule_id}",
        (200, 200, 403, 403, 401, 401),
        {"rule_id": "rule"},
        body={"name": "Nord-Est"},
    ),
    Row("DELETE", "/api/v1/routing/rules/{rule_id}", (204, 204, 403, 403, 401, 401), {"rule_id": "rule"}),
    Row("GET", "/api/v1/routing/pools", (200, 200, 403, 200, 401, 401)),
    Row(
        "POST",
        "/api/v1/routing/pools",
        (201, 403, 403, 403, 401, 401),
        body=lambda w: {"name": "Sud", "team_id": w["other_rep"].team_id},
    ),
    Row("GET", "/api/v1/routing/pools/{pool_id}", (200, 200, 403, 200, 401, 401), {"pool_id": "pool"}),
    Row(
        "PATCH",
        "/api/v1/routing/pools/{pool_id}",
        (200, 200, 403, 403, 401, 401),
        {"pool_id": "pool"},
        body={"name": "Nord"},
    ),
    Row("DELETE", "/api/v1/routing/pools/{pool_id}", (204, 204, 403, 403, 401, 401), {"pool_id": "pool"}),
    Row("GET", "/api/v1/routing/settings", (200, 200, 403, 200, 401, 401)),
    Row(
        "PATCH", "/api/v1/routing/settings", (200, 403, 403, 403, 401, 401), body={"nurturing_owner_id": None}
    ),
    Row(
        "POST",
        "/api/v1/routing/route",
        (200, 200, 403, 403, 401, 401),
        body=lambda w: {"ids": [w["rep_lead"].pk]},
    ),
    Row("GET", "/api/v1/leads/{lead_id}/routing", (200, 200, 200, 200, 401, 401), {"lead_id": "rep_lead"}),
]
