"""Merge fields of email templates: `{{ first_name }}` and friends, checked on save and filled in per
lead. Plain text replacement, not the Django template language: a template is content written by
marketers, so it may say nothing but the names listed here (pure code, no database)."""

from __future__ import annotations

import re
from collections.abc import Mapping

FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
FIELDS = ("first_name", "last_name", "full_name", "company", "job_title", "owner_name", "owner_email",
          "unsubscribe_url")


def unknown_fields(*texts: str) -> list[str]:
    """The merge fields named in these texts that do not exist, in order of appearance, once each."""
    seen: list[str] = []
    for text in texts:
        for name in FIELD.findall(text or ""):
            if name not in FIELDS and name not in seen:
                seen.append(name)
    return seen


def render(text: str, values: Mapping[str, str]) -> str:
    """`text` with every known field replaced by its value (missing values become empty)."""
    return FIELD.sub(lambda m: values.get(m.group(1), "") if m.group(1) in FIELDS else m.group(0), text)
