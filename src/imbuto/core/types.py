"""Types shared by every app's services.

`Actor` is who performs a write: a signed-in user, or None for the system itself (the CLI without
`--as`, a task, a public visitor's form). Services take it keyword-only as `actor`; history and
audit rows record it, and `core.permissions.require` lets the system (None) do anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # For the type checker only: core does not import users at run time (it sits below it).
    from imbuto.users.models import User

type Actor = User | None

__all__ = ["Actor"]
