"""The `imbuto` console script: Django management commands under a friendlier name.

usage: imbuto COMMAND [options]            (imbuto COMMAND --help for a command's options)

  serve [--host H] [--port P] [--no-worker] [--no-scheduler]
                                               production server (gunicorn) + task worker + scheduler
  worker [--queue-name Q] [--batch]            run background tasks (database or RQ backend)
  scheduler [--list]                           enqueue the periodic jobs on their schedules
  migrate                                      create or update the database tables
  check                                        check the configuration
  demo [--leads N] [--seed S] [--if-empty | --add]
                                               load seeded, reproducible demo data
  user add NAME --role admin|manager|rep|marketer [--team TEAM] [--password-stdin]
  user list                                    the users with role and team
  token NAME [--list | --revoke]               print a new API token for NAME (or list/revoke them)
  import leads FILE [--campaign NAME] [--channel SLUG] [--mapping M.json] [--dry-run]
  prune [--hours H]                            delete expired records (cron: hourly)
  matching learn                               refit the duplicate matcher from review decisions
  analytics rebuild | sweep | status          the dashboard's summary tables (cron: nightly / 5 min)
  scoring train [--force] | scoring evaluate FILE.csv --label COLUMN [--drop C,C] [--folds 5]
                                               train the predictive model / evaluate it on a CSV

Any other Django management command works too (imbuto help lists them).
Configuration comes from environment variables: DATABASE_URL, PORT, IMBUTO_SECRET_KEY, ... (README.md).
"""

from __future__ import annotations

import os
import re
import sys

ALIASES = {"import": "import_records", "import-maven": "import_maven"}


def _say(message: str) -> None:
    print(f"imbuto: {message}", file=sys.stderr)


def _masked_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url) or "the default SQLite file"


def _setup() -> int:
    """Load settings early so a bad environment gives one clear line, not a traceback."""
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except (ImproperlyConfigured, ValueError) as exc:
        _say(f"configuration error: {exc}")
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # `imbuto help | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imbuto.settings")
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if argv in (["-h"], ["--help"], ["help", "imbuto"]):
        print(__doc__.strip())
        return 0
    if argv == ["help"]:  # ours first, then Django's list of every command
        print(__doc__.strip() + "\n")
    if argv == ["--version"]:
        from importlib.metadata import version

        print(f"imbuto {version('imbuto')}")
        return 0
    argv[0] = ALIASES.get(argv[0], argv[0])
    if rc := _setup():
        return rc
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError, InterfaceError

    from imbuto.core.errors import DomainError

    try:
        execute_from_command_line(["imbuto", *argv])
    except KeyboardInterrupt:
        return 130
    except DomainError as exc:
        _say(exc.message)
        return 1
    except (DatabaseError, InterfaceError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        _say(f"database error ({_masked_database_url()}): {first}")
        if "no such table" in first or "does not exist" in first:
            _say("has the database been migrated? Run `imbuto migrate`.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
