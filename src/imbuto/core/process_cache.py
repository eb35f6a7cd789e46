"""Short-lived caches of rarely edited rows (channels, campaigns, teams) inside one server process, so a
single-lead request does not spend a query on each of them.

A save or delete of one of the cache's models in this process forgets everything at once; a change
made in another process (the admin's worker, the CLI) shows within `seconds`. The contents are
replaced whole, never changed in place, so a thread reading the cache never sees another thread
empty it under its feet.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save


class ProcessCache:
    def __init__(self, name: str, *, seconds: float, models: Iterable[type[Model]],
                 limit: int = 1000) -> None:
        self.seconds, self.limit = seconds, limit
        self._state: tuple[float, dict[Hashable, Any]] = (0.0, {})
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(self.clear, sender=model, weak=False, dispatch_uid=f"process_cache:{name}")

    def clear(self, **_kwargs: Any) -> None:
        self._state = (0.0, {})

    def _live(self) -> tuple[float, dict[Hashable, Any]]:
        filled_at, data = self._state
        now = time.monotonic()
        return (filled_at, data) if now - filled_at <= self.seconds else (now, {})

    def get_many(self, keys: Iterable[Hashable]) -> dict[Hashable, Any]:
        data = self._live()[1]
        return {key: data[key] for key in keys if key in data}

    def put_many(self, items: dict[Hashable, Any]) -> None:
        filled_at, data = self._live()
        self._state = (filled_at, {**data, **items} if len(data) < self.limit else dict(items))
