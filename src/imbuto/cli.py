"""The `imbuto` console script: Django management commands under a friendlier name.

    imbuto serve [--host H] [--port P]     imbuto migrate        imbuto check
    imbuto demo [--leads N] [--seed S]     imbuto token NAME
    imbuto user add NAME --role admin|manager|rep|marketer [--team TEAM] [--password-stdin]
    imbuto import leads FILE [--campaign NAME] [--channel SLUG] [--mapping M.json] [--dry-run]
"""

from __future__ import annotations

import os
import sys

COMMANDS = ("serve", "migrate", "demo", "user", "token", "check", "import")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imbuto.settings")
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__.strip())
        return 0 if argv else 2
    if argv[0] == "import":
        argv[0] = "import_records"
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["imbuto", *argv])
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
