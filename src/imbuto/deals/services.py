"""Writes on deals: create, update and `deal_move`, the one way a deal changes stage (the board and
the API both call it). Each checks permission, runs in one transaction, writes history and emits its
events after commit. A lead's conversion into a deal is in conversion.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import events, explain, history, permissions
from imbuto.core.errors import Conflict, PermissionDenied, ValidationFailed
from imbuto.core.types import Actor

from . import codes, followup, policies
from . import events as deal_events
from .currencies import is_currency
from .models import Deal, DealLine, LostReason, Pipeline, PipelineStage, Product, StageOutcome

EDITABLE = (
    "name",
    "amount",
    "currency",
    "expected_close",
    "owner",
    "account",
    "contact",
    "competitor",
    "competitor_product",
    "probability",
    "lost_note",
)
MAX_LINES = 100


def default_pipeline() -> Pipeline:
    """The pipeline new deals go to when none is named."""
    pipeline = Pipeline.objects.order_by("-is_default", "pk").first()
    if pipeline is None:
        raise ValidationFailed(
            _("There is no pipeline: an admin must create one first."),
            fields={"pipeline": [_("No pipeline.")]},
        )
    return pipeline


def first_stage(pipeline: Pipeline) -> PipelineStage:
    stage = pipeline.stages.filter(outcome=StageOutcome.OPEN).order_by("position", "pk").first()
    if stage is None:
        raise ValidationFailed(
            _("This pipeline has no open stage."), fields={"pipeline": [_("No open stage.")]}
        )
    return stage


def resolve_stage(pipeline: Pipeline, value: Any) -> PipelineStage:
    """A stage of `pipeline` by key or id (a stage of another pipeline is unknown here)."""
    if isinstance(value, PipelineStage):
        if value.pipeline_id != pipeline.pk:
            raise ValidationFailed(
                _("That stage belongs to another pipeline."),
                fields={"stage": [_("Not a stage of this pipeline.")]},
            )
        return value
    stages = pipeline.stages.all()
    text = str(value)
    found = stages.filter(key=text).first()
    if found is None and text.isascii() and text.isdigit() and len(text) <= 18:
        found = stages.filter(pk=int(text)).first()
    if found is None:
        keys = ", ".join(stages.values_list("key", flat=True))
        raise ValidationFailed(
            _("No stage %(stage)r in this pipeline; its stages are: %(keys)s.")
            % {"stage": text, "keys": keys},
            fields={"stage": [_("Unknown stage.")]},
        )
    return found


def may_own(actor: Actor, owner: Any) -> None:
    """Refuse an owner `actor` may not give a deal to (policies.may_give_deal); the system may."""
    if actor is None or policies.may_give_deal(actor, owner):
        return
    permissions.audit_denial(actor, "assign", "deals.deal", None)
    raise PermissionDenied(_("You may not give a deal to that person."))


def _check_values(values: dict[str, Any]) -> None:
    amount = values.get("amount")
    if amount is not None and Decimal(amount) < 0:
        raise ValidationFailed(_("The amount cannot be negative."), fields={"amount": [_("Negative.")]})
    currency = values.get("currency")
    if currency is not None and not is_currency(str(currency)):
        raise ValidationFailed(
            _("%(code)r is not an ISO 4217 currency code (EUR, USD, GBP...).") % {"code": currency},
            fields={"currency": [_("Unknown currency.")]},
        )
    probability = values.get("probability")
    if probability is not None and not 0 <= int(probability) <= 100:
        raise ValidationFailed(
            _("A probability is between 0 and 100."), fields={"probability": [_("Out of range.")]}
        )
    if "name" in values and not str(values["name"] or "").strip():
        raise ValidationFailed(_("A deal needs a name."), fields={"name": [_("Required.")]})


def _lines(deal: Deal, lines: list[dict[str, Any]]) -> Decimal:
    """Replace the deal's lines; returns their total. A line's price defaults to its product's."""
    if len(lines) > MAX_LINES:
        raise ValidationFailed(
            _("At most %(n)s lines.") % {"n": MAX_LINES}, fields={"lines": [_("Too many.")]}
        )
    rows = []
    for line in lines:
        product: Product | None = line.get("product")
        quantity = Decimal(1) if line.get("quantity") is None else Decimal(line["quantity"])
        price = line.get("unit_price")
        price = Decimal(price) if price is not None else (product.unit_price if product else Decimal(0))
        if quantity <= 0 or price < 0:
            raise ValidationFailed(
                _("A line needs a positive quantity and a price of at least 0."),
                fields={"lines": [_("Invalid line.")]},
            )
        if product is None and not (line.get("description") or "").strip():
            raise ValidationFailed(
                _("A line names a product or has a description."), fields={"lines": [_("Invalid line.")]}
            )
        rows.append(
            DealLine(
                deal=deal,
                product=product,
                quantity=quantity,
                unit_price=price,
                description=(line.get("description") or "")[:200],
            )
        )
    DealLine.objects.filter(deal=deal).delete()
    DealLine.objects.bulk_create(rows)
    return sum((row.quantity * row.unit_price for row in rows), Decimal(0)).quantize(Decimal("0.01"))


def deal_create(
    *,
    actor: Actor,
    data: dict[str, Any],
    lines: list[dict[str, Any]] | None = None,
    why: dict[str, Any] | None = None,
) -> Deal:
    """A new open deal: `data` holds model values (objects for pipeline, stage, owner, account,
    contact, lead); the pipeline defaults to the default one, the stage to its first open stage, the
    owner to the actor, the amount to the lines' total."""
    permissions.require(actor, "create", Deal, message=_("You may not create deals."))
    owner = data.get("owner") or (actor if getattr(actor, "pk", None) else None)
    may_own(actor, owner)
    _check_values(data)
    with transaction.atomic():
        deal = _create(actor=actor, data={**data, "owner": owner}, lines=lines, why=why)
    return deal


def _create(
    *, actor: Actor, data: dict[str, Any], lines: list[dict[str, Any]] | None, why: dict[str, Any] | None
) -> Deal:
    pipeline = data.pop("pipeline", None) or default_pipeline()
    stage = resolve_stage(pipeline, data.pop("stage")) if data.get("stage") else first_stage(pipeline)
    data.pop("stage", None)
    if stage.outcome != StageOutcome.OPEN:
        raise ValidationFailed(
            _("A new deal starts in an open stage; move it to won or lost afterwards."),
            fields={"stage": [_("Not an open stage.")]},
        )
    owner = data.get("owner")
    currency = data.pop("currency", None) or pipeline.currency
    deal = Deal(
        **data,
        pipeline=pipeline,
        stage=stage,
        currency=currency,
        team_id=owner.team_id if owner is not None else None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    deal.name = deal.name.strip()[:200]
    deal.save()
    if lines:
        total = _lines(deal, lines)
        if data.get("amount") is None:
            deal.amount = total
            deal.save(update_fields=["amount"])
    history.record(
        deal,
        actor=actor,
        action="created",
        why=why,
        changes={"stage": [None, stage.pk], "amount": [None, deal.amount]},
    )
    lead_ids = (deal.lead_id,) if deal.lead_id else ()
    actor_id = events.actor_id_of(actor)
    events.emit(deal_events.DealCreated(deal_ids=(deal.pk,), lead_ids=lead_ids, actor_id=actor_id))
    events.emit(
        deal_events.DealStageChanged(
            deal_ids=(deal.pk,), to_stage=stage.pk, to_key=stage.key, actor_id=actor_id
        )
    )
    return deal


def _check_version(deal: Deal, version: int | None) -> None:
    if version is not None and deal.version != version:
        raise Conflict(
            _("Someone else changed this deal meanwhile (it is now in %(stage)s); reload it and try again.")
            % {"stage": deal.stage.display_name},
            fields={"version": [_("Out of date: now %(v)s.") % {"v": deal.version}]},
        )


def deal_update(
    *,
    actor: Actor,
    deal: Deal,
    values: dict[str, Any],
    lines: list[dict[str, Any]] | None = None,
    version: int | None = None,
) -> Deal:
    """Change editable fields (and replace the lines when given); the stage moves only through
    deal_move. With `version`, a deal changed meanwhile is a 409."""
    permissions.require(actor, "change", deal, message=_("You may not change this deal."))
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(
            _("Some fields cannot be changed here."),
            fields={f: [_("Not editable.")] for f in sorted(unknown)},
        )
    if "owner" in values:
        may_own(actor, values["owner"])
    _check_values(values)
    with transaction.atomic():
        locked = Deal.objects.select_for_update().select_related("stage").get(pk=deal.pk)
        _check_version(locked, version)
        before = {f: getattr(locked, f) for f in EDITABLE}
        for field, value in values.items():
            setattr(
                locked,
                field,
                ""
                if value is None and field in ("competitor", "competitor_product", "lost_note", "name")
                else value,
            )
        if "owner" in values:
            locked.team_id = locked.owner.team_id if locked.owner is not None else None
        changes = {f: (before[f], getattr(locked, f)) for f in EDITABLE if before[f] != getattr(locked, f)}
        if lines is not None:
            old = locked.lines.count()
            total = _lines(locked, lines)
            changes["lines"] = (old, len(lines))
            if "amount" not in values:
                changes["amount"] = (locked.amount, total)
                locked.amount = total
        if not changes:
            return locked
        locked.version += 1
        locked.save()
        history.record(locked, actor=actor, action="updated", changes=changes)
    return locked


def deal_move(
    *,
    actor: Actor,
    deal: Deal,
    stage: Any,
    amount: Decimal | None = None,
    lost_reason: str = "",
    competitor: str | None = None,
    competitor_product: str | None = None,
    lost_note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Deal:
    """Move a deal to another stage of its pipeline (a key, an id or a stage). Won needs an amount
    (given here or already on the deal); lost needs a reason (LostReason). With `version` (the board
    always sends it) a deal someone else changed meanwhile is a 409 and nothing changes. A closed deal
    does not move."""
    permissions.require(actor, "change", deal, message=_("You may not move this deal."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Deal.objects.select_for_update().select_related("stage", "pipeline").get(pk=deal.pk)
        _check_version(locked, version)
        target = resolve_stage(locked.pipeline, stage)
        if locked.status != StageOutcome.OPEN:
            raise Conflict(
                _("This deal is closed (%(status)s); it no longer moves.")
                % {"status": locked.get_status_display()},
                fields={"stage": [_("Closed deal.")]},
            )
        if target.pk == locked.stage_id:
            return locked
        old_stage, old_amount = locked.stage, locked.amount
        if amount is not None:
            _check_values({"amount": amount})
            locked.amount = amount
        if target.outcome == StageOutcome.WON and locked.amount is None:
            raise ValidationFailed(
                _("A won deal needs an amount."), fields={"amount": [_("Required when won.")]}
            )
        changes: dict[str, Any] = {"stage": (old_stage.pk, target.pk)}
        if target.outcome == StageOutcome.LOST:
            if lost_reason not in LostReason.values:
                labels = ", ".join(str(label) for label in LostReason.labels)
                raise ValidationFailed(
                    _("A lost deal needs a reason: %(reasons)s.") % {"reasons": labels},
                    fields={"lost_reason": [_("Choose a reason.")]},
                )
            locked.lost_reason, locked.lost_note = lost_reason, lost_note.strip()
            locked.competitor = competitor if competitor is not None else locked.competitor
            locked.competitor_product = (
                competitor_product if competitor_product is not None else locked.competitor_product
            )
            locked.recycle_at = followup.recycle_time(lost_reason, now)
            changes["lost_reason"] = ("", lost_reason)
        elif competitor is not None:
            locked.competitor = competitor
        if locked.amount != old_amount:
            changes["amount"] = (old_amount, locked.amount)
        locked.stage = target
        locked.status = target.outcome
        locked.stage_changed_at = now
        if target.outcome != StageOutcome.OPEN:
            locked.closed_at = now
            changes["status"] = (StageOutcome.OPEN.value, target.outcome)
        locked.version += 1
        locked.save()
        why = (
            explain.explanation(codes.LOST, deal=locked.pk, lost_reason=lost_reason)
            if target.outcome == StageOutcome.LOST
            else None
        )
        history.record(
            locked, actor=actor, action="moved", changes=changes, reason=lost_note.strip(), why=why
        )
        actor_id = events.actor_id_of(actor)
        events.emit(
            deal_events.DealStageChanged(
                deal_ids=(locked.pk,),
                from_stage=old_stage.pk,
                to_stage=target.pk,
                to_key=target.key,
                actor_id=actor_id,
            )
        )
        if target.outcome != StageOutcome.OPEN:
            followup.after_close(actor=actor, deal=locked)
            events.emit(
                deal_events.DealClosed(
                    deal_ids=(locked.pk,),
                    outcome=target.outcome,
                    actor_id=actor_id,
                    account_ids=(locked.account_id,) if locked.account_id else (),
                )
            )
    return locked
