"""Concurrent submissions of the same person from parallel connections produce exactly one lead.

Real parallelism needs real connections: each thread here has its own PostgreSQL connection (Django
connections are per thread), and the HTTP test goes through a live server with a thread per request.
SQLite serialises writers with its IMMEDIATE transactions, so these run on PostgreSQL only.
"""

import threading

import httpx
import pytest
from django.conf import settings
from django.db import connection

from imbuto.intake.models import IdempotencyRecord, LeadSource
from imbuto.intake.pipeline import SourceRef, ingest
from imbuto.leads.models import Lead
from imbuto.users.services import token_issue
from tests.factories import UserFactory

IS_PG = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [pytest.mark.postgres_only,
              pytest.mark.skipif(not IS_PG, reason="parallel writers need PostgreSQL"),
              pytest.mark.django_db(transaction=True)]
WORKERS = 8


def in_parallel(fn, n=WORKERS):
    """Run fn(i) in n threads released together; return their results (exceptions re-raised)."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def test_parallel_pipeline_calls_with_the_same_email_make_one_lead():
    def submit(i):
        [r] = ingest([{"first_name": f"Worker{i}", "last_name": "Uno", "email": "same.person@example.com"}],
                     actor=None, source=SourceRef(kind="form", reference=f"w{i}"))
        return r.outcome, r.lead_id

    results = in_parallel(submit)
    assert Lead.objects.filter(email="same.person@example.com").count() == 1
    lead_ids = {lead_id for _, lead_id in results}
    assert len(lead_ids) == 1
    assert sorted(o for o, _ in results) == ["created"] + ["merged"] * (WORKERS - 1)
    assert LeadSource.objects.filter(lead_id=lead_ids.pop()).count() == WORKERS


def test_parallel_batches_sharing_people_make_one_lead_each():
    people = [{"first_name": f"P{i}", "email": f"p{i}@example.com"} for i in range(50)]

    def submit(i):
        rows = people[i * 5:] + people[:i * 5]  # the same 50 people, in a different order per worker
        return [r.outcome for r in ingest(rows, actor=None, source=SourceRef(kind="api"))]

    in_parallel(submit, n=4)
    assert Lead.objects.count() == 50


@pytest.fixture
def bearer():
    user = UserFactory(username="ada", role="admin", is_superuser=True)
    return {"Authorization": f"Bearer {token_issue(user=user, name='load')}"}


def test_parallel_http_requests_with_the_same_email_make_one_lead(live_server, bearer):
    url = live_server.url + "/api/v1/leads"

    def post(i):
        with httpx.Client(timeout=60) as client:
            response = client.post(url, json={"first_name": "Http", "email": "http.same@example.com"},
                                   headers=bearer)
        return response.status_code, response.json().get("outcome")

    results = in_parallel(post)
    assert Lead.objects.filter(email="http.same@example.com").count() == 1
    assert sorted(results) == [(200, "merged")] * (WORKERS - 1) + [(201, "created")]


def test_parallel_retries_with_one_idempotency_key_answer_the_same(live_server, bearer):
    url = live_server.url + "/api/v1/leads/batch"
    body = {"leads": [{"first_name": "Idem", "email": "idem@example.com"}, {"first_name": "Other"}]}

    def post(i):
        with httpx.Client(timeout=60) as client:
            response = client.post(url, json=body, headers={**bearer, "Idempotency-Key": "retry-42"})
        return response.status_code, response.json()

    results = in_parallel(post)
    assert {status for status, _ in results} == {200}
    assert all(answer == results[0][1] for _, answer in results)
    assert Lead.objects.count() == 2 and IdempotencyRecord.objects.count() == 1
