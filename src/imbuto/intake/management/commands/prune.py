"""`imbuto prune [--hours H]`: delete what is only kept for a while. Run it hourly from cron.

Today: Idempotency-Key answers older than IMBUTO_IDEMPOTENCY_TTL_HOURS (default 48). Prints one line,
`pruned 1234 idempotency records older than 48 h`. Safe to run at any time and as often as wanted.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from imbuto.intake.services import idempotency_prune


def hours(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of hours (1 or more)")
    return value


class Command(BaseCommand):
    help = "Delete expired records (Idempotency-Key answers); run it hourly from cron."
    requires_system_checks: list[str] = []  # housekeeping: start fast, `imbuto check` does the checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=hours, default=None, metavar="H",
                            help="keep answers younger than H hours (default IMBUTO_IDEMPOTENCY_TTL_HOURS, "
                                 f"now {settings.IMBUTO_IDEMPOTENCY_TTL_HOURS})")

    def handle(self, *args: Any, **options: Any) -> None:
        ttl = options["hours"] or settings.IMBUTO_IDEMPOTENCY_TTL_HOURS
        deleted = idempotency_prune(older_than_hours=ttl)
        self.stdout.write(f"pruned {deleted} idempotency records older than {ttl} h")
