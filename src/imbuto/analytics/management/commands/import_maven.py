"""imbuto import-maven DIR: load the Maven Analytics CRM sample (docs/analytics.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imbuto.analytics.maven import import_maven, summary


class Command(BaseCommand):
    help = "Import the Maven CRM sample (accounts, products, teams, agents, deals) from DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder",
            type=Path,
            help="folder holding accounts.csv, products.csv, sales_teams.csv and sales_pipeline.csv",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = import_maven(options["folder"])
        self.stdout.write(f'Imported {summary(counts)} (pipeline "Maven").')
