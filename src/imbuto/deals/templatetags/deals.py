"""What the deals panels on the lead page need, computed only when they have something to show (so a
lead page that has nothing of deals costs no query)."""

from __future__ import annotations

from typing import Any

from django import template

from imbuto.core import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def convert_panel(context: Any, lead: Any) -> dict[str, Any] | None:
    """The Convert form: for an SQL the user may change, and who may create deals."""
    user = context.get("user")
    if lead is None or lead.stage != "sql" or lead.merged_into_id or not context.get("can_change"):
        return None
    from imbuto.deals.models import Deal

    if not permissions.can(user, "create", Deal):
        return None
    from imbuto.deals.models import Pipeline

    return {"pipelines": list(permissions.restrict(user, Pipeline.objects.all()))}


@register.simple_tag(takes_context=True)
def win_back_panel(context: Any, lead: Any) -> dict[str, Any] | None:
    """Why a lead that came back from a lost deal was lost, and what else to offer them."""
    if lead is None or lead.stage not in ("lead", "parked", "discarded", "mql", "sql"):
        return None
    if not (lead.channel_id and lead.channel.slug == "lost-opportunity") and lead.stage != "parked":
        return None
    from imbuto.deals import followup

    lost = followup.lost_deals_of(lead)
    if not lost:
        return None
    deal, products = followup.suggestions(lead)
    return {"lost": lost, "products": products, "because": deal}
