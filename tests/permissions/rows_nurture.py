"""The nurturing rows of the permission matrix: every signed-in role reads templates and sequences;
admins, managers and marketers write them; enrolling and stopping follow the lead (rita's leads,
North); the unsubscribe page, open pixel and click redirect are public (a signed token). Statuses in
ROLES order: admin, manager, rep, marketer, anonymous, revoked."""

from .matrix import LOGIN, Row

EVERYONE = (200, 200, 200, 200, LOGIN, LOGIN)
AUTHORS = (200, 200, 403, 200, LOGIN, LOGIN)
AUTHORS_POST = (302, 302, 403, 302, LOGIN, LOGIN)
API_READ = (200, 200, 200, 200, 401, 401)
API_AUTHORS = (201, 201, 403, 201, 401, 401)
PUBLIC = (200, 200, 200, 200, 200, 200)
TEMPLATE = {"name": "New", "subject": "Hi {{ first_name }}", "body": "Hello {{ company }}"}
SEQ = {"pk": "nurture_sequence"}


def _sequence(world):
    return {"name": "API drip", "steps": [{"kind": "email", "template": world["nurture_template"].pk}]}


def _enrol(world):
    return {"sequence": world["nurture_sequence"].pk, "lead": world["nurture_lead"].pk}


ROWS = [
    Row("GET", "nurture:sequences", EVERYONE),
    Row("POST", "nurture:sequences", AUTHORS_POST, body={"name": "N", "rule": "", "active": "on"}, form=True),
    Row("GET", "nurture:sequence", EVERYONE, SEQ),
    Row("POST", "nurture:sequence", AUTHORS_POST, SEQ, body={"kind": "wait", "days": "2"}, form=True),
    Row("GET", "nurture:templates", EVERYONE),
    Row("GET", "nurture:template_new", AUTHORS),
    Row("POST", "nurture:template_new", AUTHORS_POST, body=TEMPLATE, form=True),
    Row("GET", "nurture:template", AUTHORS, {"pk": "nurture_template"}),
    Row("POST", "nurture:template", AUTHORS_POST, {"pk": "nurture_template"}, body=TEMPLATE, form=True),
    Row("POST", "nurture:enrol", (302, 302, 302, 302, LOGIN, LOGIN), {"pk": "nurture_lead"},
        body=lambda w: {"sequence": w["nurture_sequence"].pk}, form=True),
    Row("POST", "nurture:stop", (302, 302, 302, 302, LOGIN, LOGIN), {"pk": "nurture_enrolment"}, form=True),
    Row("GET", "nurture:unsubscribe", PUBLIC, {"token": "unsubscribe_token"}),
    Row("POST", "nurture:unsubscribe", PUBLIC, {"token": "unsubscribe_token"},
        body={"List-Unsubscribe": "One-Click"}, form=True),
    Row("GET", "nurture:open", PUBLIC, {"token": "open_token"}),
    Row("GET", "nurture:click", (302,) * 6, {"token": "click_token"}),
    Row("GET", "/api/v1/nurture/templates", API_READ),
    Row("POST", "/api/v1/nurture/templates", API_AUTHORS, body=TEMPLATE),
    Row("GET", "/api/v1/nurture/templates/{template_id}", API_READ, {"template_id": "nurture_template"}),
    Row("GET", "/api/v1/nurture/sequences", API_READ),
    Row("POST", "/api/v1/nurture/sequences", API_AUTHORS, body=_sequence),
    Row("GET", "/api/v1/nurture/sequences/{sequence_id}", API_READ, {"sequence_id": "nurture_sequence"}),
    Row("GET", "/api/v1/nurture/enrolments", API_READ),
    Row("POST", "/api/v1/nurture/enrolments", (201, 201, 201, 201, 401, 401), body=_enrol),
    Row("POST", "/api/v1/nurture/enrolments/{enrolment_id}/stop", API_READ,
        {"enrolment_id": "nurture_enrolment"}, body={"reason": "stopped"}),
]
