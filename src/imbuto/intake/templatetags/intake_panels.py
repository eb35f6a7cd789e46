"""Data for the intake panels on the lead page (sources, engagement, possible duplicates, referrals):
one tag per panel, each a few scoped queries through intake.selectors."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q

from imbuto.leads.selectors import lead_refs

from .. import selectors
from ..models import DuplicateCandidate, DuplicateStatus, LeadMerge, LeadSource, WebForm

register = template.Library()
PANEL_ROWS = 20


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def lead_sources_panel(context: template.Context, lead: Any) -> dict[str, Any]:
    """The lead's channel references (newest first), how many merges folded into it, and who referred
    it: a referring lead is named only if the user may see it (leads.selectors.lead_refs)."""
    sources = list(LeadSource.objects.filter(lead=lead).select_related("channel", "campaign")
                   .order_by("-received_at", "-id")[:PANEL_ROWS])
    referred_by = list(lead.referrals_received.select_related("referrer_contact", "referrer_account")[:5])
    refs = lead_refs(_user(context), [r.referrer_lead_id for r in referred_by if r.referrer_lead_id])
    form_keys = {s.reference for s in sources if s.kind == "form" and s.reference}
    names = dict(WebForm.objects.filter(key__in=form_keys).values_list("key", "name")) if form_keys else {}
    for source in sources:  # a web form by its name: its key means nothing to a person
        source.shown_reference = names.get(source.reference, source.reference) if source.kind == "form" \
            else source.reference
    return {"sources": sources, "total": LeadSource.objects.filter(lead=lead).count() if sources else 0,
            "merges": LeadMerge.objects.filter(Q(survivor=lead) | Q(merged=lead)).count(),
            "referred_by": [{"referral": r, "lead": refs.get(r.referrer_lead_id)} for r in referred_by],
            "referred": lead.referrals_made.count()}


@register.simple_tag
def lead_engagement_panel(lead: Any) -> list[Any]:
    """The latest engagement; a web-form submission carries the form's name (never its key) and
    the message the visitor typed, which the lead page shows."""
    events = list(lead.engagements.select_related("channel").order_by("-occurred_at", "-id")[:PANEL_ROWS])
    keys = {str((e.properties or {}).get("form", "")) for e in events
            if not (e.properties or {}).get("form_name")} - {""}
    names = dict(WebForm.objects.filter(key__in=keys).values_list("key", "name")) if keys else {}
    for event in events:
        props = event.properties or {}
        event.form_name = props.get("form_name") or names.get(str(props.get("form", "")), "")
        event.message = str(props.get("message") or "")
    return events


@register.simple_tag(takes_context=True)
def lead_duplicates_panel(context: template.Context, lead: Any) -> list[dict[str, Any]]:
    """Open possible duplicates of this lead whose other lead the user may see too (a pair with a lead
    outside their scope is not acknowledged, as in the review queue)."""
    pairs = list(DuplicateCandidate.objects.filter(Q(lead=lead) | Q(candidate=lead),
                                                   status=DuplicateStatus.OPEN)
                 .select_related("lead", "candidate").order_by("-score")[:PANEL_ROWS])
    others = [pair.candidate if pair.lead_id == lead.pk else pair.lead for pair in pairs]
    refs = lead_refs(_user(context), [other.pk for other in others], names=False)
    return [{"pair": pair, "other": other} for pair, other in zip(pairs, others, strict=True)
            if other.merged_into_id is None and refs[other.pk].visible]


@register.simple_tag(takes_context=True)
def duplicates_open(context: template.Context) -> int:
    """How many pairs wait for the current user's review (for a badge)."""
    user = _user(context)
    return selectors.duplicate_count(user) if user is not None else 0


@register.filter
def lead_field_name(name: str) -> str:
    """`{{ "first_name"|lead_field_name }}` -> "Nome": a field's label, never its code."""
    from ..labels import field_name

    return field_name(name)


@register.filter
def quality_flag(value: Any) -> str:
    """A stored quality flag in the reader's language (intake.explanations)."""
    from ..explanations import flag_text

    return flag_text(value)
