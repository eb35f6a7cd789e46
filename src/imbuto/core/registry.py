"""Extension points: how a lower app shows or asks for what the apps above it provide.

Apps depend one way (core <- users <- leads <- intake <- notifications <- the apps to come; checked
by import-linter, see pyproject.toml). What must flow back up goes through domain events
(core.events) or through the slots and hooks here, which each app fills in its `AppConfig.ready()`:

- `API_ROUTERS`: the django-ninja routers mounted under /api/v1 (imbuto/api.py mounts them in order);
- `NAV`: the top navigation entries (`{% nav_entries %}` in base.html);
- `STYLESHEETS`: extra stylesheets every page loads;
- `panels(page)`: templates rendered into a named place of a page, with that page's context
  (`{% panels "lead_detail" %}`); a panel that has nothing to show renders nothing;
- `STARTUP_NOTES`: functions giving lines for the `imbuto serve` banner;
- `PERIODIC_JOBS`: tasks the scheduler (`imbuto scheduler`) enqueues on a cron schedule;
- `Hook`: one function that a lower app declares and calls and a higher app provides (leads asks
  intake to capture a typed-in lead: `leads.extensions`).

Permission policies are registered the same way, in `core.permissions`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import pgettext_lazy


class Slot[T]:
    """Contributions to one extension point, listed by `order` then by when they were added.

    Adding the same item twice keeps one (a `ready()` run again in tests adds nothing)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: list[tuple[int, int, T]] = []

    def add(self, item: T, *, order: int = 100) -> T:
        if all(existing != item for _, _, existing in self._items):
            self._items.append((order, len(self._items), item))
        return item

    def __iter__(self) -> Iterator[T]:
        return iter([item for _, _, item in sorted(self._items, key=lambda entry: entry[:2])])

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<Slot {self.name}: {len(self._items)}>"


class Unavailable(LookupError):
    """A hook that no installed app provides."""


class Hook[T]:
    """One function a lower app calls and a higher app provides (the last provider wins)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._func: T | None = None

    def provide(self, func: T) -> T:
        self._func = func
        return func

    @property
    def available(self) -> bool:
        return self._func is not None

    @property
    def func(self) -> T:
        if self._func is None:
            raise Unavailable(f"no installed app provides {self.name!r}")
        return self._func

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {'provided' if self._func else 'not provided'}>"


@dataclass(frozen=True)
class NavEntry:
    """A top-navigation link; `visible(user)` hides it from who may not use it. Entries of a `group`
    (a key of NAV_GROUPS) share one drop-down menu, placed where the group's first entry would be."""

    label: Any  # a lazy translation
    url_name: str
    visible: Callable[[Any], bool] | None = None
    group: str = ""


@dataclass(frozen=True)
class Panel:
    """A template rendered into a named place of a page with the page's context."""

    template: str


@dataclass(frozen=True)
class Router:
    """A django-ninja router mounted under /api/v1 at `prefix`."""

    module: str  # dotted path of the module holding `router` (imported when the API is built)
    prefix: str = "/"


@dataclass(frozen=True)
class PeriodicJob:
    """A django.tasks task enqueued on a cron schedule ("0 3 * * *": nightly at 03:00, TIME_ZONE).

    The task takes no arguments and is idempotent: a run that fires twice changes nothing twice."""

    name: str  # stable and unique ("scoring.nightly_decay"): the scheduler's lock and log key
    cron: str
    task: str  # dotted path of the task ("imbuto.scoring.tasks.nightly_decay")


API_ROUTERS: Slot[Router] = Slot("api routers")
NAV: Slot[NavEntry] = Slot("navigation")
# The drop-down menus of the top navigation: key -> label (a lazy translation).
NAV_GROUPS: dict[str, Any] = {
    "sales": pgettext_lazy("menu: accounts, contacts, customers", "Sales"),
    "marketing": pgettext_lazy("menu: nurturing, scoring", "Marketing"),
    "intake": pgettext_lazy("menu: duplicates, imports, chats, web forms", "Intake"),
    "settings": pgettext_lazy("menu: routing, response times, users", "Settings"),
}
STYLESHEETS: Slot[str] = Slot("stylesheets")
STARTUP_NOTES: Slot[Callable[[], list[str]]] = Slot("serve banner notes")
PERIODIC_JOBS: Slot[PeriodicJob] = Slot("periodic jobs")
_PANELS: dict[str, Slot[Panel]] = {}


def panels(page: str) -> Slot[Panel]:
    """The panels of one place on a page ("lead_detail", "lead_detail.actions", "user_detail")."""
    return _PANELS.setdefault(page, Slot(f"panels of {page}"))
