"""The bookkeeping of background work: which `imbuto worker` processes are alive (so the tasks a dead
one held are run again) and who holds the scheduler's lease (so one scheduler fires each job)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerProcess(models.Model):
    """One running `imbuto worker` (database backend): it beats every few seconds while it lives."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "worker process"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class Lease(models.Model):
    """A named lock with an expiry, held by one process and renewed by it (compare-and-set)."""

    name = models.CharField(max_length=100, primary_key=True)
    holder = models.CharField(max_length=100)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "lease"

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder} until {self.expires_at:%H:%M:%S}"
