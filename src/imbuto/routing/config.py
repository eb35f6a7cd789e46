"""The writers of the routing configuration: rules (create, change, move, delete), pools, their
members and the global settings. API and forms call these, so both obey the same checks: unknown
teams, users, channels or campaigns, a zero capacity, a rule that can never match are refused with a
message per field (422), a change outside one's team with 403."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils.translation import gettext as _

from imbuto.core import history, permissions
from imbuto.core.errors import NotFound, PermissionDenied, ValidationFailed, from_django_validation
from imbuto.core.types import Actor
from imbuto.leads.choices import SizeBand, Temperature
from imbuto.leads.models import Campaign, Channel
from imbuto.leads.parsing import parse_language
from imbuto.users.models import Team, User

from .models import Pool, PoolMember, Rule, Settings

LIST_FIELDS = (
    "countries",
    "regions",
    "languages",
    "products",
    "size_bands",
    "industries",
    "channels",
    "campaigns",
    "temperatures",
)
RULE_FIELDS = ("name", "position", "is_active", "pool", *LIST_FIELDS, "min_score", "max_score", "skill")
POOL_FIELDS = ("name", "team", "is_default", "nurturing_owner")
MEMBER_FIELDS = (
    "user",
    "weight",
    "capacity",
    "skills",
    "away_from",
    "away_until",
    "work_days",
    "work_start",
    "work_end",
)


def _deny(actor: Actor, action: str, message: str) -> None:
    permissions.audit_denial(actor, action, "routing.pool", None)
    raise PermissionDenied(message)


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _words(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise _fail(field, _("Give a list of values."))
    out = []
    for item in value:
        if not isinstance(item, str | int) or isinstance(item, bool):
            raise _fail(field, _("Give a list of values."))
        text = str(item).strip()
        if "\x00" in text:
            raise _fail(field, _("NUL characters are not allowed."))
        if text and text not in out:
            out.append(text[:100])
    return out


def _countries(values: list[str]) -> list[str]:
    from imbuto.intake.normalize import normalize_country

    out = []
    for value in values:
        code, problem = normalize_country(value)
        if problem or not code:
            raise _fail("countries", _("%(value)s is not a country.") % {"value": value})
        out.append(code)
    return out


def _languages(values: list[str]) -> list[str]:
    out = []
    for value in values:
        code = parse_language(value)
        if not code:
            raise _fail("languages", _("%(value)s is not a language.") % {"value": value})
        out.append(code)
    return out


def _among(values: list[str], allowed: Iterable[str], field: str) -> list[str]:
    allowed = set(allowed)
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise _fail(
            field,
            _("Unknown value: %(values)s. Choose among: %(allowed)s.")
            % {"values": ", ".join(wrong), "allowed": ", ".join(sorted(allowed))},
        )
    return values


def _campaigns(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        if not value.isdigit():
            raise _fail("campaigns", _("Campaigns are given by their number (id)."))
        ids.append(int(value))
    found = set(Campaign.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise _fail("campaigns", _("No such campaign: %(ids)s.") % {"ids": ", ".join(missing)})
    return ids


def _int_or_none(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise _fail(field, _("Give a whole number."))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _fail(field, _("Give a whole number.")) from None
    if not -(2**31) <= number <= 2**31 - 1:
        raise _fail(field, _("This number is too large."))
    return number


def _object[M: Model](model: type[M], value: Any, field: str, message: str) -> M | None:
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    pk = _int_or_none(value, field)
    found = model._default_manager.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise _fail(field, message)
    return found


def clean_rule_values(values: dict[str, Any]) -> dict[str, Any]:
    """The rule's values as stored: lists parsed, countries and languages read as people write them,
    channels and campaigns checked to exist. Raises ValidationFailed naming the field."""
    out = dict(values)
    for name in LIST_FIELDS:
        if name in out:
            out[name] = _words(out[name], name)
    if "countries" in out:
        out["countries"] = _countries(out["countries"])
    if "languages" in out:
        out["languages"] = _languages(out["languages"])
    if "size_bands" in out:
        out["size_bands"] = _among(out["size_bands"], SizeBand.values, "size_bands")
    if "temperatures" in out:
        out["temperatures"] = _among(out["temperatures"], Temperature.values, "temperatures")
    if out.get("channels"):
        out["channels"] = _among(out["channels"], Channel.objects.values_list("slug", flat=True), "channels")
    if "campaigns" in out:
        out["campaigns"] = _campaigns([str(c) for c in out["campaigns"]])
    for name in ("min_score", "max_score"):
        if name in out:
            out[name] = _int_or_none(out[name], name)
    if "position" in out:
        out["position"] = max(0, _int_or_none(out["position"], "position") or 0)
    if "pool" in out:
        out["pool"] = _object(Pool, out["pool"], "pool", _("No such pool."))
        if out["pool"] is None:
            raise _fail("pool", _("Choose the pool this rule sends leads to."))
    if "skill" in out:
        out["skill"] = str(out["skill"] or "").strip()[:50]
    return out


def _save(obj: Model, *, actor: Actor, action: str, changes: dict[str, list[Any]]) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from None
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationFailed(
            _("This conflicts with an existing one (same name, team or member)."),
            fields={"__all__": [_("Already exists.")]},
        ) from None
    history.record(obj, actor=actor, action=action, changes=changes)


def _plain(value: Any) -> Any:
    """A value as history stores it (times too, which core.history leaves as they are)."""
    return value.isoformat() if isinstance(value, dt.time) else history.jsonable(value)


def _apply(obj: Model, values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise _fail(unknown[0], _("Unknown field."))
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = getattr(obj, name, None)
        if old != value:
            changes[name] = [_plain(old), _plain(value)]
            setattr(obj, name, value)
    return changes


@transaction.atomic
def rule_save(*, actor: Actor, rule: Rule | None, values: dict[str, Any]) -> Rule:
    """Create (`rule` None) or change a rule. A manager works only on rules to their team's pool."""
    values = clean_rule_values(values)
    creating = rule is None
    if rule is None:
        permissions.require(actor, "create", Rule)
        if "pool" not in values:
            raise _fail("pool", _("Choose the pool this rule sends leads to."))
        rule = Rule()
        if values.get("position") is None:
            values["position"] = (Rule.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    else:
        permissions.require(actor, "change", rule)
    if "pool" in values:
        permissions.require(
            actor, "change", values["pool"], message=_("You may send leads only to your own team's pool.")
        )
    changes = _apply(rule, values, RULE_FIELDS)
    _save(rule, actor=actor, action="created" if creating else "updated", changes=changes)
    return rule


@transaction.atomic
def rule_delete(*, actor: Actor, rule: Rule) -> None:
    permissions.require(actor, "delete", rule)
    history.record(rule, actor=actor, action="deleted", changes={"name": [rule.name, None]})
    rule.delete()


@transaction.atomic
def rule_move(*, actor: Actor, rule: Rule, by: int) -> list[Rule]:
    """Move a rule up (`by` -1) or down (+1) in the order; renumbers every rule 1..n."""
    permissions.require(actor, "change", rule)
    rules = list(Rule.objects.select_for_update().order_by("position", "pk"))
    index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
    target = min(max(index + by, 0), len(rules) - 1)
    rules.insert(target, rules.pop(index))
    for position, r in enumerate(rules, start=1):
        if r.position != position:
            Rule.objects.filter(pk=r.pk).update(position=position)
            r.position = position
    history.record(rule, actor=actor, action="updated", changes={"position": [index + 1, target + 1]})
    return rules


def clean_pool_values(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "team" in out:
        out["team"] = _object(Team, out["team"], "team", _("No such team."))
        if out["team"] is None:
            raise _fail("team", _("Choose the team whose reps make up the pool."))
    if "nurturing_owner" in out:
        owner = _object(User, out["nurturing_owner"], "nurturing_owner", _("No such user."))
        if owner is not None and not owner.is_active:
            raise _fail("nurturing_owner", _("This user is not active."))
        out["nurturing_owner"] = owner
    if "is_default" in out:
        out["is_default"] = bool(out["is_default"])
    return out


@transaction.atomic
def pool_save(*, actor: Actor, pool: Pool | None, values: dict[str, Any]) -> Pool:
    """Create or change a pool. A manager may create and change their own team's pool only; only an
    admin names the default pool. Making a pool the default takes that from the previous one."""
    values = clean_pool_values(values)
    role = permissions.role_of(actor) if actor is not None else "admin"
    creating = pool is None
    if pool is None:
        team = values.get("team")
        if team is None:
            raise _fail("team", _("Choose the team whose reps make up the pool."))
        if role != "admin" and not (role == "manager" and actor is not None and actor.team_id == team.pk):
            _deny(actor, "create", _("A sales manager makes a pool for their own team only."))
        pool = Pool()
    else:
        permissions.require(actor, "change", pool)
    if role != "admin":
        if values.get("is_default") and not pool.is_default:
            _deny(actor, "change", _("Only an administrator names the default pool."))
        team = values.get("team")
        if team is not None and actor is not None and team.pk != actor.team_id:
            _deny(actor, "change", _("A sales manager makes a pool for their own team only."))
    if values.get("is_default"):
        Pool.objects.filter(is_default=True).exclude(pk=pool.pk).update(is_default=False)
    changes = _apply(pool, values, POOL_FIELDS)
    _save(pool, actor=actor, action="created" if creating else "updated", changes=changes)
    return pool


@transaction.atomic
def pool_delete(*, actor: Actor, pool: Pool) -> None:
    """Delete a pool and its rules; leads waiting for it stay waiting (and are tried again)."""
    permissions.require(actor, "delete", pool)
    history.record(pool, actor=actor, action="deleted", changes={"name": [pool.name, None]})
    pool.delete()


def clean_member_values(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "user" in out:
        user = _object(User, out["user"], "user", _("No such user."))
        if user is None:
            raise _fail("user", _("Choose the rep."))
        if not user.is_active:
            raise _fail("user", _("This user is not active."))
        out["user"] = user
    for name in ("weight", "capacity"):
        if name in out:
            out[name] = _int_or_none(out[name], name)
    if out.get("weight", 1) is None:
        raise _fail("weight", _("The weight must be at least 1."))
    if "skills" in out:
        out["skills"] = [s.casefold() for s in _words(out["skills"], "skills")]
    if "work_days" in out:
        days = out["work_days"]
        if isinstance(days, str):
            days = [d for d in days.split(",") if d.strip()]
        try:
            out["work_days"] = sorted({int(d) for d in days or ()})
        except (TypeError, ValueError):
            raise _fail("work_days", _("Working days are numbers from 0 (Monday) to 6 (Sunday).")) from None
    for name in ("weight", "capacity"):
        if out.get(name) is not None and out[name] < 1:
            raise _fail(
                name,
                _("The weight must be at least 1.")
                if name == "weight"
                else _(
                    "A rep with no capacity can take no lead: set at least 1, or leave it empty for no limit."
                ),
            )
    return out


@transaction.atomic
def member_save(*, actor: Actor, pool: Pool, member: PoolMember | None, values: dict[str, Any]) -> PoolMember:
    """Add a rep to a pool or change their weight, capacity, skills and availability."""
    permissions.require(actor, "change", pool)
    values = clean_member_values(values)
    creating = member is None
    if member is None:
        if "user" not in values:
            raise _fail("user", _("Choose the rep."))
        if PoolMember.objects.filter(pool=pool, user=values["user"]).exists():
            raise _fail("user", _("Already in this pool."))
        member = PoolMember(pool=pool)
    elif member.pool_id != pool.pk:
        raise NotFound(_("No such member in this pool."))
    changes = _apply(member, values, MEMBER_FIELDS)
    _save(member, actor=actor, action="created" if creating else "updated", changes=changes)
    return member


@transaction.atomic
def member_delete(*, actor: Actor, member: PoolMember) -> None:
    permissions.require(actor, "change", member.pool)
    history.record(member, actor=actor, action="deleted", changes={"user": [member.user_id, None]})
    member.delete()


@transaction.atomic
def settings_save(*, actor: Actor, nurturing_owner: Any) -> Settings:
    """The global nurturing owner (None: nobody; leads of pools without their own go to sales)."""
    config = Settings.get()
    permissions.require(actor, "change", config)
    owner = clean_pool_values({"nurturing_owner": nurturing_owner})["nurturing_owner"]
    changes = _apply(config, {"nurturing_owner": owner}, ("nurturing_owner",))
    _save(config, actor=actor, action="updated", changes=changes)
    return config
