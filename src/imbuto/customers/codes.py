"""The codes this app stores in history (rendered in each reader's language); registered by
CustomersConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

WON_DEAL = "customers.won_deal"
FEEDBACK = "customers.feedback"
REFERRAL_ASK = "customers.referral_ask"

EXPLANATIONS = {
    WON_DEAL: _("Became a customer: deal %(deal)s was won"),
    FEEDBACK: _("Customer feedback recorded: %(score)s/10"),
    REFERRAL_ASK: _("Good feedback (%(score)s/10): task to ask for referrals given to %(owner)s"),
}


def register() -> None:
    from imbuto.core import explain

    for code, text in EXPLANATIONS.items():
        explain.register(code, text)
