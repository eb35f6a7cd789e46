"""Who may read core's own tables (registered in CoreConfig.ready())."""

from __future__ import annotations

from imbuto.core import permissions
from imbuto.core.permissions import Policy, Roles


def register() -> None:
    from .models import AuditEvent, HistoryEntry

    # History is read through the object it belongs to (each app's selectors), never on its own.
    permissions.register(HistoryEntry, Policy())
    permissions.register(AuditEvent, Roles({"view": ("admin",)}))
