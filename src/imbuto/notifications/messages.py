"""The catalogue of notification codes: each a translatable sentence over its parameters, rendered in
the reader's language when read (never stored as text). An unknown code renders a neutral sentence,
so no raw code reaches the page."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

NEW_INFORMATION = "lead.new_information"

MESSAGES: dict[str, Promise] = {
    NEW_INFORMATION: gettext_lazy("New information arrived on lead %(lead)s from %(channel)s."),
}


def register(code: str, sentence: Promise) -> str:
    """Add a notification code (from an app's ready()): `register("routing.assigned",
    gettext_lazy("Lead %(lead)s was assigned to you."))`. Returns the code."""
    existing = MESSAGES.get(code)
    if existing is not None and str(existing) != str(sentence):
        raise ValueError(f"notification code {code!r} is already registered with another sentence")
    MESSAGES[code] = sentence
    return code


def localised(value: Any) -> str:
    """A parameter stored in several languages ({"en": ..., "it": ...}) in the reader's language."""
    if isinstance(value, dict):
        lang = (get_language() or "en")[:2]
        return str(value.get(lang) or value.get("en") or "")
    return "" if value is None else str(value)


def render(code: str, params: dict[str, Any]) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return _("You have a notification.")
    values = {k: localised(v) for k, v in (params or {}).items()}
    if not values.get("channel"):
        values["channel"] = _("an unknown channel")
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return _("You have a notification.")
