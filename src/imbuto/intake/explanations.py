"""Intake's stored explanations (core.explain): history notes, merge rules and reasons, quality flags
and import row messages, each a code with parameters rendered in the reader's language."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from imbuto.core import explain
from imbuto.core.explain import register, register_param

from .models import SourceKind

CODES = {
    # history notes
    "intake.received": _("Came in through: %(source)s."),
    "intake.received_file": _("Came in through: %(source)s (%(file)s)."),
    "intake.reengaged": _("Lost-opportunity re-engagement."),
    # merges: which lead survives, and why the merge happened
    "merge.chosen_by_person": _("chosen by a person"),
    "merge.stage_then_older": _("further stage, then older lead, survives"),
    "merge.incoming_folded": _("incoming record folded into the matching lead"),
    "merge.duplicate_confirmed": _("possible duplicate confirmed"),
}


# Quality flags, as normalisation writes them (intake/normalize.py: an English phrase, the flag's
# code, with the value that could not be read after a colon). Each is a msgid of the catalogue.
FLAGS = (
    gettext_noop("invalid email address"), gettext_noop("invalid phone number"),
    gettext_noop("invalid Partita IVA"), gettext_noop("invalid codice fiscale"),
    gettext_noop("invalid VAT id"), gettext_noop("invalid website"),
    gettext_noop("could not be normalised"), gettext_noop("not a record"),
)
FLAGS_WITH_VALUE = {
    "unknown country": gettext_noop("unknown country: %(value)s"),
    "unknown language": gettext_noop("unknown language: %(value)s"),
    "unknown size band": gettext_noop("unknown size band: %(value)s"),
    "unknown purchase timeframe": gettext_noop("unknown purchase timeframe: %(value)s"),
}
TOO_LONG = re.compile(r"^too long, cut to (\d+) characters$")


def flag_code(text: Any) -> tuple[str, dict[str, Any]]:
    """(msgid code, params) of a quality flag as stored; ("", {}) for other text."""
    if isinstance(text, dict):
        return str(text.get("code", "")), dict(text.get("params") or {})
    text = str(text or "")
    if text in FLAGS:
        return text, {}
    head, sep, value = text.partition(": ")
    if sep and head in FLAGS_WITH_VALUE:
        return FLAGS_WITH_VALUE[head], {"value": value}
    if m := TOO_LONG.match(text):
        return gettext_noop("too long, cut to %(limit)s characters"), {"limit": int(m.group(1))}
    return "", {}


def flag_text(value: Any) -> str:
    """A lead's quality flag in the reader's language."""
    code, params = flag_code(value)
    return explain.render_msgid(code, params, str(value or ""))


def message_text(code: str, params: dict[str, Any], message: str) -> str:
    """An import row's message in the reader's language (old rows: their text, flags recognised)."""
    if code:
        return explain.render_msgid(code, params, message)
    return flag_text(message)


def _source(kind: Any) -> str:
    try:
        return str(SourceKind(kind).label)
    except ValueError:
        return str(kind)


def register_all() -> None:
    for code, text in CODES.items():
        register(code, text)
    register_param("source", _source)
