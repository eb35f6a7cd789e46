"""The leads app's extension points, and what it adds to those of the apps below it.

Leads sit below intake (core.registry): the lead form, `POST /api/v1/leads` and the demo loader ask
for what intake provides through the hooks and the slot declared here, which intake fills in its
`ready()`. `register()` (from LeadsConfig.ready) adds the leads pages, API router and panels to core's
and users' extension points.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from imbuto.core import permissions, registry
from imbuto.core.registry import Hook, Slot

# A lead a person typed in (the New lead form): (lead, outcome, possible duplicate's id); a rejected
# record raises ValidationFailed, a person without the right PermissionDenied.
CAPTURE_TYPED: Hook[Callable[..., tuple[Any, str, int | None]]] = Hook("leads.capture_typed")
# POST /api/v1/leads: (request, LeadCreateIn payload, Idempotency-Key or None) -> the HTTP answer.
CAPTURE_API: Hook[Callable[[HttpRequest, Any, str | None], HttpResponse]] = Hook("leads.capture_api")


class DemoPart(Protocol):
    """What another app adds to the demo data (intake: normal forms, match keys, sources)."""

    def prepare(self, leads: list[Any]) -> Any:
        """Before the leads are inserted (may change their values); returns state for `store`."""

    def store(self, plan: Any, leads: list[Any], state: Any) -> dict[str, int]:
        """After the insert, in the same transaction: write rows; returns counts by name."""


DEMO_PARTS: Slot[DemoPart] = Slot("leads demo parts")


def open_leads_of(user: Any) -> QuerySet:
    """Leads a person still owns and someone must work (for the users app's pages and API)."""
    from .choices import Stage
    from .models import Lead

    return (Lead.objects.filter(owner=user, merged_into__isnull=True)
            .exclude(stage__in=(Stage.CUSTOMER, Stage.DISCARDED)).order_by("-created_at"))


def demo_logins() -> list[str]:
    """The `imbuto serve` banner names the demo logins that exist, with their public password."""
    from imbuto.users.models import User

    from .demo import DEMO_PASSWORD, DEMO_USERS

    present = set(User.objects.filter(username__in=[u[0] for u in DEMO_USERS], is_active=True)
                  .values_list("username", flat=True))
    logins = [u for u in DEMO_USERS if u[0] in present]
    if not logins:
        return []
    return [f"  demo logins (password '{DEMO_PASSWORD}'):"] + [
        f"    {username:<8} {role}" + (f", team {team}" if team else "")
        for username, role, team, *_ in logins]


def register() -> None:
    from imbuto.users import user_services

    registry.API_ROUTERS.add(registry.Router("imbuto.leads.api"), order=10)
    registry.NAV.add(registry.NavEntry(_("Leads"), "leads:list"), order=10)
    registry.NAV.add(registry.NavEntry(pgettext_lazy("menu: the unassigned queue", "Unassigned"),
                                       "leads:unassigned", visible=permissions.can_work_unassigned_queue),
                     order=15)
    registry.NAV.add(registry.NavEntry(_("Accounts"), "leads:account_list", group="sales"), order=20)
    registry.NAV.add(registry.NavEntry(_("Contacts"), "leads:contact_list", group="sales"), order=30)
    registry.panels("user_detail").add(registry.Panel("leads/panels/user_open_leads.html"))
    registry.STARTUP_NOTES.add(demo_logins)
    user_services.OPEN_LEADS.provide(open_leads_of)
