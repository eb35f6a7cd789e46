"""The API's rows of the permission matrix (tests/permissions/matrix.py). Statuses in ROLES order:
admin, manager (North), rep (rita, North), marketer, anonymous, revoked token."""

from .matrix import Row

L = {"lead_id": "rep_lead"}
S = {"lead_id": "south_lead"}


def _new_lead(world):
    return {"first_name": "Ugo", "last_name": "Nuovo", "email": "ugo.nuovo@example.it"}


ROWS = [
    Row("GET", "/api/v1/leads", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/leads", (201, 201, 201, 201, 401, 401), body=_new_lead),
    Row("GET", "/api/v1/leads/{lead_id}", (200, 200, 200, 200, 401, 401), L),
    Row("GET", "/api/v1/leads/{lead_id}", (200, 404, 404, 200, 401, 401), S),
    Row("PATCH", "/api/v1/leads/{lead_id}", (200, 200, 200, 200, 401, 401), L, body={"city": "Roma"}),
    Row("PATCH", "/api/v1/leads/{lead_id}", (200, 404, 404, 200, 401, 401), S, body={"city": "Roma"}),
    Row("POST", "/api/v1/leads/{lead_id}/transition", (200, 200, 200, 200, 401, 401), L, body={"to": "lead"}),
    Row("GET", "/api/v1/leads/{lead_id}/history", (200, 200, 200, 200, 401, 401), L),
    Row("GET", "/api/v1/leads/{lead_id}/history", (200, 404, 404, 200, 401, 401), S),
    Row("GET", "/api/v1/leads/export", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/leads/bulk", (200, 200, 200, 200, 401, 401),
        body=lambda w: {"ids": [w["rep_lead"].pk], "action": "transition", "to": "lead"}),
    Row("GET", "/api/v1/accounts/export", (200, 200, 200, 200, 401, 401)),
    Row("GET", "/api/v1/contacts/export", (200, 200, 200, 200, 401, 401)),
    Row("GET", "/api/v1/accounts", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/accounts", (201, 201, 201, 201, 401, 401), body={"name": "Nuova Srl"}),
    Row("GET", "/api/v1/accounts/{account_id}", (200, 200, 200, 200, 401, 401), {"account_id": "account"}),
    Row("GET", "/api/v1/accounts/{account_id}", (200, 404, 404, 200, 401, 401),
        {"account_id": "south_account"}),
    Row("PATCH", "/api/v1/accounts/{account_id}", (200, 200, 200, 403, 401, 401), {"account_id": "account"},
        body={"city": "Roma"}),
    Row("GET", "/api/v1/contacts", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/contacts", (201, 201, 201, 201, 401, 401),
        body={"first_name": "Ada", "last_name": "Neri"}),
    Row("GET", "/api/v1/contacts/{contact_id}", (200, 200, 200, 200, 401, 401), {"contact_id": "contact"}),
    Row("PATCH", "/api/v1/contacts/{contact_id}", (200, 200, 200, 403, 401, 401), {"contact_id": "contact"},
        body={"last_name": "Verdi"}),
    Row("GET", "/api/v1/campaigns", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/campaigns", (201, 201, 403, 201, 401, 401),
        body={"name": "Autumn", "channel": "webinar"}),
    Row("GET", "/api/v1/campaigns/{campaign_id}", (200, 200, 200, 200, 401, 401),
        {"campaign_id": "campaign"}),
    Row("GET", "/api/v1/channels", (200, 200, 200, 200, 401, 401)),
    Row("GET", "/api/v1/me", (200, 200, 200, 200, 401, 401)),
    Row("GET", "/api/v1/users", (200, 200, 200, 200, 401, 401)),
    Row("GET", "/api/v1/teams", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/leads/batch", (200, 200, 200, 200, 401, 401),
        body=lambda w: {"leads": [_new_lead(w)]}),
    Row("GET", "/api/v1/leads/{lead_id}/sources", (200, 200, 200, 200, 401, 401), L),
    Row("GET", "/api/v1/leads/{lead_id}/sources", (200, 404, 404, 200, 401, 401), S),
    Row("GET", "/api/v1/leads/{lead_id}/engagement", (200, 200, 200, 200, 401, 401), L),
    Row("GET", "/api/v1/leads/{lead_id}/merges", (200, 200, 200, 200, 401, 401), L),
    Row("GET", "/api/v1/merges/{merge_id}", (200, 200, 200, 200, 401, 401), {"merge_id": "merge"}),
    Row("POST", "/api/v1/leads/{lead_id}/merge", (200, 200, 200, 200, 401, 401),
        L, body=lambda w: {"other": w["twin"].pk}),
    Row("POST", "/api/v1/leads/{lead_id}/referral", (201, 201, 201, 201, 401, 401), L,
        body=lambda w: {"referrer_contact": w["contact"].pk}),
    Row("POST", "/api/v1/leads/{lead_id}/reengage", (409, 409, 409, 409, 401, 401), L, body={}),
    Row("POST", "/api/v1/events", (200, 200, 200, 200, 401, 401),
        body=lambda w: {"events": [{"lead_id": w["rep_lead"].pk, "kind": "email_open"}]}),
    Row("GET", "/api/v1/duplicates", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/duplicates/{pair_id}/merge", (200, 200, 200, 200, 401, 401),
        {"pair_id": "pair"}, body={}),
    Row("POST", "/api/v1/duplicates/{pair_id}/dismiss", (200, 200, 200, 200, 401, 401),
        {"pair_id": "pair"}, body={}),
]
