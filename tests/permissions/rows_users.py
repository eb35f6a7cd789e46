"""Users, teams and passwords in the permission matrix: administration is for admins only; everyone
changes their own password; the forgotten-password pages are public. Statuses in ROLES order: admin,
manager, rep, marketer, anonymous, revoked."""

from .matrix import LOGIN, Row

U = {"pk": "rep_user"}
T = {"pk": "team_north"}
AU = {"user_id": "rep_user"}
AT = {"team_id": "team_north"}


def _new_user(world):
    return {"username": "ugo", "role": "rep"}


def _new_team(world):
    return {"name": "West"}


ROWS = [
    Row("GET", "users:password_change", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "users:password_forgot", (200, 200, 200, 200, 200, 200)),
    Row("GET", "users:password_reset_sent", (200, 200, 200, 200, 200, 200)),
    Row("GET", "users:password_reset_confirm", (200, 200, 200, 200, 200, 200),
        {"uidb64": "uidb64", "token": "reset_token"}),
    Row("GET", "users:password_reset_complete", (200, 200, 200, 200, 200, 200)),
    Row("GET", "users:user_list", (200, 403, 403, 403, LOGIN, LOGIN)),
    Row("GET", "users:user_new", (200, 403, 403, 403, LOGIN, LOGIN)),
    Row("GET", "users:user_detail", (200, 403, 403, 403, LOGIN, LOGIN), U),
    Row("POST", "users:user_deactivate", (302, 403, 403, 403, LOGIN, LOGIN), U, form=True),
    Row("POST", "users:user_reactivate", (302, 403, 403, 403, LOGIN, LOGIN), U, form=True),
    Row("POST", "users:user_reset", (302, 403, 403, 403, LOGIN, LOGIN), U, form=True),
    Row("POST", "users:user_set_password", (422, 403, 403, 403, LOGIN, LOGIN), U, form=True),
    Row("GET", "users:team_list", (200, 403, 403, 403, LOGIN, LOGIN)),
    Row("GET", "users:team_detail", (200, 403, 403, 403, LOGIN, LOGIN), T),
    Row("POST", "/api/v1/users", (201, 403, 403, 403, 401, 401), body=_new_user),
    Row("GET", "/api/v1/users/{user_id}", (200, 403, 403, 403, 401, 401), AU),
    Row("PATCH", "/api/v1/users/{user_id}", (200, 403, 403, 403, 401, 401), AU, body={"first_name": "Rita"}),
    Row("POST", "/api/v1/users/{user_id}/password-reset", (422, 403, 403, 403, 401, 401), AU),
    Row("POST", "/api/v1/teams", (201, 403, 403, 403, 401, 401), body=_new_team),
    Row("GET", "/api/v1/teams/{team_id}", (200, 200, 200, 200, 401, 401), AT),
    Row("PATCH", "/api/v1/teams/{team_id}", (200, 403, 403, 403, 401, 401), AT, body={"name": "Nord"}),
]
