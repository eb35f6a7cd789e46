"""The deals rows of the permission matrix: deals follow their owner (rita's `rep_deal`, North:
admins, North's manager and rita change it; marketers read); pipelines, stages, products and the
recycling delays are read by everyone and changed by admins; converting needs the right to change
the SQL lead (`sql_lead`, rita's) and to create deals. Statuses in ROLES order: admin, manager, rep,
marketer, anonymous, revoked."""

from .matrix import LOGIN, Row

DEAL = {"deal_id": "rep_deal"}
ALL_READ = (200, 200, 200, 200, 401, 401)
ADMIN_ONLY = (200, 403, 403, 403, 401, 401)

ROWS = [
    Row("GET", "deals:list", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "deals:board", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "deals:board_cards", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "deals:detail", (200, 200, 200, 200, LOGIN, LOGIN), {"pk": "rep_deal"}),
    Row(
        "POST",
        "deals:move",
        (302, 302, 302, 403, LOGIN, LOGIN),
        {"pk": "rep_deal"},
        body={"stage": "proposal"},
        form=True,
    ),
    Row("GET", "deals:edit", (200, 200, 200, 403, LOGIN, LOGIN), {"pk": "rep_deal"}),
    Row(
        "POST",
        "deals:edit",
        (302, 302, 302, 403, LOGIN, LOGIN),
        {"pk": "rep_deal"},
        body=lambda w: {
            "version": w["rep_deal"].version,
            "name": "Impianto Nord 2",
            "owner": w["rep_deal"].owner_id,
            "amount": "6000",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
        form=True,
    ),
    Row("POST", "deals:convert", (302, 302, 302, 403, LOGIN, LOGIN), {"pk": "sql_lead"}, body={}, form=True),
    Row("GET", "deals:settings", (200, 403, 403, 403, LOGIN, LOGIN)),
    Row("POST", "deals:pipeline_add", (302, 403, 403, 403, LOGIN, LOGIN), body={"name": "Nuova"}, form=True),
    Row(
        "POST",
        "deals:stage_save",
        (302, 403, 403, 403, LOGIN, LOGIN),
        {"pipeline_id": "pipeline"},
        body={"key": "demo", "name": "Demo", "probability": "40", "position": "2"},
        form=True,
    ),
    Row(
        "POST",
        "deals:product_save",
        (302, 403, 403, 403, LOGIN, LOGIN),
        body={"code": "NEW", "name": "New", "unit_price": "10"},
        form=True,
    ),
    Row("POST", "deals:recycling_save", (302, 403, 403, 403, LOGIN, LOGIN), body={}, form=True),
    Row("GET", "/api/v1/deals", ALL_READ),
    Row("POST", "/api/v1/deals", (201, 201, 201, 403, 401, 401), body={"name": "Nuovo impianto"}),
    Row("GET", "/api/v1/deals/{deal_id}", ALL_READ, DEAL),
    Row("PATCH", "/api/v1/deals/{deal_id}", (200, 200, 200, 403, 401, 401), DEAL, body={"amount": 1000}),
    Row(
        "POST",
        "/api/v1/deals/{deal_id}/move",
        (200, 200, 200, 403, 401, 401),
        DEAL,
        body={"stage": "proposal"},
    ),
    Row("GET", "/api/v1/deals/{deal_id}/history", ALL_READ, DEAL),
    Row(
        "POST",
        "/api/v1/leads/{lead_id}/convert",
        (201, 201, 201, 403, 401, 401),
        {"lead_id": "sql_lead"},
        body={},
    ),
    Row("GET", "/api/v1/leads/{lead_id}/win-back", ALL_READ, {"lead_id": "rep_lead"}),
    Row("GET", "/api/v1/deals/pipelines", ALL_READ),
    Row("POST", "/api/v1/deals/pipelines", (201, 403, 403, 403, 401, 401), body={"name": "Rinnovi"}),
    Row(
        "PATCH",
        "/api/v1/deals/pipelines/{pipeline_id}",
        ADMIN_ONLY,
        {"pipeline_id": "pipeline"},
        body={"name_it": "Vendite"},
    ),
    Row(
        "POST",
        "/api/v1/deals/pipelines/{pipeline_id}/stages",
        (201, 403, 403, 403, 401, 401),
        {"pipeline_id": "pipeline"},
        body={"key": "demo", "name": "Demo"},
    ),
    Row(
        "PATCH",
        "/api/v1/deals/stages/{stage_id}",
        ADMIN_ONLY,
        {"stage_id": "stage"},
        body={"playbook": [{"title": "Send the proposal", "due_days": 2}]},
    ),
    Row(
        "DELETE",
        "/api/v1/deals/stages/{stage_id}",
        (204, 403, 403, 403, 401, 401),
        {"stage_id": "empty_stage"},
    ),
    Row("GET", "/api/v1/deals/products", ALL_READ),
    Row(
        "POST", "/api/v1/deals/products", (201, 403, 403, 403, 401, 401), body={"code": "NEW", "name": "New"}
    ),
    Row(
        "PATCH",
        "/api/v1/deals/products/{product_id}",
        ADMIN_ONLY,
        {"product_id": "product"},
        body={"unit_price": 12},
    ),
    Row("GET", "/api/v1/deals/recycling", ALL_READ),
    Row("PUT", "/api/v1/deals/recycling/{reason}", ADMIN_ONLY, {"reason": "reason"}, body={"delay_days": 60}),
]
