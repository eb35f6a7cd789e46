"""The customers rows of the permission matrix: feedback and problems follow their account (rita's
`account`, North): everyone who sees it reads them; admins, managers and reps record and resolve;
marketers read (and, as they capture leads, record referrals). Statuses in ROLES order: admin,
manager, rep, marketer, anonymous, revoked."""

from .matrix import LOGIN, Row

ACCOUNT = {"pk": "account"}
FEEDBACK = lambda w: {"account": w["account"].pk, "score": 9}  # noqa: E731
PROBLEM = lambda w: {"account": w["account"].pk, "title": "Consegna in ritardo"}  # noqa: E731

ROWS = [
    Row("GET", "customers:overview", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("POST", "customers:feedback_create", (302, 302, 302, 403, LOGIN, LOGIN), ACCOUNT,
        body={"score": "9", "comment": "Ottimo"}, form=True),
    Row("POST", "customers:problem_create", (302, 302, 302, 403, LOGIN, LOGIN), ACCOUNT,
        body={"title": "Consegna in ritardo"}, form=True),
    Row("POST", "customers:referral_create", (302, 302, 302, 302, LOGIN, LOGIN), ACCOUNT,
        body={"first_name": "Lia", "last_name": "Neri", "email": "lia.neri@example.it"}, form=True),
    Row("POST", "customers:problem_resolve", (302, 302, 302, 403, LOGIN, LOGIN), {"pk": "problem"},
        body={"resolution": "Fatto"}, form=True),
    Row("POST", "customers:problem_reopen", (302, 302, 302, 403, LOGIN, LOGIN), {"pk": "resolved_problem"},
        body={}, form=True),
    Row("GET", "/api/v1/customers/feedback", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/customers/feedback", (201, 201, 201, 403, 401, 401), body=FEEDBACK),
    Row("GET", "/api/v1/customers/feedback/{feedback_id}", (200, 200, 200, 200, 401, 401),
        {"feedback_id": "feedback"}),
    Row("GET", "/api/v1/customers/problems", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/customers/problems", (201, 201, 201, 403, 401, 401), body=PROBLEM),
    Row("GET", "/api/v1/customers/problems/{problem_id}", (200, 200, 200, 200, 401, 401),
        {"problem_id": "problem"}),
    Row("POST", "/api/v1/customers/problems/{problem_id}/resolve", (200, 200, 200, 403, 401, 401),
        {"problem_id": "problem"}, body={"resolution": "Nota di credito"}),
    Row("POST", "/api/v1/customers/problems/{problem_id}/reopen", (200, 200, 200, 403, 401, 401),
        {"problem_id": "resolved_problem"}, body={}),
    Row("GET", "/api/v1/accounts/{account_id}/purchases", (200, 200, 200, 200, 401, 401),
        {"account_id": "account"}),
]
