"""`imbuto user add NAME --role R [--team T] [--password-stdin]` and `imbuto user list`.

A thin adapter over users.services.user_add: the rules (known role, unique name, team by name)
live there; this command reads the password and turns domain errors into a message and exit 1.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from imbuto.core.errors import DomainError
from imbuto.users.models import Role, User
from imbuto.users.services import user_add


def read_password(stream: Any = None) -> str:
    """One line from stdin (a pipe), or a hidden prompt when stdin is a terminal."""
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
    return stream.readline().rstrip("\r\n")


class Command(BaseCommand):
    help = "Add or list users. Roles: " + ", ".join(Role.values) + "."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="{add,list}", required=True)
        add = sub.add_parser("add", help="create a user")
        add.add_argument("username", metavar="NAME")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--team", default=None, help="team name; created when it does not exist")
        add.add_argument("--password-stdin", action="store_true",
                         help="read the password from standard input (one line)")
        add.add_argument("--email", default="")
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        sub.add_parser("list", help="list users with role and team")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            self._list()
        else:
            self._add(**options)

    def _add(self, *, username: str, role: str, team: str | None, password_stdin: bool, email: str,
             first_name: str, last_name: str, **_: Any) -> None:
        username = username.strip()
        if not username:
            raise CommandError("The user name is empty.")
        password = None
        if password_stdin:
            password = read_password()
            if not password:
                raise CommandError("No password on standard input (expected one line).")
            try:
                validate_password(password, User(username=username, email=email))
            except ValidationError as exc:
                self.stderr.write("Warning: weak password: " + " ".join(exc.messages))
        try:
            with translation.override(None):  # the shell speaks English, whatever ran before
                user = user_add(username=username, role=role, team=team, password=password,
                                email=email, first_name=first_name, last_name=last_name,
                                enforce_password_rules=False)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        where = f", team {user.team}" if user.team else ""
        self.stdout.write(f"Created user {user.username} ({user.role}{where}).")
        if not password:
            self.stderr.write("No password set: this user can use API tokens (`imbuto token "
                              f"{user.username}`) but cannot log in; use --password-stdin to set one.")

    def _list(self) -> None:
        users = User.objects.select_related("team").order_by("username")
        rows = [(u.username, u.effective_role, str(u.team or "-"), "active" if u.is_active else "inactive",
                 "yes" if u.has_usable_password() else "no") for u in users]
        header = ("USER", "ROLE", "TEAM", "STATUS", "PASSWORD")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
