"""An accepted record on its way through the pipeline: the engine decides, the write steps store it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imbuto.leads.models import Lead

from .validate import Checked


@dataclass
class Item:
    """An accepted record on its way through the pipeline."""

    index: int
    checked: Checked
    norm: Any                       # normalize.Normalized
    channel_id: int | None
    campaign_id: int | None
    keys: set[str] = field(default_factory=set)
    prepared: Any = None            # matcher.prepared_keys(norm): the matcher's view, computed with the keys
    values: dict[str, Any] = field(default_factory=dict)
    final: tuple[str, int] = ("new", 0)       # ("new", item position) | ("existing", lead id)
    action: str = "new"
    score: float | None = None
    reasons: dict[str, Any] = field(default_factory=dict)
    flag_target: tuple[str, int] | None = None
    lead: Lead | None = None
    filled: dict[str, list[Any]] = field(default_factory=dict)
    differing: dict[str, list[Any]] = field(default_factory=dict)
