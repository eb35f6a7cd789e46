"""A reusable permission matrix (in the manner of NetBox's view test utilities): every UI view and
every API operation, called by every role, against an expected status.

A row names a route (a URL name for the UI, an OpenAPI path and method for the API), the objects its
placeholders stand for, an optional body, and the status each role gets, in ROLES order. New apps add
their rows to their own table and list it in TABLES (tests/permissions/test_matrix.py); a URL or an
API operation without a row fails `test_every_route_has_a_row`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

ROLES = ("admin", "manager", "rep", "marketer", "anonymous", "revoked")
LOGIN = 0  # a redirect to the login page (told apart from a 302 after a successful POST)


@dataclass(frozen=True)
class Row:
    method: str
    route: str                        # URL name ("leads:detail") or API path ("/api/v1/leads/{lead_id}")
    expect: tuple[int, ...]           # one status per role, in ROLES order
    args: dict[str, str] = field(default_factory=dict)   # placeholder -> world object name
    body: Any = None                  # a dict, or a callable(world) -> dict
    form: bool = False                # UI: send the body form-encoded (else JSON)

    @property
    def is_api(self) -> bool:
        return self.route.startswith("/api/")

    def __str__(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in self.args.items())
        return f"{self.method} {self.route}" + (f"[{args}]" if args else "")

    def url(self, world: dict[str, Any]) -> str:
        values = {k: _ident(world[v]) for k, v in self.args.items()}
        if self.is_api:
            return self.route.format(**values)
        return reverse(self.route, kwargs=values)

    def payload(self, world: dict[str, Any]) -> Any:
        return self.body(world) if callable(self.body) else self.body


def _ident(obj: Any) -> Any:
    """A model instance stands for its pk; anything else (a uuid, a form key) for itself."""
    return obj.pk if hasattr(obj, "pk") else obj


def call(row: Row, world: dict[str, Any], role: str) -> int:
    """The status `role` gets for `row` (the API with a bearer token, the UI with a session);
    LOGIN for a redirect to the login page."""
    client = Client()
    headers: dict[str, str] = {}
    if row.is_api:
        token = world["tokens"].get(role)
        if token:
            headers["Authorization"] = f"Bearer {token}"
    elif role in world["users"]:
        client.force_login(world["users"][role])
        if role == "revoked":  # deactivated after logging in: the session is worth nothing
            world["users"][role].__class__.objects.filter(pk=world["users"][role].pk).update(
                is_active=False)
    url, body = row.url(world), row.payload(world)
    method: Callable[..., Any] = getattr(client, row.method.lower())
    if row.method == "GET":
        response = method(url, headers=headers)
    elif row.form:
        response = method(url, body or {}, headers=headers)
    else:
        response = method(url, json.dumps(body or {}), content_type="application/json",
                          headers=headers)
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code
