"""imbuto report [--from DATE --to DATE | --period 2026-Q3] [--by DIM] [--format table|csv|json]"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from imbuto.analytics import kpis, selectors
from imbuto.analytics.periods import make_period, parse_period
from imbuto.analytics.slicing import BY
from imbuto.core import tabular
from imbuto.users.models import User

# what the table shows (every field is in csv and json)
TABLE = (
    "slice_label",
    "leads_in",
    "won_count",
    "won_amount",
    "win_rate",
    "avg_ticket_mean",
    "avg_ticket_median",
    "cycle_days_from_deal_median",
    "response_minutes_median",
    "pipeline_weighted",
    "retention_rate",
    "target_amount",
    "attainment_amount",
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD).") from exc


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.2f}"
    return str(value)


class Command(BaseCommand):
    help = "Print every KPI of a period (default: this quarter), optionally sliced, as a table, CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", type=_date)
        parser.add_argument("--to", dest="end", type=_date)
        parser.add_argument("--period", help="2026-Q3, 2026-07 or 2026 (instead of --from/--to)")
        parser.add_argument("--by", choices=BY)
        parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
        parser.add_argument("--user", help="compute over what this user may see (default: everything)")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["period"] and (o["start"] or o["end"]):
            raise CommandError("Give --period or --from/--to, not both.")
        period = (
            parse_period(o["period"])
            if o["period"]
            else make_period(o["start"], o["end"], timezone.localdate())
        )
        user = None
        if o["user"]:
            user = User.objects.filter(username=o["user"]).first()
            if user is None:
                raise CommandError(f"No user {o['user']!r}.")
        report = selectors.kpi_report(user, period, o["by"])
        if o["format"] == "json":
            self.stdout.write(json.dumps(report, default=str, indent=2))
        elif o["format"] == "csv":
            header, rows = kpis.table(report["slices"])
            self.stdout.write(
                "".join(
                    tabular.csv_lines(
                        header, [[_cell(v) if v is None else v for v in r] for r in rows], language="en"
                    )
                ).lstrip("\ufeff"),
                ending="",
            )
        else:
            self._table(report)

    def _table(self, report: dict[str, Any]) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Imbuto KPIs {report['from']} - {report['to']} (by {report['by']})")
        for name in TABLE:
            table.add_column(name.replace("_", " "), justify="left" if name == "slice_label" else "right")
        for obj in report["slices"]:
            table.add_row(*[_cell(obj.get(n)) for n in TABLE])
        out = io.StringIO()
        Console(file=out, width=None if sys.stdout.isatty() else 200).print(table)
        self.stdout.write(out.getvalue(), ending="")
        self.stdout.write("n/a: nothing to divide by (no deals closed, no leads in, no target).")
