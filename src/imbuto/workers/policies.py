"""Who may read background work's bookkeeping: nobody through the app (it is the workers' own)."""

from __future__ import annotations

from imbuto.core import permissions
from imbuto.core.permissions import Policy


def register() -> None:
    from .models import Lease, WorkerProcess

    permissions.register(WorkerProcess, Policy())
    permissions.register(Lease, Policy())
