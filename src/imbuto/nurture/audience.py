"""Who may be mailed (consent, suppression) and which leads each enrolment rule picks."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from imbuto.leads.choices import LawfulBasis, Stage, Temperature, Timeframe
from imbuto.leads.models import Lead

from .models import Rule, Suppression

# Marketing email needs the person's consent, or a legitimate interest (an existing relation, B2B
# soft opt-in); a contract alone or nothing recorded is not enough.
MAILABLE_BASES = (LawfulBasis.CONSENT.value, LawfulBasis.LEGITIMATE_INTEREST.value)
# Past these stages sales works the lead: nurturing stops ("converted").
CONVERTED_STAGES = (Stage.SQL.value, Stage.OPPORTUNITY.value, Stage.CUSTOMER.value)
REVIVED_FROM = Stage.PARKED.value


def normal_email(email: str) -> str:
    return email.strip().lower()


def may_mail(lead: Lead) -> bool:
    """A live lead with an address, whose consent allows marketing email."""
    return bool(lead.email) and lead.merged_into_id is None and lead.consent_basis in MAILABLE_BASES


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=normal_email(email)).exists()


def rule_leads(rule: str) -> QuerySet[Lead]:
    """The leads a rule enrols (before consent and suppression). Parked leads on their revisit date
    are enrolled when they come back (revisit.py), so that rule picks leads just back from parked."""
    live = Lead.objects.filter(merged_into__isnull=True)
    if rule == Rule.MQL_NOT_READY:
        return live.filter(stage=Stage.MQL, purchase_timeframe__in=(Timeframe.LATER, Timeframe.UNKNOWN))
    if rule == Rule.COLD:
        return live.filter(stage__in=(Stage.LEAD, Stage.MQL), temperature=Temperature.COLD)
    if rule == Rule.LOST_OPPORTUNITY:
        return live.filter(channel__slug="lost-opportunity", stage__in=(Stage.LEAD, Stage.MQL))
    if rule == Rule.PARKED_REVISIT:
        return live.filter(history_marker_q(), stage=Stage.LEAD)
    return live.none()


def history_marker_q() -> Q:
    """Leads that came back from parked by their revisit date (revisit.py writes this explanation)."""
    from django.contrib.contenttypes.models import ContentType

    from imbuto.core.models import HistoryEntry

    from .codes import REVISIT

    ct = ContentType.objects.get_for_model(Lead)
    return Q(pk__in=HistoryEntry.objects.filter(object_type=ct, reason_code=REVISIT).values("object_id"))


def mailable(leads: QuerySet[Lead]) -> QuerySet[Lead]:
    """Of these leads, those one may mail: consent, an address, not suppressed."""
    return (leads.filter(consent_basis__in=MAILABLE_BASES).exclude(email="")
            .exclude(email__in=Suppression.objects.values("email")))
