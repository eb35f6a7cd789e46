"""Writing the append-only history. Services call these inside their transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from imbuto.core.types import Actor

from .models import HistoryEntry


def jsonable(value: Any) -> Any:
    """History stores values as JSON: dates as ISO strings, models as their pk."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def jsonable_changes(changes: Mapping[str, Sequence[Any]] | None) -> dict[str, list[Any]]:
    """{field: (old, new)} as history stores it, for one entry or a batch's rows."""
    return {k: [jsonable(v[0]), jsonable(v[1])] for k, v in (changes or {}).items()}


_PLAIN = (str, int, type(None))  # exact types whose equality never mixes them (True == 1 is a bool)


class JsonTexts:
    """`json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)`, the same text, for the many small
    JSON values of a batch's history rows (a routing run writes three per lead): one encoder for the
    whole batch, and flat dicts of strings and integers seen before in the batch encoded once."""

    def __init__(self) -> None:
        self._encode = DjangoJSONEncoder(ensure_ascii=False).encode
        self._memo: dict[tuple[tuple[str, Any], ...], str] = {}

    def __call__(self, value: Any) -> str:
        if type(value) is not dict:
            return str(self._encode(value))
        if not value:
            return "{}"
        if not all(type(k) is str and type(v) in _PLAIN for k, v in value.items()):
            return str(self._encode(value))
        key = tuple(value.items())
        text = self._memo.get(key)
        if text is None:
            text = self._memo[key] = self._encode(value)
        return text


def actor_label(actor: Actor) -> str:
    """What history shows as who acted, kept even if the user is later deleted."""
    return getattr(actor, "username", "") or "system"


def record(
    obj: models.Model,
    *,
    actor: Actor,
    action: str,
    changes: Mapping[str, Sequence[Any]] | None = None,
    reason: str = "",
    why: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> HistoryEntry:
    """`reason` is what a person typed; `why` what the system says (core.explain.explanation)."""
    return HistoryEntry.objects.create(
        object_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
        at=timezone.now(),
        changes=jsonable_changes(changes),
        reason=reason,
        reason_code=(why or {}).get("code", ""),
        reason_params=(why or {}).get("params", {}),
        data=data or {},
    )


def record_many[M: models.Model](
    objs: Iterable[M],
    *,
    actor: Actor,
    action: str,
    reason: str = "",
    why: dict[str, Any] | None = None,
    data_for: Callable[[M], dict[str, Any]] | None = None,
    changes_for: Callable[[M], Mapping[str, Sequence[Any]]] | None = None,
) -> int:
    """One bulk insert for a batch (bulk assignment, routing); per-object details from the callables."""
    now = timezone.now()
    entries = []
    ct = None
    for obj in objs:
        ct = ct or ContentType.objects.get_for_model(obj)
        entries.append(HistoryEntry(
            object_type=ct, object_id=obj.pk, action=action,
            actor=actor if getattr(actor, "pk", None) else None, actor_label=actor_label(actor), at=now,
            changes=jsonable_changes(changes_for(obj) if changes_for else None), reason=reason,
            reason_code=(why or {}).get("code", ""), reason_params=(why or {}).get("params", {}),
            data=data_for(obj) if data_for else {},
        ))
    HistoryEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def history_of(obj_or_model: Any, object_id: int | None = None) -> models.QuerySet[HistoryEntry]:
    model = obj_or_model if object_id is not None else type(obj_or_model)
    pk = object_id if object_id is not None else obj_or_model.pk
    ct = ContentType.objects.get_for_model(model)
    return HistoryEntry.objects.filter(object_type=ct, object_id=pk).select_related("actor")
