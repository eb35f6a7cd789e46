"""The scheduler's lock when tasks run on the database (no Redis): a lease row in the database.

It has the interface of the Redis lock django-crontask uses (`acquire`, `extend`, `release`, a
context manager; losing it raises crontask's `LockNotOwnedError`), so crontask's own scheduler
command logic (renew every LOCK_REFRESH_INTERVAL seconds, shut down when the lock is lost) works on
it unchanged. The lease expires LOCK_TIMEOUT seconds after its last renewal, so a scheduler killed
without a word frees it within that time; every change is a compare-and-set on (name, holder), so
two schedulers never both hold it. Times are each machine's clock: keep them in sync (NTP).
"""

from __future__ import annotations

import time
from datetime import timedelta
from types import TracebackType

from crontask import utils as crontask_utils
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import Lease


class LeaseLost(crontask_utils.LockNotOwnedError):
    """The lease expired and another process took it (or it was never held)."""


class LeaseLock:
    def __init__(self, name: str, *, timeout: float, blocking_timeout: float | None = None) -> None:
        self.name = name
        self.timeout = timeout
        self.blocking_timeout = blocking_timeout
        self.token = get_random_string(32)

    def _try(self) -> bool:
        now = timezone.now()
        until = now + timedelta(seconds=self.timeout)
        with transaction.atomic():
            if Lease.objects.filter(Q(expires_at__lt=now) | Q(holder=self.token), name=self.name) \
                    .update(holder=self.token, expires_at=until):
                return True
            if Lease.objects.filter(name=self.name).exists():
                return False
            try:
                with transaction.atomic():
                    Lease.objects.create(name=self.name, holder=self.token, expires_at=until)
            except IntegrityError:  # another process created it first
                return False
        return True

    def acquire(self, blocking: bool = True, blocking_timeout: float | None = None) -> bool:
        """True once held; False when still held by another after `blocking_timeout` seconds."""
        wait = self.blocking_timeout if blocking_timeout is None else blocking_timeout
        deadline = time.monotonic() + (wait or 0)
        while True:
            if self._try():
                return True
            if not blocking or time.monotonic() >= deadline:
                return False
            time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))

    def owned(self) -> bool:
        return Lease.objects.filter(name=self.name, holder=self.token,
                                    expires_at__gte=timezone.now()).exists()

    def extend(self, additional_time: float | None = None, replace_ttl: bool = False) -> bool:  # noqa: ARG002
        until = timezone.now() + timedelta(seconds=additional_time or self.timeout)
        if not Lease.objects.filter(name=self.name, holder=self.token).update(expires_at=until):
            raise LeaseLost(f"the lease {self.name!r} is held by another process")
        return True

    def release(self) -> None:
        Lease.objects.filter(name=self.name, holder=self.token).delete()

    def __enter__(self) -> LeaseLock:
        if not self.acquire():
            raise crontask_utils.LockError(f"the lease {self.name!r} is held by another process")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
