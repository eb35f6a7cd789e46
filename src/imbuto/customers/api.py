"""/api/v1/customers/feedback, /api/v1/customers/problems and /api/v1/accounts/{id}/purchases: thin
adapters over customers.services and customers.selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from imbuto.core import permissions
from imbuto.core.errors import NotFound, ValidationFailed
from imbuto.deals.models import Deal
from imbuto.leads.models import Contact

from . import selectors, services
from .models import Feedback
from .schemas import (
    CustomerFeedbackIn,
    CustomerFeedbackOut,
    CustomerFeedbackPage,
    CustomerProblemIn,
    CustomerProblemOut,
    CustomerProblemPage,
    CustomerProblemReopenIn,
    CustomerProblemResolveIn,
    FeedbackFilters,
    ProblemFilters,
    PurchasesOut,
)

router = Router(tags=["customers"])


def _auth(request: HttpRequest) -> Any:
    """The user the API's authentication set."""
    return getattr(request, "auth", None)


def _ref[M: Model](user: Any, model: type[M], pk: int | None, name: str) -> M | None:
    """A referenced contact, deal or feedback the caller may see, else a 422 on that field."""
    if pk is None:
        return None
    obj = permissions.restrict(user, model._default_manager.all(), "view").filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed(_("No such %(what)s: %(id)s.") % {"what": name, "id": pk},
                               fields={name: [_("Unknown id.")]})
    return obj


def _account(user: Any, pk: int) -> Any:
    try:
        return selectors.account_get(user, pk)
    except NotFound as exc:
        raise ValidationFailed(_("No such account: %(id)s.") % {"id": pk},
                               fields={"account": [_("Unknown id.")]}) from exc


@router.get("/customers/feedback", response=CustomerFeedbackPage)
def feedback_list(request: HttpRequest, filters: Query[FeedbackFilters]) -> Any:
    """Customer feedback you may see (that of accounts you may see), newest first by default."""
    page = selectors.feedback_list(_auth(request), **filters.model_dump())
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/customers/feedback", response={201: CustomerFeedbackOut})
def feedback_create(request: HttpRequest, payload: CustomerFeedbackIn) -> Any:
    """Record what a customer said: a 0-10 score and a comment. A score at or above
    IMBUTO_REFERRAL_ASK_SCORE (default 9) gives the owner a task to ask for referrals, in the background."""
    user = _auth(request)
    account = _account(user, payload.account)
    feedback = services.feedback_record(
        actor=user, account=account, score=payload.score, comment=payload.comment, at=payload.at,
        contact=_ref(user, Contact, payload.contact, "contact"), deal=_ref(user, Deal, payload.deal, "deal"))
    return Status(201, feedback)


@router.get("/customers/feedback/{int:feedback_id}", response=CustomerFeedbackOut)
def feedback_read(request: HttpRequest, feedback_id: int) -> Any:
    return selectors.feedback_get(_auth(request), feedback_id)


@router.get("/customers/problems", response=CustomerProblemPage)
def problem_list(request: HttpRequest, filters: Query[ProblemFilters]) -> Any:
    """Problems customers raised, newest first; `status=open` for those still to resolve."""
    page = selectors.problem_list(_auth(request), **filters.model_dump())
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/customers/problems", response={201: CustomerProblemOut})
def problem_create(request: HttpRequest, payload: CustomerProblemIn) -> Any:
    user = _auth(request)
    account = _account(user, payload.account)
    problem = services.problem_open(
        actor=user, account=account, title=payload.title, description=payload.description,
        contact=_ref(user, Contact, payload.contact, "contact"), deal=_ref(user, Deal, payload.deal, "deal"),
        feedback=_ref(user, Feedback, payload.feedback, "feedback"))
    return Status(201, problem)


@router.get("/customers/problems/{int:problem_id}", response=CustomerProblemOut)
def problem_read(request: HttpRequest, problem_id: int) -> Any:
    return selectors.problem_get(_auth(request), problem_id)


@router.post("/customers/problems/{int:problem_id}/resolve", response=CustomerProblemOut)
def problem_resolve(request: HttpRequest, problem_id: int, payload: CustomerProblemResolveIn) -> Any:
    """Resolved, with what was done (409 if it already is)."""
    problem = selectors.problem_get(_auth(request), problem_id)
    return services.problem_resolve(actor=_auth(request), problem=problem, resolution=payload.resolution)


@router.post("/customers/problems/{int:problem_id}/reopen", response=CustomerProblemOut)
def problem_reopen(request: HttpRequest, problem_id: int, payload: CustomerProblemReopenIn) -> Any:
    """Open again (409 if it is open)."""
    problem = selectors.problem_get(_auth(request), problem_id)
    return services.problem_reopen(actor=_auth(request), problem=problem, reason=payload.reason)


@router.get("/accounts/{int:account_id}/purchases", response=PurchasesOut, tags=["customers"])
def account_purchases(request: HttpRequest, account_id: int) -> Any:
    """The account's won deals, oldest first, numbered (1 the first purchase, then the repeats)."""
    return selectors.account_purchases(_auth(request), selectors.account_get(_auth(request), account_id))
