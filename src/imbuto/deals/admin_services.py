"""Admin writes on the reference data of deals: pipelines and their stages (with each stage's
playbook, which activities turns into tasks), the product catalogue and the recycling delays of
lost deals. Admins only (deals.policies); each change is kept in history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from imbuto.core import history, permissions
from imbuto.core.errors import Conflict, ValidationFailed, from_django_validation
from imbuto.core.types import Actor

from .currencies import is_currency
from .defaults import DEFAULT_STAGES
from .models import LossRecycling, Pipeline, PipelineStage, Product, StageOutcome

PIPELINE_FIELDS = ("name", "name_it", "currency", "is_default")
STAGE_FIELDS = ("key", "name", "name_it", "position", "probability", "idle_days", "outcome", "playbook")
PRODUCT_FIELDS = ("code", "name", "family", "unit_price", "currency", "active")
MAX_PLAYBOOK = 20


def _taken(obj: Any) -> Conflict | None:
    """A pipeline name, a product code or a stage key (per pipeline) another row already has: a
    conflict with stored data (409 naming the field), not a malformed request."""
    others: QuerySet[Any]
    if isinstance(obj, Pipeline):
        field, others = "name", Pipeline.objects.filter(name=obj.name)
        message = _("A pipeline named %(value)r already exists.")
    elif isinstance(obj, Product):
        field, others = "code", Product.objects.filter(code=obj.code)
        message = _("A product with code %(value)r already exists.")
    else:
        field, others = "key", PipelineStage.objects.filter(pipeline_id=obj.pipeline_id, key=obj.key)
        message = _("This pipeline already has a stage with key %(value)r.")
    if obj.pk is not None:
        others = others.exclude(pk=obj.pk)
    if not others.exists():
        return None
    return Conflict(message % {"value": getattr(obj, field)}, fields={field: [_("Already taken.")]})


def _save(obj: Any, *, actor: Actor, before: dict[str, Any] | None, fields: tuple[str, ...]) -> Any:
    try:
        # Uniqueness is checked below: a name taken by another row is a 409, not a 422.
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    if (taken := _taken(obj)) is not None:
        raise taken
    if getattr(obj, "currency", None) is not None and not is_currency(obj.currency):
        raise ValidationFailed(
            _("%(code)r is not an ISO 4217 currency code (EUR, USD, GBP...).") % {"code": obj.currency},
            fields={"currency": [_("Unknown currency.")]},
        )
    changes = {
        f: ((before or {}).get(f), getattr(obj, f))
        for f in fields
        if before is None or before.get(f) != getattr(obj, f)
    }
    if before is not None and not changes:
        return obj
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # taken by a concurrent request since the check above
        raise _taken(obj) or Conflict(_("That name or key is already taken.")) from exc
    history.record(obj, actor=actor, action="created" if before is None else "updated", changes=changes)
    return obj


def _apply(obj: Any, values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationFailed(
            _("Some fields cannot be changed here."),
            fields={f: [_("Not editable.")] for f in sorted(unknown)},
        )
    before = {f: getattr(obj, f) for f in fields}
    for field, value in values.items():
        setattr(obj, field, "" if value is None and field in ("name_it", "family") else value)
    return before


@transaction.atomic
def pipeline_create(*, actor: Actor, values: dict[str, Any]) -> Pipeline:
    """A new pipeline with the default stages (rename, add or remove them afterwards)."""
    permissions.require(actor, "change", Pipeline, message=_("Only admins change pipelines."))
    pipeline = Pipeline()
    _apply(pipeline, values, PIPELINE_FIELDS)
    _save(pipeline, actor=actor, before=None, fields=PIPELINE_FIELDS)
    PipelineStage.objects.bulk_create(
        [
            PipelineStage(
                pipeline=pipeline,
                key=key,
                name=name,
                name_it=name_it,
                position=i,
                probability=p,
                idle_days=idle,
                outcome=outcome,
            )
            for i, (key, name, name_it, p, idle, outcome) in enumerate(DEFAULT_STAGES)
        ]
    )
    _one_default(pipeline)
    return pipeline


def _one_default(pipeline: Pipeline) -> None:
    if pipeline.is_default:
        Pipeline.objects.exclude(pk=pipeline.pk).update(is_default=False)


@transaction.atomic
def pipeline_update(*, actor: Actor, pipeline: Pipeline, values: dict[str, Any]) -> Pipeline:
    permissions.require(actor, "change", pipeline, message=_("Only admins change pipelines."))
    before = _apply(pipeline, values, PIPELINE_FIELDS)
    _save(pipeline, actor=actor, before=before, fields=PIPELINE_FIELDS)
    _one_default(pipeline)
    return pipeline


def check_playbook(playbook: Any) -> list[dict[str, Any]]:
    """[{"title": "Send the proposal", "due_days": 2}, ...]: titles of 1-200 characters, 0-365 days."""
    if not isinstance(playbook, list) or len(playbook) > MAX_PLAYBOOK:
        raise ValidationFailed(
            _("A playbook is a list of at most %(n)s tasks.") % {"n": MAX_PLAYBOOK},
            fields={"playbook": [_("Invalid.")]},
        )
    clean = []
    for item in playbook:
        title = str(item.get("title", "")).strip() if isinstance(item, dict) else ""
        days = item.get("due_days", 0) if isinstance(item, dict) else None
        if (
            not 1 <= len(title) <= 200
            or not isinstance(days, int)
            or isinstance(days, bool)
            or not 0 <= days <= 365
        ):
            raise ValidationFailed(
                _("Each playbook task has a title (up to 200 characters) and is due within 0 to 365 days."),
                fields={"playbook": [_("Invalid task.")]},
            )
        clean.append({"title": title, "due_days": days})
    return clean


@transaction.atomic
def stage_save(
    *, actor: Actor, pipeline: Pipeline, values: dict[str, Any], stage: PipelineStage | None = None
) -> PipelineStage:
    """Create (stage None) or change a stage; a stage with deals keeps its outcome."""
    permissions.require(actor, "change", pipeline, message=_("Only admins change pipelines."))
    if "playbook" in values:
        values = {**values, "playbook": check_playbook(values["playbook"])}
    if stage is None:
        stage = PipelineStage(pipeline=pipeline)
        before = None
        _apply(stage, values, STAGE_FIELDS)
    else:
        before = _apply(stage, values, STAGE_FIELDS)
        if before["outcome"] != stage.outcome and stage.deals.exists():
            raise Conflict(
                _("This stage holds deals: its outcome cannot change."),
                fields={"outcome": [_("The stage holds deals.")]},
            )
    if stage.probability is not None and stage.probability > 100:
        raise ValidationFailed(
            _("A probability is between 0 and 100."), fields={"probability": [_("Out of range.")]}
        )
    return _save(stage, actor=actor, before=before, fields=STAGE_FIELDS)


@transaction.atomic
def stage_delete(*, actor: Actor, stage: PipelineStage) -> None:
    """Remove an empty stage; the last open, won or lost stage of a pipeline stays."""
    permissions.require(actor, "change", stage.pipeline, message=_("Only admins change pipelines."))
    if stage.deals.exists():
        raise Conflict(_("This stage holds deals: move them first."), fields={"stage": [_("Not empty.")]})
    if not stage.pipeline.stages.filter(outcome=stage.outcome).exclude(pk=stage.pk).exists():
        raise Conflict(
            _("A pipeline keeps at least one open, one won and one lost stage."),
            fields={"stage": [_("Last of its kind.")]},
        )
    history.record(stage.pipeline, actor=actor, action="updated", changes={"stages": [stage.key, None]})
    stage.delete()


def product_save(*, actor: Actor, values: dict[str, Any], product: Product | None = None) -> Product:
    """Create (product None) or change an item of the catalogue."""
    permissions.require(actor, "change", Product, message=_("Only admins change the catalogue."))
    if values.get("unit_price") is not None and values["unit_price"] < 0:
        raise ValidationFailed(_("A price cannot be negative."), fields={"unit_price": [_("Negative.")]})
    target = product or Product()
    before = _apply(target, values, PRODUCT_FIELDS) if product is not None else None
    if product is None:
        _apply(target, values, PRODUCT_FIELDS)
    with transaction.atomic():
        return _save(target, actor=actor, before=before, fields=PRODUCT_FIELDS)


@transaction.atomic
def recycling_set(*, actor: Actor, reason: str, delay_days: int, active: bool) -> LossRecycling:
    """How long after a loss for `reason` the lead comes back (1-3650 days), or never (active off)."""
    permissions.require(actor, "change", Pipeline, message=_("Only admins change pipelines."))
    if not 1 <= delay_days <= 3650:
        raise ValidationFailed(
            _("The delay is between 1 and 3650 days."), fields={"delay_days": [_("Out of range.")]}
        )
    rule, _created = LossRecycling.objects.get_or_create(reason=reason)
    before = {"delay_days": rule.delay_days, "active": rule.active}
    rule.delay_days, rule.active = delay_days, active
    changes = {k: (v, getattr(rule, k)) for k, v in before.items() if v != getattr(rule, k)}
    if changes:
        rule.save()
        history.record(rule, actor=actor, action="updated", changes=changes)
    return rule


def open_stage_keys(pipeline: Pipeline) -> list[str]:
    return list(pipeline.stages.filter(outcome=StageOutcome.OPEN).values_list("key", flat=True))
