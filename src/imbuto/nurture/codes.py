"""The codes this app stores (history explanations) and sends (notifications), each a translatable
sentence over its parameters; registered by NurtureConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REVISIT = "nurture.revisit"
ENROLLED_BY_RULE = "nurture.enrolled_by_rule"
PARKED_BACK = "nurture.parked_back"
SEND_FAILED = "nurture.send_failed"
BOUNCED = "nurture.bounced"
UNCERTAIN = "nurture.uncertain"

EXPLANATIONS = {
    REVISIT: _("Back from parked: its revisit date %(date)s has come"),
    ENROLLED_BY_RULE: _("Enrolled by the rule of sequence %(sequence)s"),
}

NOTIFICATIONS = {
    PARKED_BACK: _("Lead %(lead)s is back in your queue: its revisit date %(date)s has come."),
    SEND_FAILED: _("The email \"%(subject)s\" of sequence %(sequence)s to lead %(lead)s could not be "
                   "sent after %(attempts)s tries: %(error)s"),
    BOUNCED: _("The mail server refused %(email)s (lead %(lead)s): the lead left sequence %(sequence)s."),
    UNCERTAIN: _("A worker stopped while sending \"%(subject)s\" to lead %(lead)s; it was probably sent "
                 "and is not sent again (Message-ID %(message_id)s)."),
}


def register() -> None:
    from imbuto.core import explain
    from imbuto.notifications import messages

    for code, text in EXPLANATIONS.items():
        explain.register(code, text)
    for code, text in NOTIFICATIONS.items():
        messages.register(code, text)
