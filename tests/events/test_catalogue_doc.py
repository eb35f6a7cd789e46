"""The catalogue in docs/architecture.md ("Domain events") names every registered event, and only the
modules its "Emitted by" column names construct it: each fact has one writer, whoever adds a way in."""

import re
from pathlib import Path

import pytest
from django.apps import apps

from imbuto.core.events import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "imbuto"
DOC = (ROOT / "docs" / "architecture.md").read_text()


def catalogue_rows() -> dict[str, str]:
    """Event class name -> the text of its "Emitted by" cell."""
    rows = {}
    for line in DOC.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 4 and (m := re.match(r"`(\w+)` \(`([\w.]+)`", cells[1])):
            rows[m.group(1)] = cells[3]
    return rows


def documented_modules(cell: str) -> set[str]:
    """Source files named in a cell: `deals.services.deal_move` -> src/imbuto/deals/services.py."""
    files = set()
    for dotted in re.findall(r"`([a-z_]+(?:\.[a-z_]+)+)", cell):
        parts = dotted.split(".")
        for n in range(len(parts), 0, -1):
            path = SRC.joinpath(*parts[:n]).with_suffix(".py")
            if path.exists():
                files.add(path.relative_to(SRC).as_posix())
                break
    return files


def test_every_registered_event_is_in_the_catalogue_with_its_wire_name():
    apps.check_apps_ready()
    rows = catalogue_rows()
    for name, cls in CATALOGUE.items():
        assert cls.__name__ in rows, f"{cls.__name__} ({name}) is missing from docs/architecture.md"
        assert f"`{cls.__name__}` (`{name}`" in DOC


@pytest.mark.parametrize("event", sorted(cls.__name__ for cls in CATALOGUE.values()))
def test_only_the_documented_services_construct_the_event(event):
    allowed = documented_modules(catalogue_rows().get(event, ""))
    assert allowed, f"no emitting module named for {event}"
    constructing = {
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and path.name != "events.py"
        and re.search(rf"(?<![\w.]){event}\(|\.{event}\(", path.read_text())
    }
    assert constructing <= allowed, f"{event} is also constructed in {sorted(constructing - allowed)}"
