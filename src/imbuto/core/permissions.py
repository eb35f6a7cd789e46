"""The one place that decides who may see or change what. API, UI and CLI all call it.

Each app registers a policy for each of its models in its `AppConfig.ready()`
(`permissions.register(Model, Policy())`); a model without a policy is denied to everyone, so a new
model is invisible until its app says who may see it. Four entry points:

- `restrict(user, queryset, action)`: the queryset narrowed to what `user` may do, in one query;
- `can(user, action, obj)`: decided from the object in memory where the policy can (no query);
  `obj` may also be a model class or an "app.model" label for acts on the kind (`create`, `import`);
- `require(actor, action, obj)`: `can` or an audited PermissionDenied (the only audited check);
- `role_of(user)` and `lead_scope(user, action)` for the few callers that need the role or the Q.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from imbuto.core.types import Actor

from .errors import PermissionDenied
from .models import AuditEvent

ROLES = ("admin", "manager", "rep", "marketer")


class Policy:
    """Who may do what on one model. The base class denies everything: a policy opens what it names.

    `scope` answers for querysets (a Q, Q() for all rows, None for none); `check` answers for one
    object in memory (True/False) or None to let `scope` decide with one query. `obj` is None when
    the act concerns the kind (creating one, importing, managing)."""

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        return None

    def check(self, user: Any, role: str, action: str, obj: Model | None) -> bool | None:
        return None


class Everyone(Policy):
    """Reference data: every signed-in role reads it; `change_roles` change it."""

    def __init__(self, change_roles: tuple[str, ...] = ("admin",)) -> None:
        self.change_roles = change_roles

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        return Q() if action == "view" or role in self.change_roles else None


class Roles(Policy):
    """Some roles may do some actions on every row: {action: roles}; '*' is any other action."""

    def __init__(self, rules: dict[str, tuple[str, ...]]) -> None:
        self.rules = rules

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        roles = self.rules.get(action, self.rules.get("*", ()))
        return Q() if role in roles else None


_policies: dict[str, Policy] = {}


def _label(target: Any) -> str:
    if isinstance(target, str):
        return target.lower()
    return str(target._meta.label_lower)


def register(model: Any, policy: Policy) -> None:
    """Called by each app's ready() for its own models (a model class or an "app.model" label)."""
    _policies[_label(model)] = policy


def policy_for(model: Any) -> Policy | None:
    return _policies.get(_label(model))


def registered() -> frozenset[str]:
    return frozenset(_policies)


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return "admin"
    return user.role if user.role in ROLES else None


def scope_of(user: Any, model: Any, action: str = "view") -> Q | None:
    """The Q over `model` for what `user` may do; None means nothing, Q() means everything."""
    role = role_of(user)
    policy = policy_for(model)
    if role is None or policy is None:
        return None
    return policy.scope(user, role, action)


def lead_scope(user: Any, action: str = "view") -> Q | None:
    """A Q over Lead for what `user` may do; None means nothing, Q() means everything."""
    return scope_of(user, "leads.lead", action)


def sees_loaded_lead(user: Any, lead: Any) -> bool | None:
    """Whether `user` may see a lead already in memory, when that is certain without the database
    (True for who sees every lead and for the lead's owner, as `lead_scope` says); None otherwise."""
    scope = lead_scope(user, "view")
    if scope is None:
        return False
    if scope == Q() or getattr(lead, "owner_id", None) == user.pk:
        return True
    return None


def restrict[M: Model](user: Any, queryset: QuerySet[M], action: str = "view") -> QuerySet[M]:
    """Every list and lookup goes through here (NetBox's `restrict`): one filter, one query."""
    scope = scope_of(user, queryset.model, action)
    if scope is None:
        return queryset.none()
    return queryset if scope == Q() else queryset.filter(scope)


def can(user: Any, action: str, obj: Any) -> bool:
    """May `user` do `action` on `obj` (an instance, a model class or a label for the kind)?"""
    role = role_of(user)
    instance = obj if isinstance(obj, Model) else None
    policy = policy_for(obj)
    if role is None or policy is None:
        return False
    verdict = policy.check(user, role, action, instance)
    if verdict is not None:
        return verdict
    scope = policy.scope(user, role, action)
    if scope is None:
        return False
    if scope == Q() or instance is None:
        return True  # every row, or (for the kind) at least some rows
    if instance.pk is None:
        return False
    return type(instance)._default_manager.filter(scope, pk=instance.pk).exists()


def require(actor: Actor | AnonymousUser, action: str, obj: Any, *, ip: str | None = None,
            detail: dict[str, Any] | None = None, message: str | None = None) -> None:
    """Raise PermissionDenied, and write the denial to the audit table, unless `actor` may do it.

    `actor=None` is the system itself (tasks, the public form and chat, the shell) and is allowed;
    a person always comes as a user, anonymous visitors as AnonymousUser."""
    if actor is None or can(actor, action, obj):
        return
    pk = getattr(obj, "pk", None) if isinstance(obj, Model) else None
    audit_denial(actor, action, _label(obj), pk, ip=ip, detail=detail)
    raise PermissionDenied(message or _("You may not do this."))


def audit_denial(user: Any, action: str, object_type: str, object_id: Any, *, ip: str | None = None,
                 detail: dict[str, Any] | None = None) -> None:
    AuditEvent.objects.create(
        actor=user if getattr(user, "pk", None) else None,
        action="denied",
        object_type=object_type,
        object_id=str(object_id or ""),
        detail={"attempted": action, **(detail or {})},
        ip=ip,
    )


# --- named acts on a kind, kept for callers (each asks the app's policy) ----------------------------

def can_create_lead(user: Any) -> bool:
    """May `user` create leads at all? For whom is leads.assignment's rule (`assignment`)."""
    return can(user, "create", "leads.lead")


def can_import_leads(user: Any) -> bool:
    return can(user, "create", "intake.importjob")


def can_manage_forms(user: Any) -> bool:
    return can(user, "change", "intake.webform")


def can_manage_users(user: Any) -> bool:
    """Adding people, changing roles and teams, deactivating, resetting passwords: admins only."""
    return can(user, "change", "users.user")


def can_manage_chat_sites(user: Any) -> bool:
    """Which websites may show the chat widget: admins only (as the environment variable is theirs)."""
    return can(user, "change", "intake.chatsettings")


def can_work_unassigned_queue(user: Any) -> bool:
    """Admins and sales managers take or assign the leads nobody owns yet (until routing does)."""
    return role_of(user) in ("admin", "manager")


def can_view_chats(user: Any) -> bool:
    return can(user, "view", "intake.chatsession")


def can_answer_chats(user: Any) -> bool:
    return can(user, "answer", "intake.chatsession")
