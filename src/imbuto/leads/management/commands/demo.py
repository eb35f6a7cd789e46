"""`imbuto demo [--leads N] [--seed S] [--if-empty] [--add]`: load the seeded demo pipeline.

On a database that already has leads it refuses (exit 1) unless told what to do: `--if-empty` skips
quietly (what `make run` uses), `--add` appends another batch whose people differ from the first.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from imbuto.core.errors import DomainError
from imbuto.leads.demo import DEMO_PASSWORD, DEMO_USERS, build_plan
from imbuto.leads.models import Lead

MAX_LEADS = 100_000  # the plan is built in memory (~1 GB at this size)


def lead_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LEADS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to {MAX_LEADS:,}")
    return value


class Command(BaseCommand):
    help = "Load seeded, reproducible demo data: users, campaigns, accounts and leads in every stage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--leads", type=lead_count, default=300, metavar="N",
                            help=f"how many leads (1..{MAX_LEADS:,}; default 300)")
        parser.add_argument("--seed", type=int, default=42, metavar="S",
                            help="random seed: the same seed gives the same data (default 42)")
        parser.add_argument("--language", choices=("en", "it"), default=None,
                            help="language of the demo's texts (campaigns, industries, job titles, teams, "
                                 "notes); default: the instance's language (IMBUTO_LANGUAGE)")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--if-empty", action="store_true",
                          help="load only when the database has no leads; otherwise do nothing")
        mode.add_argument("--add", action="store_true",
                          help="add another batch even though the database already has leads")

    def handle(self, *args: Any, leads: int, seed: int, if_empty: bool, add: bool,
               language: str | None = None, **options: Any) -> None:
        if Lead._meta.db_table not in connection.introspection.table_names():
            raise CommandError("The database has no tables yet: run `imbuto migrate` first.")
        existing = Lead.objects.count()
        if existing and if_empty:
            self.stdout.write(f"Demo data not loaded: the database already has {existing} leads.")
            return
        if existing and not add:
            raise CommandError(
                f"The database already has {existing} leads. Use --add to add another demo batch, "
                "or --if-empty to load only into an empty database."
            )
        from imbuto.leads.demo_load import load_plan

        started = time.perf_counter()
        batch_seed = seed if not existing else hash((seed, existing)) % 2**31
        taken = set(Lead.objects.exclude(email="").values_list("email", flat=True)) if existing else set()
        plan = build_plan(leads, batch_seed, timezone.now().replace(microsecond=0), taken,
                          language=language or settings.LANGUAGE_CODE[:2])
        try:
            counts = load_plan(plan)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Loaded demo data (seed {seed}): {counts['leads']} leads, {counts['history']} history "
            f"entries, {counts['campaigns']} campaigns, {counts['accounts']} accounts, "
            f"{counts['contacts']} contacts, {counts['users']} users in {elapsed:.1f} s."
        )
        names = ", ".join(f"{u[0]} ({u[1]})" for u in DEMO_USERS)
        self.stdout.write(f"Demo logins, password '{DEMO_PASSWORD}': {names}")
