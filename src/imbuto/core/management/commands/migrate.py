"""Django's `migrate`, after carrying a database over from renamed apps (core.legacy)."""

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from imbuto.core.legacy import carry_over_renamed_apps


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        for old in carry_over_renamed_apps(connections[options["database"]]):
            if options["verbosity"] >= 1:
                self.stdout.write(f"Carried the {old!r} app's tables and records over to its new name.")
        super().handle(*args, **options)
