"""Stored explanations: what the system writes down about a change (a history note, a merge's rule, a
quality flag, an import row's message) is stored as a code with parameters, never as a sentence, and
rendered in the reader's language when read. An English reader never sees Italian, nor an Italian
reader English, whoever caused the change.

Each app registers its codes (`register("intake.received", gettext_lazy("Came in through %(source)s"))`)
and, for parameters that are codes themselves, how to name them (`register_param("source", ...)`).
Rows written before this rule hold plain text: `render` shows such text as it is."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

_CATALOGUE: dict[str, Any] = {}
_PARAMS: dict[str, Callable[[Any], str]] = {}


def register(code: str, text: Any) -> None:
    """`text` is a lazy translatable sentence over the code's %(named)s parameters."""
    _CATALOGUE[code] = text


def register_param(name: str, display: Callable[[Any], str]) -> None:
    """How a parameter that holds a code (a source kind, a stage) is named to people."""
    _PARAMS[name] = display


def explanation(code: str, **params: Any) -> dict[str, Any]:
    """The stored form: {"code": ..., "params": {...}} (params are plain JSON values)."""
    if code not in _CATALOGUE:
        raise ValueError(f"unknown explanation code {code!r}")
    return {"code": code, "params": params}


def is_known(code: str) -> bool:
    return code in _CATALOGUE


def render(value: Any, params: dict[str, Any] | None = None) -> str:
    """A stored explanation in the active language: a {"code", "params"} dict, a code and its params,
    or legacy plain text (shown as it is). An unknown code is never shown raw."""
    if isinstance(value, dict):
        value, params = value.get("code", ""), value.get("params") or {}
    if not value:
        return ""
    text = _CATALOGUE.get(str(value))
    if text is None:
        return str(value) if params is None else _("(a note this version cannot show)")
    values = {k: _PARAMS[k](v) if k in _PARAMS else ("" if v is None else str(v))
              for k, v in (params or {}).items()}
    try:
        return str(text) % values
    except (KeyError, TypeError, ValueError):
        return str(text)


class Coded(str):
    """A message rendered in the active language that remembers its msgid and parameters, so whoever
    stores it (an import's row report) stores the code and renders it again for each reader."""

    code: str
    params: dict[str, Any]


_AS_TEXT = re.compile(r"%\((\w+)\)s")


def _fill(template: str, params: dict[str, Any]) -> str:
    """`template % params`, numbers shown as %(name)s grouped for the reader ("1,048,576", "1.048.576")."""
    shown = set(_AS_TEXT.findall(template))
    values = {k: number_format(v, force_grouping=True) if k in shown and isinstance(v, int)
              and not isinstance(v, bool) else v for k, v in params.items()}
    return template % values


def coded(msgid: str, /, **params: Any) -> Coded:
    """`coded(gettext_noop("At most %(limit)d characters."), limit=5)`: the text now, the code kept."""
    text = _(msgid)
    if params:
        try:
            text = _fill(text, params)
        except (KeyError, TypeError, ValueError):
            text = _fill(msgid, params)
    out = Coded(text)
    out.code, out.params = msgid, {k: v if isinstance(v, int | float | str) else str(v)
                                   for k, v in params.items()}
    return out


def parts(message: Any) -> tuple[str, dict[str, Any]]:
    """(code, params) to store for a message; ("", {}) for plain text that has no code."""
    if isinstance(message, Coded):
        return message.code, message.params
    return "", {}


def render_msgid(code: str, params: dict[str, Any] | None, fallback: str = "") -> str:
    """A stored msgid code (see `coded`) in the active language; `fallback` (old rows' text) without."""
    if not code:
        return fallback
    text = _(code)
    try:
        return _fill(text, params) if params else text
    except (KeyError, TypeError, ValueError):
        return fallback or code
