"""Two ways English reaches an Italian page, and how the completeness test catches each.

1. A msgid with no Italian translation: `recording_misses` wraps Django's translation objects and
   records every msgid the Italian catalogue lacks (template text, form labels and choices, messages,
   errors: everything that goes through gettext).
2. Text that never went through gettext (a raw code, an English word in Python or in a template, a
   value interpolated into a sentence): while recording, every Italian translation is returned in
   fullwidth letters ("Ｌｅａｄ"), so in the rendered page every run of plain ASCII letters did not come
   from the catalogue. Such a word must be a value people typed (the world's data); anything else is
   English or a code left in the page.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser

from django.utils.translation import trans_real

# Placeholders and markup keep their letters: %(name)s, %s, {name}, <tag attr>, &entity;
_KEEP = re.compile(r"%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[sdifrx]|%[sdifr%]|\{[^{}]*\}|<[^<>]*>|&#?\w+;")


def fullwidth(text: str) -> str:
    def shift(part: str) -> str:
        return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in part)

    out, last = [], 0
    for m in _KEEP.finditer(text):
        out.append(shift(text[last:m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(shift(text[last:]))
    return "".join(out)


@contextlib.contextmanager
def recording_misses(language: str = "it") -> Iterator[set[str]]:
    """Inside, Italian translations come back in fullwidth letters; yields the set of missed msgids."""
    misses: set[str] = set()
    cls = trans_real.DjangoTranslation
    gettext, ngettext = cls.gettext, cls.ngettext

    def patched_gettext(self, message):  # noqa: ANN001, ANN202
        if self.language() != language:
            return gettext(self, message)
        if message not in self._catalog:
            misses.add(message.replace("\x04", " | "))
            return message
        return fullwidth(gettext(self, message))

    def patched_ngettext(self, msgid1, msgid2, n):  # noqa: ANN001, ANN202
        if self.language() != language:
            return ngettext(self, msgid1, msgid2, n)
        try:
            self._catalog.plural(msgid1, n)
        except KeyError:
            misses.add(msgid1.replace("\x04", " | "))
            return msgid1 if n == 1 else msgid2
        return fullwidth(ngettext(self, msgid1, msgid2, n))

    cls.gettext, cls.ngettext = patched_gettext, patched_ngettext
    try:
        yield misses
    finally:
        cls.gettext, cls.ngettext = gettext, ngettext


# Not prose: scripts, styles, code shown as code (a new token), and text boxes (an embed snippet to copy,
# or what someone typed).
SKIPPED = ("script", "style", "code", "pre", "textarea")
VISIBLE_ATTRS = ("title", "placeholder", "aria-label", "alt", "data-label", "label")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skip += 1
        values = dict(attrs)
        self.parts += [v for k, v in attrs if k in VISIBLE_ATTRS and v]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_texts(html: str) -> list[str]:
    """Text nodes and the attributes people see or hear (title, placeholder, aria-label...)."""
    parser = _Text()
    parser.feed(html)
    return parser.parts


WORD = re.compile(r"[A-Za-z]{2,}")


def ascii_words(text: str) -> list[str]:
    return WORD.findall(text)
