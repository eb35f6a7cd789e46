"""`imbuto analytics rebuild | sweep | status`: the summary tables the dashboard reads (docs/kpis.md,
"Summary tables"). `rebuild` computes them all again from the raw tables (the nightly job does the
same); `sweep` refreshes what changed since the last sweep; `status` says how fresh they are."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imbuto.analytics import summary


class Command(BaseCommand):
    help = "Rebuild, refresh or describe the analytics summary tables."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="{rebuild,sweep,status}", required=True)
        sub.add_parser("rebuild", help="compute every summary row again from the raw tables")
        sub.add_parser("sweep", help="refresh what changed since the last sweep")
        sub.add_parser("status", help="when the tables were built and refreshed")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rebuild":
            result: dict[str, Any] = summary.rebuild()
            self.stdout.write(
                f"Rebuilt in {result['seconds']} s: {result['day_rows']} day rows, {result['month_rows']} "
                f"month rows, {result['response_facts']} response facts, {result['deal_facts']} deal facts."
            )
        elif action == "sweep":
            result = summary.sweep()
            if "built" in result:
                self.stdout.write(f"Not built yet: built in {result['built']['seconds']} s.")
            else:
                self.stdout.write(f"Refreshed {result['leads']} leads and {result['deals']} deals.")
        else:
            fresh = summary.freshness()
            if not fresh:
                self.stdout.write("Not built yet: the dashboard computes live (`imbuto analytics rebuild`).")
                return
            self.stdout.write(json.dumps(fresh, default=str, indent=2))
