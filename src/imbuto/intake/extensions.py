"""What intake adds to the extension points of the apps below it (core.registry, leads.extensions):
its pages in the navigation, its API router and stylesheet, its panels on the lead page, the one way
a typed-in or API-posted lead comes in, and its part of the demo data. Called from IntakeConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from imbuto.core import permissions, registry
from imbuto.leads import extensions as leads_extensions


def capture_api(request: HttpRequest, payload: Any, idempotency_key: str | None) -> HttpResponse:
    """POST /api/v1/leads (declared by leads.api) goes through the intake pipeline."""
    from .api import lead_create_one

    return lead_create_one(request, payload, idempotency_key)


def capture_typed(*, actor: Any, data: dict[str, Any]) -> tuple[Any, str, int | None]:
    """The New lead form (leads.views) goes through the intake pipeline."""
    from .services import lead_capture

    return lead_capture(actor=actor, data=data)


def register() -> None:
    from .demo import IntakeDemo

    registry.API_ROUTERS.add(registry.Router("imbuto.intake.api"), order=30)
    registry.STYLESHEETS.add("imbuto/intake.css")
    # Expired Idempotency-Key answers, hourly (`imbuto scheduler`; `imbuto prune` from cron does the same).
    registry.PERIODIC_JOBS.add(registry.PeriodicJob("intake.prune_idempotency", "5 * * * *",
                                                    "imbuto.intake.tasks.prune_idempotency"))
    # The matcher learns from the review queue's decisions, nightly (`imbuto matching learn`).
    registry.PERIODIC_JOBS.add(registry.PeriodicJob("intake.learn_matching", "40 3 * * *",
                                                    "imbuto.intake.tasks.learn_matching"))
    # Each role sees only the pages it may use (a menu entry never answers 403).
    for order, (label, url_name, visible) in enumerate([
            (_("Duplicates"), "intake:duplicates", None),
            (_("Imports"), "intake:imports", permissions.can_import_leads),
            (_("Chats"), "intake:chat_list", permissions.can_view_chats),
            (_("Web forms"), "intake:form_list", permissions.can_manage_forms)]):
        registry.NAV.add(registry.NavEntry(label, url_name, visible, group="intake"), order=100 + order)
    registry.panels("lead_detail.actions").add(registry.Panel("intake/panels/lead_merges_button.html"))
    for template in ("intake/panels/lead_sources.html", "intake/panels/lead_engagement.html",
                     "intake/panels/lead_duplicates.html", "intake/capture/_lead_chats.html"):
        registry.panels("lead_detail").add(registry.Panel(template))
    leads_extensions.CAPTURE_API.provide(capture_api)
    leads_extensions.CAPTURE_TYPED.provide(capture_typed)
    leads_extensions.DEMO_PARTS.add(IntakeDemo())
