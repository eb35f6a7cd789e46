"""`imbuto token NAME`: print a new API token for NAME on stdout, and nothing else.

`--list` shows the user's tokens (hint only: the raw value is never stored), `--revoke` revokes all
of the user's active tokens. Token rules live in users.services.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imbuto.core.errors import DomainError
from imbuto.users.models import ApiToken, User
from imbuto.users.services import token_issue, token_revoke


class Command(BaseCommand):
    help = "Issue (default), list or revoke API tokens of a user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="NAME")
        parser.add_argument("--label", default="cli", help="a name to recognise the token by")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--list", dest="show_list", action="store_true", help="list the user's tokens")
        what.add_argument("--revoke", action="store_true", help="revoke all of the user's active tokens")

    def handle(self, *args: Any, username: str, label: str, show_list: bool, revoke: bool,
               **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}. See `imbuto user list`.")
        if show_list:
            return self._list(user)
        if revoke:
            return self._revoke(user)
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive: a token would not work.")
        try:
            raw = token_issue(user=user, name=label[:100])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)

    def _list(self, user: User) -> None:
        for t in ApiToken.objects.filter(user=user).order_by("created_at"):
            status = "revoked" if t.revoked_at else "valid" if t.is_valid else "expired"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(f"{t.pk}\t{t.hint}…\t{t.name or '-'}\t{t.created_at:%Y-%m-%d %H:%M}"
                              f"\tlast used {used}\t{status}")

    def _revoke(self, user: User) -> None:
        ids = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list("pk", flat=True))
        for pk in ids:
            token_revoke(token_id=pk)
        self.stdout.write(f"Revoked {len(ids)} token(s) of {user.username}.")
