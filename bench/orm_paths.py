"""One-off (not a `make bench` scenario): each raw-SQL or private-API shortcut of the intake pipeline
measured alone against the plain ORM call it replaces, on the database DATABASE_URL names.

- the single-lead answer's read: `bulk.read_one` (statement and converters cached per model) plus the
  channel/campaign/team process cache, against `Lead.objects.select_related(...).get(pk=...)` and
  against `Lead.objects.get(pk=...)` with the same cache; each variant then touches what `LeadOut`
  shows (channel, campaign, owner, team), so lazy loads are counted;
- `bulk.build` (positional construction) against `Lead(**values)`;
- `bulk.update` (one executemany per column set) against `QuerySet.bulk_update`.

Loads `imbuto demo --leads 300` into the (migrated) database first when it has no leads.

    DATABASE_URL=sqlite:////tmp/orm_paths.sqlite3 IMBUTO_SECRET_KEY=x PYTHONPATH=src python bench/orm_paths.py
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imbuto.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def best_of(fn: Callable[[], object], *, rounds: int = 7, calls: int = 200) -> tuple[float, int]:
    """Median µs per call over `rounds` rounds of `calls` calls, and the queries one call makes."""
    fn()  # warm: caches filled, statements compiled
    with CaptureQueriesContext(connection) as ctx:
        fn()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(times), len(ctx.captured_queries)


def main() -> None:
    from imbuto.intake import api as intake_api
    from imbuto.intake.pipeline import bulk
    from imbuto.leads.models import Lead

    call_command("migrate", verbosity=0)
    if not Lead.objects.exists():
        call_command("demo", leads=300, verbosity=0)
    lead = (Lead.objects.filter(channel__isnull=False, campaign__isnull=False, owner__isnull=False,
                                team__isnull=False).order_by("pk").first())
    assert lead is not None, "the demo data has no lead with channel, campaign, owner and team"
    owner = lead.owner
    pk = lead.pk
    print(f"{connection.vendor} {connection.Database.__name__}: lead {pk}")

    def shown(obj: Lead) -> tuple:
        return (obj.channel.slug, obj.campaign.name, obj.owner.username, obj.team.name)

    def answer_now() -> tuple:  # what intake/api.py does today
        return shown(intake_api._lead_for_answer(pk, (owner,)))

    def orm_select_related() -> tuple:
        return shown(Lead.objects.select_related("channel", "campaign", "owner", "team").get(pk=pk))

    def orm_get_with_cache() -> tuple:
        obj = Lead.objects.get(pk=pk)
        for name, model in (("channel", intake_api.Channel), ("campaign", intake_api.Campaign),
                            ("team", intake_api.Team)):
            ref = getattr(obj, f"{name}_id")
            if ref is not None and (hit := intake_api._related_object(model, ref)) is not None:
                Lead._meta.get_field(name).set_cached_value(obj, hit)
        Lead._meta.get_field("owner").set_cached_value(obj, owner)
        return shown(obj)

    def read_one_alone() -> object:
        return bulk.read_one(Lead, pk)

    def orm_get_alone() -> object:
        return Lead.objects.get(pk=pk)

    print("the single-lead answer's read (µs per call, queries per call):")
    for label, fn in (("bulk.read_one + related cache (today)", answer_now),
                      ("ORM get + same related cache", orm_get_with_cache),
                      ("ORM select_related(channel, campaign, owner, team)", orm_select_related),
                      ("bulk.read_one alone", read_one_alone),
                      ("ORM get alone", orm_get_alone)):
        us, queries = best_of(fn)
        print(f"  {label:<52} {us:8.1f} µs  {queries} queries")
    reset_queries()

    values = [{f.attname: getattr(obj, f.attname) for f in Lead._meta.concrete_fields if not f.primary_key}
              for obj in Lead.objects.all()[:300]]
    print(f"building {len(values)} unsaved leads (µs per lead):")
    us, _ = best_of(lambda: bulk.build(Lead, values), rounds=5, calls=5)
    print(f"  {'bulk.build (positional)':<52} {us / len(values):8.1f} µs")
    us, _ = best_of(lambda: [Lead(**v) for v in values], rounds=5, calls=5)
    print(f"  {'Lead(**values)':<52} {us / len(values):8.1f} µs")

    objs = list(Lead.objects.all()[:300])
    print(f"updating {len(objs)} leads, two columns each (µs per lead, inside a rolled-back transaction):")

    def rolled_back(fn: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            with transaction.atomic():
                fn()
                transaction.set_rollback(True)
        return run

    for obj in objs:
        obj.city = (obj.city or "") + " x"
    us, q = best_of(rolled_back(lambda: bulk.update(Lead, objs, lambda o: ("city", "updated_at"))),
                    rounds=5, calls=3)
    print(f"  {'bulk.update (executemany)':<52} {us / len(objs):8.1f} µs  {q} queries")
    us, q = best_of(rolled_back(lambda: Lead.objects.bulk_update(objs, ["city", "updated_at"])),
                    rounds=5, calls=3)
    print(f"  {'QuerySet.bulk_update (CASE per row)':<52} {us / len(objs):8.1f} µs  {q} queries")


if __name__ == "__main__":
    main()
