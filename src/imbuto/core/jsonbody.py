"""The one reader of JSON request bodies: bounded nesting, checked before the parser runs.

A body of 20 KB of `[` is valid-looking input that makes recursive code (the parser, a walk over
the parsed value, the database's own JSON functions) overflow its stack: a 500 at best. Every JSON
body (API, public forms, chat) is read through `loads`, which refuses one nested deeper than
MAX_DEPTH before parsing it, in C-speed passes over the bytes. JSON kept in the database as sent
(a record's payload, an event's properties) is bounded tighter by `too_deep`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

# Our bodies are at most 3 levels deep ({"leads": [{...}]}) plus whatever an event's properties hold.
MAX_DEPTH = 32
# JSON stored as sent (a record's payload, an event's properties).
MAX_STORED_DEPTH = 16

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class JsonTooDeep(ValueError):
    """The body nests arrays/objects deeper than the limit (or its brackets do not pair up)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nested deeper than {limit} levels")
        self.limit = limit


def depth_within(raw: bytes | str, limit: int = MAX_DEPTH) -> bool:
    """True when the JSON text nests at most `limit` levels; no recursion, no parse.

    Strings are removed (their brackets do not count), then innermost `[]`/`{}` pairs are removed
    `limit` times: each pass takes one level off, so anything left was deeper (or unpaired).
    """
    data = raw.encode() if isinstance(raw, str) else raw
    if data.count(b"[") + data.count(b"{") <= limit:
        return True
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKET)
    for _pass in range(limit):
        if not brackets:
            return True
        brackets = brackets.replace(b"[]", b"").replace(b"{}", b"")
    return not brackets


def loads(raw: bytes | str, limit: int = MAX_DEPTH) -> Any:
    """json.loads for request bodies; raises JsonTooDeep (a ValueError) past `limit` levels."""
    if not depth_within(raw, limit):
        raise JsonTooDeep(limit)
    return json.loads(raw)


def too_deep(value: Any, limit: int = MAX_STORED_DEPTH) -> bool:
    """Whether a parsed value nests lists/dicts deeper than `limit` (iterative: any depth is safe)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list | tuple))
    return False


def too_deep_message(limit: int = MAX_STORED_DEPTH) -> str:
    return _("Nested more than %(n)d levels deep.") % {"n": limit}
