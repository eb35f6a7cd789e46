"""The notifications rows of the permission matrix: a person sees and marks only their own (the
world's notification is rita's, the rep). Statuses in ROLES order: admin, manager, rep, marketer,
anonymous, revoked."""

from .matrix import LOGIN, Row

N = {"notification_id": "notification"}

ROWS = [
    Row("GET", "notifications:list", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("POST", "notifications:read", (404, 404, 302, 404, LOGIN, LOGIN), {"pk": "notification"}, form=True),
    Row("POST", "notifications:read_all", (302, 302, 302, 302, LOGIN, LOGIN), form=True),
    Row("GET", "/api/v1/notifications", (200, 200, 200, 200, 401, 401)),
    Row("POST", "/api/v1/notifications/{notification_id}/read", (404, 404, 200, 404, 401, 401), N),
    Row("POST", "/api/v1/notifications/read", (200, 200, 200, 200, 401, 401)),
    # each person switches their own emails (issue 11)
    Row("POST", "notifications:email_preference", (302, 302, 302, 302, LOGIN, LOGIN), body={"email": "0"},
        form=True),
    Row("GET", "/api/v1/notifications/preferences", (200, 200, 200, 200, 401, 401)),
    Row("PUT", "/api/v1/notifications/preferences", (200, 200, 200, 200, 401, 401), body={"email": False}),
]
