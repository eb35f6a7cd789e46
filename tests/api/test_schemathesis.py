"""The whole API against its own OpenAPI document, by schemathesis: a seeded, bounded run in `make test`.

Every operation gets generated requests (schema examples, boundary values, random valid and invalid
data) sent as an admin with a bearer token. Checked for each answer: never a 5xx, a documented
status, a documented content type, a body that matches the documented schema, and no schema-valid
request rejected with 400/422 (a rule the document does not state is a bug of the document).

What a schema cannot state is supplied from the database instead of generated: which ids, usernames,
channel slugs and campaigns exist, and which cursors the server issued. Their refusal when unknown is
tested in the endpoint tests. So are the rules about other stored data or the clock (a campaign
name already taken, a lead merged with itself, a parking date in the past, a campaign ending before
it starts: JSON Schema cannot compare two fields). Budget: MAX_EXAMPLES per operation and phase,
seed fixed (IMBUTO_SCHEMATHESIS_SEED / _EXAMPLES override them to explore further).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from imbuto.users.services import token_issue
from tests.factories import AccountFactory, CampaignFactory, ContactFactory, LeadFactory

# Once, on PostgreSQL (the production engine), with 3 examples per operation and phase in `make test`
# (CI time), when scripts/test.sh runs both engines: about 150
# operations make this the suite's longest test, and the engines differ little below the API's schema
# (ids and numbers are bounded there). IMBUTO_SCHEMATHESIS_EXAMPLES widens a run to explore.
pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db, pytest.mark.one_database]

SEED = int(os.environ.get("IMBUTO_SCHEMATHESIS_SEED", "20261202"))
MAX_EXAMPLES = int(os.environ.get("IMBUTO_SCHEMATHESIS_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, positive_data_acceptance]

CONFIG = schemathesis.Config.from_dict({
    "seed": SEED,
    "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
})
APP = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)


class World:
    """A few real objects, and the references a generated request should point at."""

    def __init__(self, admin: Any, rep: Any) -> None:
        self.serial = 0
        self.account = AccountFactory()
        self.contact = ContactFactory(account=self.account)
        self.campaign = CampaignFactory()
        self.leads = [LeadFactory(owner=rep), LeadFactory(owner=admin), LeadFactory(owner=None)]
        self.headers = {"Authorization": f"Bearer {token_issue(user=admin, name='schemathesis')}"}
        self.body_refs = {
            "owner": admin.username, "channel": "web-form", "campaign": self.campaign.pk,
            "account": self.account.pk, "referrer_account": self.account.pk,
            "referrer_contact": self.contact.pk, "referrer_lead": self.leads[2].pk,
            "team": rep.team_id, "country": "Italia",  # which names are countries: a table, not a schema
        }
        self.path_refs = {"lead_id": self.leads[0].pk, "account_id": self.account.pk,
                          "contact_id": self.contact.pk, "campaign_id": self.campaign.pk,
                          "user_id": rep.pk, "team_id": rep.team_id}
        from imbuto.routing.models import Pool, PoolMember, Rule

        self.admin, self.rep = admin, rep
        self.pool = Pool.objects.create(name="Schemathesis", team=rep.team)
        PoolMember.objects.create(pool=self.pool, user=rep)
        self.path_refs["pool_id"] = self.pool.pk
        self.path_refs["rule_id"] = Rule.objects.create(name="Schemathesis", pool=self.pool).pk
        from imbuto.customers.models import Feedback, Problem

        self.path_refs["feedback_id"] = Feedback.objects.create(account=self.account, score=9).pk
        self.path_refs["problem_id"] = Problem.objects.create(account=self.account, title="Schemathesis").pk
        from imbuto.nurture.models import EmailTemplate, Enrolment, Sequence

        self.template = EmailTemplate.objects.create(name="Schemathesis", subject="Hi", body="Hello")
        sequence = Sequence.objects.create(name="Schemathesis")
        enrolment = Enrolment.objects.create(sequence=sequence, lead=self.leads[0])
        self.sequence, self.mailable = sequence, LeadFactory(owner=rep, consent_basis="consent")
        self.path_refs.update({"template_id": self.template.pk, "sequence_id": sequence.pk,
                               "enrolment_id": enrolment.pk})
        from imbuto.analytics.models import Target

        self.path_refs["target_id"] = Target.objects.create(user=rep, period_kind="month",
                                                            period_start=dt.date(2026, 6, 1), count=2).pk
        from imbuto.deals.models import Deal, Pipeline, Product

        pipeline = Pipeline.objects.get(is_default=True)
        self.product = Product.objects.create(code="SCHEMA", name="Schemathesis", unit_price=10)
        deal = Deal.objects.create(name="Schemathesis", pipeline=pipeline, owner=admin, amount=100,
                                   stage=pipeline.stages.get(key="qualification"))
        self.path_refs.update(deal_id=deal.pk, pipeline_id=pipeline.pk, product_id=self.product.pk,
                              stage_id=pipeline.stages.get(key="proposal").pk)
        self.body_refs.update(lead=self.leads[0].pk, pipeline=pipeline.pk, contact=self.contact.pk)

    def point_at_real_objects(self, case: Any) -> None:
        """Schema-valid requests get references that exist: a schema cannot list which ids do."""
        meta = case.meta
        if meta is None or not meta.generation.mode.is_positive:
            return
        for name, value in self.path_refs.items():
            if case.path_parameters and name in case.path_parameters:
                case.path_parameters[name] = value
        if isinstance(case.body, dict):
            for name, value in self.body_refs.items():
                if case.body.get(name) is not None:
                    case.body[name] = value
            # Rules about stored data or the clock: another lead, a name not taken, a future date.
            if case.body.get("other") is not None:
                case.body["other"] = self.leads[1].pk
            if case.body.get("parked_until") is not None:
                case.body["parked_until"] = (dt.date.today() + dt.timedelta(days=30)).isoformat()
            if case.operation.path == "/api/v1/campaigns" and case.body.get("name"):
                self.serial += 1
                case.body["name"] = f"{case.body['name'][:180]} #{self.serial}"
            self.people_rules(case)
            self.nurture_rules(case)
            self.routing_rules(case)
            self.bulk_rules(case)
            self.scoring_rules(case)
            self.sla_rules(case)
            self.customer_rules(case)
            self.activity_rules(case)
            self.analytics_rules(case)
            self.deals_rules(case)
            if case.body.get("country") is not None and not case.operation.path.startswith("/api/v1/leads"):
                case.body["country"] = "IT"  # accounts take a code; leads read names as well
            # JSON Schema cannot compare two fields: a campaign ends on or after its start.
            start, end = case.body.get("starts_on"), case.body.get("ends_on")
            if start and end and end < start:
                case.body["starts_on"], case.body["ends_on"] = end, start
        if case.operation.path.startswith("/api/v1/analytics/kpis") and case.query:
            # a period of real years, its end after its start (JSON Schema cannot compare two fields)
            case.query.pop("period", None)
            case.query["from"], case.query["to"] = "2026-01-01", "2026-03-31"
        for name in ("cursor", "before"):  # issued by the server, not generated
            if case.query and name in case.query:
                del case.query[name]
        if case.headers and case.headers.get("Idempotency-Key"):
            # A key is for one request body: a reused key with another body is refused (422, as the
            # IETF Idempotency-Key draft says), so each generated request gets its own.
            self.serial += 1
            case.headers["Idempotency-Key"] = f"{case.headers['Idempotency-Key'][:180]}-{self.serial}"


    def activity_rules(self, case: Any) -> None:
        """A new activity: records that exist (the world has no deal), and what JSON Schema cannot
        compare: a meeting ends after it starts, a reminder comes before the due time or the start,
        a logged call, email or note happened already."""
        if case.operation.path != "/api/v1/activities" or case.method != "POST":
            return
        body = case.body
        body.pop("deal", None)
        if body.get("contact") is not None:
            body["contact"] = self.contact.pk
        if body.get("lead") is not None or not any(body.get(n) is not None for n in ("contact", "account")):
            body["lead"] = self.leads[1].pk
        start, end = body.get("occurred_at"), body.get("ends_at")
        if start and end and dt.datetime.fromisoformat(end) < dt.datetime.fromisoformat(start):
            body["occurred_at"], body["ends_at"] = end, start
        deadline = body.get("due_at") if body.get("kind") == "task" else body.get("occurred_at")
        if body.get("remind_at") and deadline and \
                dt.datetime.fromisoformat(body["remind_at"]) > dt.datetime.fromisoformat(deadline):
            body["remind_at"] = deadline
        if body.get("kind") in ("call", "email", "note") and body.get("occurred_at"):
            body["occurred_at"] = "2026-01-01T09:00:00+01:00"
    def analytics_rules(self, case: Any) -> None:
        """Targets: for one rep or one team, from the first day of a month, with an amount or a count."""
        body, path = case.body, case.operation.path
        if path == "/api/v1/analytics/targets":
            body.pop("team_id", None)
            body.update(user_id=self.rep.pk, period_kind="month", period_start="2026-07-01")
        if path.startswith("/api/v1/analytics/targets") and isinstance(body.get("amount"), str):
            body["amount"] = "1000.00"  # the published decimal pattern lets "" and "." through
        given = body.get("amount") is not None or body.get("count") is not None
        if path.startswith("/api/v1/analytics/targets") and not given:
            body["count"] = 3
    def deals_rules(self, case: Any) -> None:
        """Deals: a stage of the deal's pipeline and products of the catalogue (which keys and ids
        exist is data, not schema)."""
        body = case.body
        if "/deals" not in case.operation.path and not case.operation.path.endswith("/convert"):
            return
        if body.get("stage") is not None and case.operation.path.endswith(("/move", "/deals")):
            body["stage"] = "proposal"
            body.pop("lost_reason", None)
        for line in body.get("lines") or []:
            if isinstance(line, dict) and line.get("product") is not None:
                line["product"] = self.product.pk
        # a pipeline name, a stage key (per pipeline), a product code not taken (a taken one is a 409,
        # tested in tests/deals/test_reference_data_conflicts.py)
        for name, size, sep in (("name", 100, " #"), ("key", 40, "-"), ("code", 40, "-")):
            if isinstance(body.get(name), str) and case.method == "POST" and "/deals/" in case.operation.path:
                self.serial += 1
                suffix = f"{sep}{self.serial}"
                body[name] = body[name][: size - len(suffix)] + suffix

    def bulk_rules(self, case: Any) -> None:
        """Bulk: ids or filter, one of them; an assignment names an owner or a team (JSON Schema cannot
        say "one of two fields is not null" in the form django-ninja publishes)."""
        body = case.body
        if case.operation.path != "/api/v1/leads/bulk":
            return
        if body.get("ids") is not None:
            body.pop("filter", None)
        elif body.get("filter") is None:
            body["ids"] = [self.leads[0].pk]
        if body.get("action") == "assign" and body.get("owner") is None and body.get("team") is None:
            body["owner"] = self.admin.username
        if body.get("action") == "discard" and not str(body.get("reason") or "").strip():
            body["reason"] = "no_budget"
        if body.get("action") == "add_to_campaign" and body.get("campaign") is None:
            body["campaign"] = self.campaign.pk
        if body.get("action") == "transition":
            body["to"] = body.get("to") or "lead"
            if body["to"] == "parked":
                body["parked_until"] = (dt.date.today() + dt.timedelta(days=30)).isoformat()
            if body["to"] == "discarded" and not str(body.get("reason") or "").strip():
                body["reason"] = "no_budget"

    def customer_rules(self, case: Any) -> None:
        """Customers: the contact and deal must be the account's, the feedback a real one, the moment
        the customer spoke not in the future (stored data and the clock, not a schema)."""
        body, path = case.body, case.operation.path
        if path not in ("/api/v1/customers/feedback", "/api/v1/customers/problems"):
            return
        body["account"] = self.account.pk
        if body.get("contact") is not None:
            body["contact"] = self.contact.pk
        for name in ("deal", "feedback"):
            body.pop(name, None)
        if body.get("at") is not None:
            body["at"] = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()

    def sla_rules(self, case: Any) -> None:
        """Response times: a reminder shorter than its target, working hours that end after they start,
        a holiday region the country has (a table, not a schema)."""
        body, path = case.body, case.operation.path
        if path == "/api/v1/sla/policy":
            body.update(hot_reminder=0, reminder=0, work_start="09:00", work_end="18:00", country="IT",
                        subdivision="")
            body["working_days"] = [0, 1, 2, 3, 4]
            for name in ("hot_target", "warm_target", "cold_target"):  # reachable on the calendar
                if isinstance(body.get(name), int | float):
                    body[name] = min(int(body[name]), 30)
        elif path.startswith("/api/v1/sla/teams/"):
            body["subdivision"] = ""
            if body.get("country"):
                body["country"] = "IT"

    def scoring_rules(self, case: Any) -> None:
        """Scoring: a rule's fields depend on its kind and its attribute (which values an attribute
        takes is a table: channels that exist, the choices of each field), the MQL threshold is below
        the SQL one (JSON Schema cannot compare two fields)."""
        body, path = case.body, case.operation.path
        if path == "/api/v1/scoring/thresholds":
            mql, sql = body.get("mql_threshold"), body.get("sql_threshold")
            if mql is not None and sql is not None and mql >= sql:
                body["mql_threshold"] = None
            return
        if not path.startswith("/api/v1/scoring/rules") or "kind" not in body:
            return
        unset = (lambda name: body.pop(name, None)) if case.method.upper() == "PATCH" else (
            lambda name: body.__setitem__(name, None))  # a patch leaves out what a new rule sends as null
        if body["kind"] == "fit":
            body.update(attribute="country", values=["IT"])
            for name in ("event_kind", "cap", "half_life_days"):
                unset(name)
        else:
            body.update(values=[], event_kind=body.get("event_kind") or "webinar_attended")
            unset("attribute")

    def routing_rules(self, case: Any) -> None:
        """Routing: names not taken, a team without a pool for a new pool, people and pools that exist,
        countries and languages that are ones (a table, not a schema), each rep once, the ends of an
        absence and of the working hours in order (JSON Schema cannot compare two fields)."""
        from imbuto.users.models import Team

        path, body = case.operation.path, case.body
        if not path.startswith("/api/v1/routing/"):
            return
        self.serial += 1
        if path == "/api/v1/routing/route":  # ids or filter, one of them: JSON Schema cannot say so here
            if body.get("ids") is not None:
                body.pop("filter", None)
            elif body.get("filter") is not None:
                body.pop("ids", None)
            else:
                body["ids"] = [self.leads[0].pk]
                body.pop("filter", None)
        if body.get("name"):
            body["name"] = f"{body['name'][:80]} #{self.serial}"
        if body.get("pool_id") is not None:
            body["pool_id"] = self.pool.pk
        if body.get("team_id") is not None:
            body["team_id"] = (Team.objects.create(name=f"T{self.serial}", slug=f"t{self.serial}").pk
                               if case.method == "POST" else self.pool.team_id)
        if body.get("nurturing_owner_id") is not None:
            body["nurturing_owner_id"] = self.admin.pk
        for name, value in (("countries", ["Italia"]), ("languages", ["it"]), ("channels", ["web-form"]),
                            ("campaigns", [self.campaign.pk])):
            if body.get(name):
                body[name] = value
        members = body.get("members")
        if members:
            body["members"] = members[:1]
            member = body["members"][0]
            member["user_id"] = self.rep.pk
            for low, high in (("away_from", "away_until"), ("work_start", "work_end")):
                if (member.get(low) is None) != (member.get(high) is None):
                    member[low] = member[high] = None
                elif member.get(low) and member[high] <= member[low]:
                    member[low], member[high] = (None, None) if member[high] == member[low] else (
                        member[high], member[low])

    def people_rules(self, case: Any) -> None:
        """Users and teams: a name not taken (whatever the case), a password the password rules
        accept (Django's list of common passwords cannot be a schema), an address that exists, and an
        address whenever the welcome email is asked for (JSON Schema cannot tie two fields)."""
        path, body = case.operation.path, case.body
        if not path.startswith(("/api/v1/users", "/api/v1/teams")):
            return
        self.serial += 1
        for name in ("username", "name"):
            if body.get(name):
                body[name] = f"{body[name][:90]}{self.serial}x"
        if body.get("password"):
            body["password"] = f"Schemathesis-{self.serial}-pass"
        if body.get("email") or body.get("send_password_email"):
            body["email"] = f"person{self.serial}@example.com"


def _nurture_rules(world: World, case: Any) -> None:
    """Nurture: merge fields are a closed list and steps have cross-field rules (an email names a
    template, a wait its days, a branch a later step): JSON Schema cannot say so."""
    path, body = case.operation.path, case.body
    if path == "/api/v1/nurture/templates":
        for name in ("subject", "body"):
            if isinstance(body.get(name), str):
                body[name] = body[name].replace("{", "(").replace("}", ")")
    elif path == "/api/v1/nurture/sequences" and body.get("steps") is not None:
        body["steps"] = [{"kind": "email", "template": world.template.pk}, {"kind": "wait", "days": 2}]
    elif path == "/api/v1/nurture/enrolments":  # a lead one may mail (consent: stored data)
        body["lead"], body["sequence"] = world.mailable.pk, world.sequence.pk


World.nurture_rules = _nurture_rules  # type: ignore[attr-defined]


@pytest.fixture
def world(admin, rep):
    # Django's test client does the same: a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield World(admin, rep)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_the_api_keeps_its_openapi_contract(case, world):
    world.point_at_real_objects(case)
    case.call_and_validate(headers=world.headers, checks=CHECKS)
