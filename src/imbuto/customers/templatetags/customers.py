"""The account page's customer panels: `{% customer_panels account as c %}` (once per request)."""

from __future__ import annotations

from typing import Any

from django import template

from imbuto.core import permissions

from .. import selectors
from ..forms import FeedbackForm, ProblemForm, ReferralForm, ResolveForm
from ..models import Feedback, ProblemStatus

register = template.Library()
SHOWN = 10


@register.simple_tag(takes_context=True)
def customer_panels(context: template.Context, account: Any) -> dict[str, Any]:
    request = context.get("request")
    cache = getattr(request, "_customer_panels", None)
    if cache is not None and cache["account"] == account.pk:
        return cache
    user = getattr(request, "user", None)
    may_record = permissions.can(user, "create", Feedback(account=account))
    feedback = selectors.visible_feedback(user).filter(account=account)
    problems = list(selectors.visible_problems(user).filter(account=account)
                    .order_by("status", "-opened_at", "-id")[:SHOWN * 2])
    referral_count, referrals = selectors.account_referrals(user, account, limit=SHOWN * 2)
    data = {
        "account": account.pk,
        "purchases": selectors.account_purchases(user, account),
        "summary": selectors.score_summary(feedback.values_list("score", flat=True)),
        "feedback": list(feedback.order_by("-at", "-id")[:SHOWN]),
        "problems": problems,
        "open_problems": sum(p.status == ProblemStatus.OPEN for p in problems),
        "referral_count": referral_count,
        "referrals": referrals,
        "may_record": may_record,
        "may_refer": permissions.can_create_lead(user),
        "feedback_form": FeedbackForm(account=account, user=user, auto_id="fb-%s") if may_record else None,
        "problem_form": ProblemForm(account=account, user=user, auto_id="pb-%s") if may_record else None,
        "resolve_form": ResolveForm(auto_id=False) if may_record else None,
        "referral_form": ReferralForm(account=account, user=user, auto_id="rf-%s"),
    }
    if request is not None:
        request._customer_panels = data
    return data
