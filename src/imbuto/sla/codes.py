"""The codes this app stores (history explanations) and sends (notifications), each a translatable
sentence over its parameters; registered by SlaConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FIRST_CONTACT = "sla.first_contact"
REASSIGNED = "sla.reassigned"
REMINDER = "sla.reminder"
ESCALATION = "sla.escalation"
ESCALATION_UNASSIGNED = "sla.escalation_unassigned"

EXPLANATIONS = {
    FIRST_CONTACT: _("First contact (%(contact_kind)s) after %(minutes)s business minutes"),
    REASSIGNED: _("Back to the team's queue: not contacted within the response-time target"),
}

NOTIFICATIONS = {
    REMINDER: _("Lead %(lead)s is waiting for a first contact: due by %(due)s."),
    ESCALATION: _("Lead %(lead)s was not contacted by %(due)s, its response-time target."),
    ESCALATION_UNASSIGNED: _("Lead %(lead)s has no owner and was not contacted by %(due)s, its "
                             "response-time target."),
}


def register() -> None:
    from imbuto.core import explain
    from imbuto.notifications import messages

    from .models import ContactKind

    for code, text in EXPLANATIONS.items():
        explain.register(code, text)
    explain.register_param("contact_kind", lambda value: str(dict(ContactKind.choices).get(value, value)))
    for code, text in NOTIFICATIONS.items():
        messages.register(code, text)
