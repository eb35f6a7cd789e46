"""What the model learns from: a lead as a record of features known before its outcome, and the
closed history (won = customer; lost = discarded, duplicates aside).

Engagement counts only what happened before the lead was closed (its last stage change), so the
history the model learns from looks like an open lead looks today. Nothing written after the
outcome (stage, disposition, the rules score, first contact) is a feature."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imbuto.intake.models import EngagementEvent, EngagementKind
from imbuto.leads.choices import Stage
from imbuto.leads.models import Lead

from .learn import MIN_PER_CLASS

WON = (Stage.CUSTOMER,)
LOST = (Stage.DISCARDED,)
NOT_AN_OUTCOME = ("duplicate",)  # a duplicate discarded says nothing about the buyer
FREE_MAIL = {"gmail.com", "yahoo.com", "yahoo.it", "hotmail.com", "hotmail.it", "outlook.com",
             "outlook.it", "live.com", "live.it", "libero.it", "virgilio.it", "tiscali.it",
             "alice.it", "tim.it", "icloud.com", "me.com", "aol.com", "gmx.com", "gmx.de",
             "web.de", "protonmail.com", "proton.me", "fastwebnet.it", "email.it", "inwind.it"}
SENIORITY = [  # first match wins
    ("owner", r"\b(owner|founder|titolare|proprietari[oa]|socio|partner)\b"),
    ("executive", r"\b(ceo|cfo|cto|coo|cmo|chief|president|presidente|amministratore|ad"
                  r"|general manager|direttore generale)\b"),
    ("director", r"\b(director|direttore|direttrice|head|vp|vice president)\b"),
    ("manager", r"\b(manager|responsabile|lead|capo)\b"),
    ("specialist", r"\b(engineer|ingegnere|specialist|analyst|consultant|consulente|developer|tecnico"
                   r"|impiegat[oa]|assistant|assistente|buyer|acquisti)\b"),
    ("student", r"\b(student|studente|studentessa|intern|stagista)\b"),
]
KINDS = [k.value for k in EngagementKind]

CATEGORICAL = ["channel", "campaign", "utm_source", "utm_medium", "country", "region", "industry",
               "size_band", "language", "purchase_timeframe", "consent_basis", "seniority",
               "email_kind", "has_phone", "has_vat_id", "has_website", "has_company"]
NUMERIC = ["engagement_total", "engagement_kinds", *[f"n_{k}" for k in KINDS]]

LABELS: dict[str, Any] = {
    "channel": _("Channel"), "campaign": _("Campaign"), "utm_source": _("UTM source"),
    "utm_medium": _("UTM medium"), "country": _("Country"), "region": _("Province or region"),
    "industry": _("Industry"), "size_band": _("Company size"), "language": _("Language"),
    "purchase_timeframe": _("Purchase timeframe"), "consent_basis": _("Lawful basis"),
    "seniority": _("Seniority"), "email_kind": _("Email address"), "has_phone": _("Phone number"),
    "has_vat_id": _("VAT id"), "has_website": _("Website"), "has_company": _("Company name"),
    "engagement_total": _("Engagement events"), "engagement_kinds": _("Kinds of engagement"),
    **{f"n_{k.value}": k.label for k in EngagementKind},
}


def seniority(job_title: str) -> str | None:
    text = (job_title or "").casefold()
    if not text.strip():
        return None
    for name, pattern in SENIORITY:
        if re.search(pattern, text):
            return name
    return "other"


def email_kind(email: str) -> str | None:
    if not email or "@" not in email:
        return None
    return "free" if email.rsplit("@", 1)[1].casefold() in FREE_MAIL else "business"


def _yes(value: Any) -> str:
    return "yes" if value else "no"


def lead_record(lead: Lead, counts: dict[str, int]) -> dict[str, Any]:
    """The features of one lead (channel and campaign by name: the reader sees names)."""
    return {
        "channel": lead.channel.slug if lead.channel_id and lead.channel else None,
        "campaign": lead.campaign.name if lead.campaign_id and lead.campaign else None,
        "utm_source": lead.utm_source or None, "utm_medium": lead.utm_medium or None,
        "country": lead.country or None, "region": lead.region or None,
        "industry": lead.industry or None, "size_band": lead.size_band or None,
        "language": lead.language or None, "purchase_timeframe": lead.purchase_timeframe or None,
        "consent_basis": lead.consent_basis or None, "seniority": seniority(lead.job_title),
        "email_kind": email_kind(lead.email), "has_phone": _yes(lead.phone),
        "has_vat_id": _yes(lead.vat_id), "has_website": _yes(lead.website or lead.domain),
        "has_company": _yes(lead.company_name),
        "engagement_total": sum(counts.values()),
        "engagement_kinds": sum(1 for v in counts.values() if v),
        **{f"n_{k}": counts.get(k, 0) for k in KINDS},
    }


def records_for(leads: Sequence[Lead], *, until_closed: bool) -> list[dict[str, Any]]:
    """Records of `leads` in order; engagement counted up to each lead's closing when `until_closed`
    (history), else up to now (open leads). One query for the counts."""
    ids = [lead.pk for lead in leads]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    qs = EngagementEvent.objects.filter(lead_id__in=ids)
    if until_closed:
        qs = qs.filter(Q(lead__stage_changed_at__isnull=True)
                       | Q(occurred_at__lte=F("lead__stage_changed_at")))
    for row in qs.values("lead_id", "kind").annotate(n=Count("id")).order_by():
        counts[row["lead_id"]][row["kind"]] = row["n"]
    return [lead_record(lead, counts[lead.pk]) for lead in leads]


def closed_leads() -> Any:
    """The history to learn from: leads won or lost, not merged into another."""
    won = Q(stage__in=WON)
    lost = Q(stage__in=LOST) & ~Q(disposition_reason__in=NOT_AN_OUTCOME)
    return (Lead.objects.filter(merged_into__isnull=True).filter(won | lost)
            .select_related("channel", "campaign").order_by("pk"))


def outcome_counts() -> tuple[int, int]:
    """(won, lost) in the closed history."""
    qs = closed_leads()
    won = qs.filter(stage__in=WON).count()
    return won, qs.count() - won


def history(batch: int = 5000) -> tuple[list[dict[str, Any]], list[int], str]:
    """Records and labels of the closed history, and a fingerprint of (lead, outcome, last change)."""
    records: list[dict[str, Any]] = []
    labels: list[int] = []
    digest = hashlib.sha256()
    leads = list(closed_leads())
    for start in range(0, len(leads), batch):
        chunk = leads[start:start + batch]
        records.extend(records_for(chunk, until_closed=True))
        for lead in chunk:
            label = 1 if lead.stage in WON else 0
            labels.append(label)
            digest.update(f"{lead.pk}:{label}:{lead.updated_at.isoformat()};".encode())
    return records, labels, digest.hexdigest()


def enough(won: int, lost: int) -> bool:
    return won >= MIN_PER_CLASS and lost >= MIN_PER_CLASS


def feature_label(name: str) -> str:
    return str(LABELS.get(name, name))


def now() -> Any:
    return timezone.now()


def chunks(ids: Iterable[int], size: int = 2000) -> Iterable[list[int]]:
    items = sorted(set(ids))
    for start in range(0, len(items), size):
        yield items[start:start + size]
