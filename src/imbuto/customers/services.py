"""Customer writes: an account becomes a customer, feedback and problems are recorded and resolved,
a good score gives the owner a task to ask for referrals, and a referral is captured through intake.
Each checks permission, validates, writes history in one transaction and emits its event after commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from imbuto.activities.models import Activity, Kind
from imbuto.activities.services import system_tasks_open
from imbuto.core import events, explain, history, permissions
from imbuto.core.errors import Conflict, PermissionDenied, ValidationFailed
from imbuto.core.types import Actor
from imbuto.deals.models import Deal, StageOutcome
from imbuto.leads.models import Account, Contact, Lead
from imbuto.users.models import User

from . import codes
from .events import BecameCustomer, FeedbackRecorded, ProblemChanged
from .models import SCORE_MAX, SCORE_MIN, CustomerProfile, Feedback, Problem, ProblemStatus

COMMENT_MAX = 5000


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


# ---- becoming a customer ---------------------------------------------------------------------------

def customer_mark(*, actor: Actor, account_id: int, deal_id: int | None = None) -> CustomerProfile | None:
    """The account is a customer from its earliest won deal (or now): `is_customer` set with history,
    its profile written. Idempotent: a second call (a retried task, the deals app having set the flag
    already) changes nothing but an earlier `since`. None if the account no longer exists."""
    with transaction.atomic():
        account = Account.objects.select_for_update().filter(pk=account_id).first()
        if account is None:
            return None
        if actor is not None:
            permissions.require(actor, "change", account)
        deal = Deal.objects.filter(pk=deal_id, account_id=account_id).first() if deal_id else None
        since = (deal.closed_at if deal and deal.closed_at else None) or timezone.now()
        became = not account.is_customer
        if became:
            Account.objects.filter(pk=account.pk).update(is_customer=True, updated_at=timezone.now())
            why = explain.explanation(codes.WON_DEAL, deal=deal.name) if deal else None
            history.record(account, actor=actor, action="became_customer",
                           changes={"is_customer": (False, True)}, why=why,
                           data={"deal": deal.pk} if deal else {})
        profile, created = CustomerProfile.objects.get_or_create(
            account=account, defaults={"since": since, "first_deal": deal})
        if not created and since < profile.since:
            profile.since, profile.first_deal = since, deal
            profile.save(update_fields=["since", "first_deal"])
        if became or created:
            events.emit(BecameCustomer(account_ids=(account.pk,), deal_id=deal.pk if deal else None,
                                       actor_id=events.actor_id_of(actor)))
    return profile


def customers_from_won_deals(deal_ids: list[int]) -> int:
    """Every won deal's account becomes a customer (the task behind DealClosed); returns how many
    accounts were looked at."""
    rows = (Deal.objects.filter(pk__in=deal_ids, status=StageOutcome.WON, account__isnull=False)
            .order_by("closed_at", "id").values_list("account_id", "pk"))
    done: set[int] = set()
    for account_id, deal_id in rows:
        if account_id not in done:
            done.add(account_id)
            customer_mark(actor=None, account_id=account_id, deal_id=deal_id)
    return len(done)


# ---- feedback ----------------------------------------------------------------------------------------

def _belongs(account: Account, contact: Contact | None, deal: Deal | None) -> None:
    if contact is not None and contact.account_id != account.pk:
        raise ValidationFailed(_("This contact is not one of the account's."),
                               fields={"contact": [_("Not of this account.")]})
    if deal is not None and deal.account_id != account.pk:
        raise ValidationFailed(_("This deal is not one of the account's."),
                               fields={"deal": [_("Not of this account.")]})


def _moment(at: dt.datetime) -> dt.datetime:
    """An aware moment the database can hold (a naive one is in the instance's time zone)."""
    try:
        at = timezone.make_aware(at) if timezone.is_naive(at) else at
        at.astimezone(dt.UTC)
    except (OverflowError, ValueError) as exc:
        raise ValidationFailed(_("This date cannot be stored."), fields={"at": [_("Out of range.")]}) from exc
    return at


def feedback_record(*, actor: Actor, account: Account, score: int, comment: str = "",
                    contact: Contact | None = None, deal: Deal | None = None,
                    at: dt.datetime | None = None) -> Feedback:
    """A customer's 0-10 score and comment, recorded by staff (history on the feedback and the account).
    A score at or above IMBUTO_REFERRAL_ASK_SCORE later gives the owner a task (`referral_ask`)."""
    if not isinstance(score, int) or isinstance(score, bool) or not SCORE_MIN <= score <= SCORE_MAX:
        raise ValidationFailed(_("The score is a whole number from 0 to 10."),
                               fields={"score": [_("From 0 to 10.")]})
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(_("The comment is too long."), fields={"comment": [_("Too long.")]})
    _belongs(account, contact, deal)
    if at is not None:
        at = _moment(at)
    if at is not None and at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationFailed(_("Feedback cannot be given in the future."),
                               fields={"at": [_("In the future.")]})
    feedback = Feedback(account=account, contact=contact, deal=deal, score=score, comment=comment.strip(),
                        at=at or timezone.now(), recorded_by=_user(actor))
    permissions.require(actor, "create", feedback)
    with transaction.atomic():
        feedback.save()
        history.record(feedback, actor=actor, action="created",
                       changes={"score": (None, score), "comment": (None, feedback.comment)})
        history.record(account, actor=actor, action="feedback_recorded",
                       why=explain.explanation(codes.FEEDBACK, score=score), data={"feedback": feedback.pk})
        events.emit(FeedbackRecorded(feedback_ids=(feedback.pk,), account_ids=(account.pk,), score=score,
                                     actor_id=events.actor_id_of(actor)))
    return feedback


def referral_ask(feedback_id: int) -> Activity | None:
    """After a good score, one task for the deal's (else the account's) owner to ask for referrals,
    due IMBUTO_REFERRAL_ASK_DAYS later. Once per feedback: a retried task finds it done. None when the
    score is below IMBUTO_REFERRAL_ASK_SCORE, the task exists, or nobody owns the customer."""
    with transaction.atomic():
        feedback = (Feedback.objects.select_for_update(of=("self",))
                    .select_related("account", "deal", "contact").filter(pk=feedback_id).first())
        if (feedback is None or feedback.referral_task_id is not None
                or feedback.score < settings.IMBUTO_REFERRAL_ASK_SCORE):
            return None
        owner_id = (feedback.deal.owner_id if feedback.deal else None) or feedback.account.owner_id
        owner = User.objects.filter(pk=owner_id, is_active=True).first() if owner_id else None
        if owner is None:
            return None
        now = timezone.now()
        with translation.override(owner.language or settings.LANGUAGE_CODE):
            subject = _("Ask %(account)s for referrals") % {"account": feedback.account.name}
            body = _("They gave us %(score)s/10.") % {"score": feedback.score}
        if feedback.comment:
            body += f"\n\n{feedback.comment}"
        [task] = system_tasks_open([Activity(
            kind=Kind.TASK, subject=subject[:200], body=body, owner=owner, created_at=now,
            due_at=now + dt.timedelta(days=settings.IMBUTO_REFERRAL_ASK_DAYS),
            account=feedback.account, contact=feedback.contact, deal=feedback.deal)],
            data_for=lambda a: {"kind": a.kind, "feedback": feedback.pk})
        Feedback.objects.filter(pk=feedback.pk).update(referral_task=task)
        history.record(feedback, actor=None, action="referral_task",
                       changes={"referral_task": (None, task.pk)},
                       why=explain.explanation(codes.REFERRAL_ASK, score=feedback.score, owner=str(owner)))
    return task


# ---- problems ----------------------------------------------------------------------------------------

def problem_open(*, actor: Actor, account: Account, title: str, description: str = "",
                 contact: Contact | None = None, deal: Deal | None = None,
                 feedback: Feedback | None = None) -> Problem:
    """An issue the customer raised, open until resolved."""
    title = title.strip()
    if not title:
        raise ValidationFailed(_("Say what the problem is."), fields={"title": [_("Required.")]})
    if len(title) > 200 or len(description) > COMMENT_MAX:
        raise ValidationFailed(_("The text is too long."),
                               fields={"title" if len(title) > 200 else "description": [_("Too long.")]})
    _belongs(account, contact, deal)
    if feedback is not None and feedback.account_id != account.pk:
        raise ValidationFailed(_("This feedback is not the account's."),
                               fields={"feedback": [_("Not of this account.")]})
    problem = Problem(account=account, contact=contact, deal=deal, feedback=feedback, title=title,
                      description=description.strip(), recorded_by=_user(actor))
    permissions.require(actor, "create", problem)
    with transaction.atomic():
        problem.save()
        history.record(problem, actor=actor, action="created",
                       changes={"status": (None, ProblemStatus.OPEN), "title": (None, title)})
        _emit(problem, actor)
    return problem


def _emit(problem: Problem, actor: Actor) -> None:
    events.emit(ProblemChanged(problem_ids=(problem.pk,), account_ids=(problem.account_id,),
                               status=problem.status, actor_id=events.actor_id_of(actor)))


def problem_resolve(*, actor: Actor, problem: Problem, resolution: str) -> Problem:
    """Resolved, with what was done; resolving a resolved problem is a conflict (409)."""
    resolution = resolution.strip()
    if not resolution:
        raise ValidationFailed(_("Say how the problem was resolved."),
                               fields={"resolution": [_("Required.")]})
    if len(resolution) > COMMENT_MAX:
        raise ValidationFailed(_("The text is too long."), fields={"resolution": [_("Too long.")]})
    permissions.require(actor, "change", problem)
    with transaction.atomic():
        locked = Problem.objects.select_for_update().get(pk=problem.pk)
        if locked.status == ProblemStatus.RESOLVED:
            raise Conflict(_("This problem is already resolved."))
        now = timezone.now()
        changes: dict[str, tuple[Any, Any]] = {
            "status": (locked.status, ProblemStatus.RESOLVED), "resolved_at": (locked.resolved_at, now),
            "resolution": (locked.resolution, resolution)}
        locked.status, locked.resolved_at, locked.resolution = ProblemStatus.RESOLVED, now, resolution
        locked.resolved_by = _user(actor)
        locked.save(update_fields=["status", "resolved_at", "resolution", "resolved_by"])
        history.record(locked, actor=actor, action="resolved", changes=changes)
        _emit(locked, actor)
    return locked


def problem_reopen(*, actor: Actor, problem: Problem, reason: str = "") -> Problem:
    """The problem came back: open again (its last resolution stays in history)."""
    permissions.require(actor, "change", problem)
    with transaction.atomic():
        locked = Problem.objects.select_for_update().get(pk=problem.pk)
        if locked.status == ProblemStatus.OPEN:
            raise Conflict(_("This problem is already open."))
        changes: dict[str, tuple[Any, Any]] = {"status": (locked.status, ProblemStatus.OPEN),
                                               "resolved_at": (locked.resolved_at, None)}
        locked.status, locked.resolved_at, locked.resolved_by = ProblemStatus.OPEN, None, None
        locked.save(update_fields=["status", "resolved_at", "resolved_by"])
        history.record(locked, actor=actor, action="reopened", changes=changes, reason=reason[:2000])
        _emit(locked, actor)
    return locked


# ---- referrals ---------------------------------------------------------------------------------------

def referral_capture(*, actor: Actor, account: Account, contact: Contact | None, person: dict[str, Any],
                     note: str = "") -> tuple[Lead, str]:
    """Someone the customer referred: captured through intake's one pipeline in the referral channel
    (normalised, matched, merged into an existing lead if they are one), then credited to the account
    and the contact by intake's `referral_record`. Returns (lead, outcome)."""
    from imbuto.intake.services import lead_capture, referral_record
    from imbuto.leads.models import Channel

    permissions.require(actor, "view", account)
    if contact is not None and contact.account_id != account.pk:
        raise ValidationFailed(_("This contact is not one of the account's."),
                               fields={"contact": [_("Not of this account.")]})
    data = {k: v for k, v in person.items() if v not in (None, "")}
    if not any(data.get(k) for k in ("email", "phone", "last_name", "company_name")):
        raise ValidationFailed(_("Give at least a name, an email, a phone or a company."),
                               fields={"last_name": [_("Required.")]})
    data["channel"] = Channel.objects.get(slug="referral")
    lead, outcome, _duplicate = lead_capture(actor=actor, data=data)
    try:
        referral_record(actor=actor, lead=lead, referrer_contact=contact, referrer_account=account,
                        note=note)
    except PermissionDenied as exc:  # they were already someone else's lead
        raise Conflict(_("This person is already a lead you may not change: ask its owner to record "
                         "the referral.")) from exc
    return lead, outcome
