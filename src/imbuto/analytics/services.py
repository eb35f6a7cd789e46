"""Setting targets: each change closes the current row and writes a new one (history kept), in one
transaction, with a history entry; removing one closes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import history, permissions
from imbuto.core.errors import NotFound, PermissionDenied, ValidationFailed
from imbuto.core.types import Actor
from imbuto.users.models import Team, User

from .models import PeriodKind, Target
from .periods import quarter_of


def _check(kind: str, start: dt.date, amount: Decimal | None, count: int | None) -> None:
    if kind not in PeriodKind.values:
        raise ValidationFailed(
            _("The period is a month or a quarter."), fields={"period_kind": [_("Unknown.")]}
        )
    if start.day != 1 or (kind == "quarter" and quarter_of(start) != start):
        raise ValidationFailed(
            _("A target starts on the first day of its month or quarter."),
            fields={"period_start": [_("Not the first day of the period.")]},
        )
    if amount is None and count is None:
        raise ValidationFailed(
            _("Give a target amount, a count of won deals, or both."),
            fields={"amount": [_("Required without a count.")]},
        )
    if (amount is not None and amount < 0) or (count is not None and count < 0):
        raise ValidationFailed(_("A target cannot be negative."), fields={"amount": [_("Negative.")]})


def target_set(
    *,
    actor: Actor,
    user_id: int | None = None,
    team_id: int | None = None,
    period_kind: str,
    period_start: dt.date,
    amount: Decimal | None = None,
    count: int | None = None,
) -> Target:
    """Set the quota of one rep or one team for one period (replacing the current one, if any)."""
    if (user_id is None) == (team_id is None):
        raise ValidationFailed(
            _("A target is for one rep or one team."), fields={"user_id": [_("Choose one.")]}
        )
    _check(period_kind, period_start, amount, count)
    if amount is not None:
        amount = Decimal(amount).quantize(Decimal("0.01"))
    rep = User.objects.filter(pk=user_id).first() if user_id else None
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    if user_id and rep is None:
        raise ValidationFailed(_("No such rep."), fields={"user_id": [_("Unknown.")]})
    if team_id and team is None:
        raise ValidationFailed(_("No such team."), fields={"team_id": [_("Unknown.")]})
    target = Target(
        user=rep,
        team=team,
        period_kind=period_kind,
        period_start=period_start,
        amount=amount,
        count=count,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    permissions.require(actor, "change", "analytics.targets")
    if actor is not None and not _may_change(actor, target):
        permissions.audit_denial(actor, "change", "analytics.target", None)
        raise PermissionDenied(_("You may not set this target."))
    with transaction.atomic():
        old = list(
            Target.objects.select_for_update().filter(
                user=rep,
                team=team,
                period_kind=period_kind,
                period_start=period_start,
                replaced_at__isnull=True,
            )
        )
        now = timezone.now()
        Target.objects.filter(pk__in=[t.pk for t in old]).update(replaced_at=now)
        target.save()
        history.record(
            target,
            actor=actor,
            action="target_set",
            changes={
                "amount": [old[0].amount if old else None, amount],
                "count": [old[0].count if old else None, count],
            },
        )
    return target


def _may_change(actor: Any, target: Target) -> bool:
    """The Targets policy's change scope, decided on the unsaved row."""
    role = permissions.role_of(actor)
    if role == "admin":
        return True
    if role != "manager":
        return False
    if target.user is not None:
        return target.user.pk == actor.pk or bool(actor.team_id and target.user.team_id == actor.team_id)
    return bool(actor.team_id and target.team_id == actor.team_id)


def target_update(*, actor: Actor, target_id: int, amount: Decimal | None, count: int | None) -> Target:
    """A new amount/count for a current target (the old row stays, closed)."""
    current = _current(actor, target_id)
    return target_set(
        actor=actor,
        user_id=current.user_id,
        team_id=current.team_id,
        period_kind=current.period_kind,
        period_start=current.period_start,
        amount=amount,
        count=count,
    )


def target_remove(*, actor: Actor, target_id: int) -> None:
    """Close a current target (kept as history)."""
    target = _current(actor, target_id)
    with transaction.atomic():
        Target.objects.filter(pk=target.pk).update(replaced_at=timezone.now())
        history.record(
            target,
            actor=actor,
            action="target_removed",
            changes={"amount": [target.amount, None], "count": [target.count, None]},
        )


def _current(actor: Actor, target_id: int) -> Target:
    qs = Target.objects.filter(replaced_at__isnull=True)
    if actor is not None:
        qs = permissions.restrict(actor, qs, "view")
    target = qs.filter(pk=target_id).first()
    if target is None:
        raise NotFound(_("No such target."))
    permissions.require(actor, "change", target)
    return target
