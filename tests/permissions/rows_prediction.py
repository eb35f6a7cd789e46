"""The prediction rows of the permission matrix: a lead's prediction follows the lead; the model
versions are for admins and managers. Statuses in ROLES order: admin, manager, rep, marketer,
anonymous, revoked."""

from .matrix import Row

L = {"lead_id": "rep_lead"}
S = {"lead_id": "south_lead"}

ROWS = [
    Row("GET", "/api/v1/leads/{lead_id}/prediction", (200, 200, 200, 200, 401, 401), L),
    Row("GET", "/api/v1/leads/{lead_id}/prediction", (200, 404, 404, 200, 401, 401), S),
    Row("GET", "/api/v1/prediction/models", (200, 200, 403, 403, 401, 401)),
]
