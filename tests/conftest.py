"""Personas (Healthchecks style): the permission matrix is part of every fixture.

admin; manager `mara` leads team North; reps `rita` (North) and `remo` (South); marketer `marco`;
`otto` is an inactive outsider.
"""

import signal

import pytest
from django.test import Client

from imbuto.users.services import token_issue

from .factories import LeadFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _signal_handlers_restored():
    """A worker command run in-process (django_tasks_db's db_worker) installs SIGTERM/SIGINT handlers
    and leaves them: a later SIGTERM (CI's timeout) would then raise SystemExit inside some other
    test instead of stopping pytest. Each test gets the handlers back as they were."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        if signal.getsignal(sig) is not handler:
            signal.signal(sig, handler)


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process caches (channel ids, related objects of an answer) outlive a test's rolled-back
    transaction: a cached id of a channel that no longer exists would break the next test.
    Rate-limit counters too: every test client comes from 127.0.0.1, so one test's bad tokens or
    chat messages would throttle the next test."""
    from imbuto.core import ratelimit
    from imbuto.intake import api as intake_api
    from imbuto.intake.pipeline import refs

    refs.CHANNELS.clear()
    intake_api.RELATED.clear()
    if not ratelimit.shared():
        ratelimit.cache().clear()
    yield


@pytest.fixture
def north(db):
    return TeamFactory(name="North", slug="north")


@pytest.fixture
def south(db):
    return TeamFactory(name="South", slug="south")


@pytest.fixture
def admin(db):
    return UserFactory(username="ada", role="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def manager(north):
    return UserFactory(username="mara", role="manager", team=north)


@pytest.fixture
def rep(north):
    return UserFactory(username="rita", role="rep", team=north)


@pytest.fixture
def other_rep(south):
    return UserFactory(username="remo", role="rep", team=south)


@pytest.fixture
def marketer(db):
    return UserFactory(username="marco", role="marketer")


@pytest.fixture
def outsider(db):
    return UserFactory(username="otto", role="rep", is_active=False)


@pytest.fixture
def rep_lead(rep):
    return LeadFactory(owner=rep, first_name="Rita's", last_name="Lead")


@pytest.fixture
def other_lead(other_rep):
    return LeadFactory(owner=other_rep, first_name="Remo's", last_name="Lead")


class ApiClient:
    """A test client that talks JSON with a bearer token."""

    def __init__(self, user):
        self.user = user
        self.token = token_issue(user=user, name="test") if user else None
        self.client = Client()

    def _headers(self, extra=None):
        h = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        h.update(extra or {})
        return h

    def get(self, path, **params):
        return self.client.get(path, params, headers=self._headers())

    def post(self, path, data=None, headers=None, raw=None):
        body = raw if raw is not None else __import__("json").dumps(data or {})
        return self.client.post(path, body, content_type="application/json",
                                headers=self._headers(headers))

    def patch(self, path, data, headers=None):
        return self.client.patch(path, __import__("json").dumps(data),
                                 content_type="application/json", headers=self._headers(headers))


@pytest.fixture
def api_as():
    return ApiClient


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def tasks_immediate(settings):
    """Tasks run as they are enqueued (the receivers' work happens within the test), as a worker would."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def event_log(monkeypatch):
    """Every domain event delivered during the test, in order (the real receivers stay subscribed)."""
    from imbuto.core import events

    monkeypatch.setattr(events, "_subscribers", {k: list(v) for k, v in events._subscribers.items()})
    log: list = []
    for event_type in events.CATALOGUE.values():
        events.subscribe(event_type, log.append)
    return log


# What runs on one engine only when scripts/test.sh runs both (CI time: the two runs share the 2
# cores, so each folder runs where it matters most instead of twice). Test files under these folders
# get the marker: one_database runs on PostgreSQL (the production engine: the API, schemathesis,
# permissions, the domain apps), embedded_only on SQLite (the embedded default `make run` serves:
# pages, browser walks, intake, the CLI). Folders not listed run on both. A browser walk always runs
# on SQLite and a postgres_only test on PostgreSQL, whatever its folder.
RUN_ONCE = {
    "one_database": ("tests/api", "tests/permissions", "tests/activities",
                     "tests/analytics", "tests/customers", "tests/deals", "tests/nurture", "tests/routing",
                     "tests/scoring", "tests/sla", "tests/core"),
    # prediction (model training, about 340 s) runs on SQLite: the PostgreSQL run is the longer one
    "embedded_only": ("tests/ui", "tests/i18n", "tests/cli", "tests/intake", "tests/notifications",
                      "tests/leads", "tests/users", "tests/prediction"),
}


def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("postgres_only"):
            continue
        where = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        for marker, folders in RUN_ONCE.items():
            if any(where.startswith(f"{folder}/") for folder in folders):
                item.add_marker(marker)


@pytest.fixture
def client_as():
    """A logged-in browser-less client for a persona, in a language (`client_as(rep, "it")`)."""
    def make(user, language="en"):
        client = Client(headers={"Accept-Language": language})
        client.force_login(user)
        return client
    return make


@pytest.fixture
def htmx():
    """Headers htmx sends with a (non-boosted) request."""
    return {"HX-Request": "true"}
