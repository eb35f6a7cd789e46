"""The one place that decides who may see or change what. API, UI and CLI all call it.

Rules (issue #2): an admin sees and changes everything; a sales manager the leads of their team; a
sales rep the leads they own; a marketer sees every lead and changes those still in marketing's
hands (before SQL, plus the parked and discarded exits). Denials are audited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet

from .errors import PermissionDenied
from .models import AuditEvent

MARKETING_STAGES = ("suspect", "lead", "mql", "parked", "discarded")


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return "admin"
    return user.role


def lead_scope(user: Any, action: str = "view") -> Q | None:
    """A Q over Lead for what `user` may do; None means nothing, Q() means everything."""
    role = role_of(user)
    if role is None:
        return None
    if role == "admin":
        return Q()
    if role == "manager":
        if not user.team_id:
            return Q(owner=user)
        return Q(team_id=user.team_id) | Q(owner__team_id=user.team_id) | Q(owner=user)
    if role == "rep":
        return Q(owner=user)
    if role == "marketer":
        return Q() if action == "view" else Q(stage__in=MARKETING_STAGES)
    return None


def restrict(user: Any, queryset: QuerySet, action: str = "view") -> QuerySet:
    """Every list and lookup goes through here (NetBox's `restrict`)."""
    model = queryset.model._meta.label_lower
    if model == "leads.lead":
        scope = lead_scope(user, action)
        return queryset.none() if scope is None else queryset.filter(scope)
    role = role_of(user)
    if role is None:
        return queryset.none()
    if action == "view" or role in ("admin", "manager"):
        return queryset
    if hasattr(queryset.model, "owner"):
        return queryset.filter(owner=user)
    return queryset.none()


def can(user: Any, action: str, obj: Model) -> bool:
    label = obj._meta.label_lower
    role = role_of(user)
    if role is None:
        return False
    if label == "leads.lead":
        if action == "create":
            return role in ("admin", "manager", "rep", "marketer")
        return restrict(user, type(obj)._default_manager.filter(pk=obj.pk), action).exists()
    if label in ("leads.campaign", "leads.channel"):
        return action == "view" or role in ("admin", "manager", "marketer")
    if label in ("accounts.user", "accounts.team"):
        return action == "view" or role == "admin"
    if action == "view" or role in ("admin", "manager"):
        return True
    return getattr(obj, "owner_id", None) == user.pk


def require(user: Any, action: str, obj: Model, *, ip: str | None = None) -> None:
    """Raise PermissionDenied (and audit it) unless `user` may do `action` on `obj`."""
    if can(user, action, obj):
        return
    audit_denial(user, action, obj._meta.label_lower, obj.pk, ip=ip)
    raise PermissionDenied(f"You may not {action} this {obj._meta.verbose_name}.")


def can_create_lead(user: Any, owner: Any = None) -> bool:
    """Every role creates leads; a sales rep only for themselves."""
    role = role_of(user)
    if role == "rep" and owner is not None and getattr(owner, "pk", owner) != user.pk:
        return False
    return role in ("admin", "manager", "rep", "marketer")


def can_import_leads(user: Any) -> bool:
    """List imports (purchased lists, event attendees) are a marketing and management task."""
    return role_of(user) in ("admin", "manager", "marketer")


def can_manage_forms(user: Any) -> bool:
    """Web capture forms are marketing material: admins, managers and marketers edit them."""
    return role_of(user) in ("admin", "manager", "marketer")


def can_manage_users(user: Any) -> bool:
    """Adding people, changing roles and teams, deactivating, resetting passwords: admins only."""
    return role_of(user) == "admin"


def can_view_chats(user: Any) -> bool:
    return role_of(user) is not None


def can_answer_chats(user: Any) -> bool:
    """Talking to a visitor is sales work: admins, managers and reps take chats over."""
    return role_of(user) in ("admin", "manager", "rep")


def audit_denial(user: Any, action: str, object_type: str, object_id: Any, *, ip: str | None = None,
                 detail: dict | None = None) -> None:
    AuditEvent.objects.create(
        actor=user if getattr(user, "pk", None) else None,
        action="denied",
        object_type=object_type,
        object_id=str(object_id or ""),
        detail={"attempted": action, **(detail or {})},
        ip=ip,
    )
