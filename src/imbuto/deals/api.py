"""REST endpoints of deals: thin adapters over the services and selectors (names turned into objects
here; every rule lives in the services and core.permissions)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from imbuto.core.errors import ValidationFailed
from imbuto.core.history import history_of
from imbuto.leads import selectors as lead_selectors
from imbuto.leads.account_selectors import account_get, contact_get
from imbuto.leads.schemas import HistoryPageOut
from imbuto.users.models import User

from . import admin_services, followup, selectors, services
from .conversion import lead_convert
from .models import Deal
from .schemas import (
    DEAL_LIST_ONLY,
    DealConvertIn,
    DealConvertOut,
    DealFilters,
    DealIn,
    DealLineIn,
    DealMoveIn,
    DealOut,
    DealPageOut,
    DealUpdateIn,
    LostReasonName,
    PipelineIn,
    PipelineListOut,
    PipelineOut,
    PipelineUpdateIn,
    ProductIn,
    ProductListOut,
    ProductOut,
    ProductUpdateIn,
    RecyclingIn,
    RecyclingListOut,
    RecyclingOut,
    StageIn,
    StageOut,
    StageUpdateIn,
    WinBackOut,
)

router = Router(tags=["deals"])


def _owner(value: Any) -> User:
    qs = User.objects.filter(is_active=True)
    found = qs.filter(username=value).first() if isinstance(value, str) else None
    if found is None and str(value).isdigit() and len(str(value)) <= 18:
        found = qs.filter(pk=int(value)).first()
    if found is None:
        raise ValidationFailed(
            _("No active user with id or username %(v)r.") % {"v": value},
            fields={"owner": [_("Unknown user.")]},
        )
    return found


def _refs(user: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Ids to objects the user may see (an unknown or hidden one is a 422 naming the field)."""
    out = dict(values)
    finders = {
        "owner": lambda v: _owner(v),
        "account": lambda v: account_get(user, v),
        "contact": lambda v: contact_get(user, v),
        "lead": lambda v: lead_selectors.lead_get(user, v),
        "pipeline": lambda v: selectors.pipeline_get(user, v),
    }
    for name, find in finders.items():
        if out.get(name) is not None:
            try:
                out[name] = find(out[name])
            except Exception as exc:
                if isinstance(exc, ValidationFailed):
                    raise
                raise ValidationFailed(
                    _("Unknown %(field)s %(v)r.") % {"field": name, "v": out[name]},
                    fields={name: [_("Not found.")]},
                ) from exc
    return out


def _lines(user: Any, lines: list[DealLineIn] | None) -> list[dict[str, Any]] | None:
    if lines is None:
        return None
    out = []
    for line in lines:
        values = line.model_dump()
        if values["product"] is not None:
            try:
                values["product"] = selectors.product_get(user, values["product"])
            except Exception as exc:
                raise ValidationFailed(
                    _("Unknown product %(v)r.") % {"v": values["product"]},
                    fields={"lines": [_("Unknown product.")]},
                ) from exc
        out.append(values)
    return out


def _deal(request: HttpRequest, deal_id: int) -> Deal:
    return selectors.deal_get(request.auth, deal_id)


# ---- deals -------------------------------------------------------------------------------------


@router.get("/deals", response=DealPageOut)
def deal_list(request: HttpRequest, filters: Query[DealFilters]) -> Any:
    """Deals you may see, filtered, ordered and paged with a keyset cursor (as GET /leads)."""
    params = filters.model_dump(exclude=DEAL_LIST_ONLY)
    page = selectors.deal_list(request.auth, params, limit=filters.limit, cursor=filters.cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/deals", response={201: DealOut})
def deal_create(request: HttpRequest, payload: DealIn) -> Any:
    values = _refs(request.auth, payload.model_dump(exclude={"lines"}, exclude_none=True))
    deal = services.deal_create(actor=request.auth, data=values, lines=_lines(request.auth, payload.lines))
    return Status(201, selectors.deal_get(request.auth, deal.pk))


@router.get("/deals/{int:deal_id}", response=DealOut)
def deal_read(request: HttpRequest, deal_id: int) -> Any:
    """One deal with its lines; a deal outside your scope answers 404."""
    return _deal(request, deal_id)


@router.patch("/deals/{int:deal_id}", response=DealOut)
def deal_update(request: HttpRequest, deal_id: int, payload: DealUpdateIn) -> Any:
    """Change some fields (each change kept in the history); the stage moves through /move."""
    deal = _deal(request, deal_id)
    values = _refs(request.auth, payload.model_dump(exclude_unset=True, exclude={"lines", "version"}))
    services.deal_update(
        actor=request.auth,
        deal=deal,
        values=values,
        version=payload.version,
        lines=_lines(request.auth, payload.lines),
    )
    return _deal(request, deal_id)


@router.post("/deals/{int:deal_id}/move", response=DealOut)
def deal_move(request: HttpRequest, deal_id: int, payload: DealMoveIn) -> Any:
    """Move the deal to a stage (key or id) of its pipeline, as the board does: the same service.

    Won needs an amount; lost a `lost_reason` (and the competitor and their product, if any); a
    `version` that is no longer the deal's (someone moved it meanwhile) or a closed deal answer 409;
    a deal you may see but not change 403."""
    deal = _deal(request, deal_id)
    services.deal_move(
        actor=request.auth,
        deal=deal,
        stage=payload.stage,
        amount=payload.amount,
        lost_reason=payload.lost_reason or "",
        competitor=payload.competitor,
        competitor_product=payload.competitor_product,
        lost_note=payload.lost_note,
        version=payload.version,
    )
    return _deal(request, deal_id)


@router.get("/deals/{int:deal_id}/history", response=HistoryPageOut)
def deal_history(request: HttpRequest, deal_id: int) -> Any:
    """Every change of the deal, oldest first: who, when, what ({field: [from, to]}) and why."""
    return {"items": list(history_of(_deal(request, deal_id)).order_by("at", "id"))}


@router.post("/leads/{int:lead_id}/convert", response={201: DealConvertOut})
def lead_convert_endpoint(request: HttpRequest, lead_id: int, payload: DealConvertIn) -> Any:
    """Convert a sales-qualified lead into a deal, a contact and an account in one step (a matching
    account by VAT id or web domain, a contact by email, is reused); the lead moves to opportunity
    and keeps its history and sources. A lead that is not an SQL, or was merged away, answers 409; one
    you may see but not change 403."""
    lead = lead_selectors.lead_get(request.auth, lead_id)
    values = _refs(request.auth, {"pipeline": payload.pipeline})
    deal = lead_convert(
        actor=request.auth,
        lead=lead,
        name=payload.name,
        amount=payload.amount,
        currency=payload.currency,
        pipeline=values["pipeline"],
        expected_close=payload.expected_close,
        lines=_lines(request.auth, payload.lines),
    )
    return Status(201, {"deal": deal.pk, "contact": deal.contact_id, "account": deal.account_id})


@router.get("/leads/{int:lead_id}/win-back", response=WinBackOut)
def lead_win_back(request: HttpRequest, lead_id: int) -> Any:
    """Why a lead came back (its lost deals) and, when it bought a competitor's product, other
    products of the catalogue to offer."""
    lead = lead_selectors.lead_get(request.auth, lead_id)
    deal, products = followup.suggestions(lead)
    return {
        "lost_deals": selectors.visible_deals(request.auth)
        .filter(lead=lead, status="lost")
        .select_related("stage")
        .prefetch_related("lines__product")
        .order_by("-closed_at")[:5],
        "suggested_products": products,
        "because_of": deal.pk if deal else None,
    }


# ---- pipelines and stages --------------------------------------------------------------------------


@router.get("/deals/pipelines", response=PipelineListOut)
def pipeline_list(request: HttpRequest) -> Any:
    """Pipelines with their stages in order (every role reads them; admins change them)."""
    return {"items": list(selectors.pipelines(request.auth))}


@router.post("/deals/pipelines", response={201: PipelineOut})
def pipeline_create(request: HttpRequest, payload: PipelineIn) -> Any:
    """A new pipeline, with the default stages to rename or change."""
    pipeline = admin_services.pipeline_create(
        actor=request.auth, values=payload.model_dump(exclude_unset=True)
    )
    return Status(201, selectors.pipeline_get(request.auth, pipeline.pk))


@router.patch("/deals/pipelines/{int:pipeline_id}", response=PipelineOut)
def pipeline_update(request: HttpRequest, pipeline_id: int, payload: PipelineUpdateIn) -> Any:
    pipeline = selectors.pipeline_get(request.auth, pipeline_id)
    admin_services.pipeline_update(
        actor=request.auth, pipeline=pipeline, values=payload.model_dump(exclude_unset=True)
    )
    return selectors.pipeline_get(request.auth, pipeline_id)


@router.post("/deals/pipelines/{int:pipeline_id}/stages", response={201: StageOut})
def stage_create(request: HttpRequest, pipeline_id: int, payload: StageIn) -> Any:
    pipeline = selectors.pipeline_get(request.auth, pipeline_id)
    return Status(
        201,
        admin_services.stage_save(
            actor=request.auth, pipeline=pipeline, values=payload.model_dump(exclude_unset=True)
        ),
    )


@router.patch("/deals/stages/{int:stage_id}", response=StageOut)
def stage_update(request: HttpRequest, stage_id: int, payload: StageUpdateIn) -> Any:
    """Rename a stage, change its position, probability, idle limit or playbook."""
    stage = selectors.stage_get(request.auth, stage_id)
    return admin_services.stage_save(
        actor=request.auth,
        pipeline=stage.pipeline,
        stage=stage,
        values=payload.model_dump(exclude_unset=True),
    )


@router.delete("/deals/stages/{int:stage_id}", response={204: None})
def stage_delete(request: HttpRequest, stage_id: int) -> Any:
    """Remove an empty stage (409 when it holds deals or is the last of its outcome)."""
    admin_services.stage_delete(actor=request.auth, stage=selectors.stage_get(request.auth, stage_id))
    return Status(204, None)


# ---- the catalogue and the recycling of lost deals -----------------------------------------------


@router.get("/deals/products", response=ProductListOut)
def product_list(request: HttpRequest) -> Any:
    return {"items": list(selectors.products(request.auth))}


@router.post("/deals/products", response={201: ProductOut})
def product_create(request: HttpRequest, payload: ProductIn) -> Any:
    return Status(
        201, admin_services.product_save(actor=request.auth, values=payload.model_dump(exclude_unset=True))
    )


@router.patch("/deals/products/{int:product_id}", response=ProductOut)
def product_update(request: HttpRequest, product_id: int, payload: ProductUpdateIn) -> Any:
    product = selectors.product_get(request.auth, product_id)
    return admin_services.product_save(
        actor=request.auth, product=product, values=payload.model_dump(exclude_unset=True)
    )


@router.get("/deals/recycling", response=RecyclingListOut)
def recycling_list(request: HttpRequest) -> Any:
    """How long after a loss, per loss reason, the lead comes back in the lost-opportunity channel."""
    return {"items": list(selectors.recycling(request.auth))}


@router.put("/deals/recycling/{reason}", response=RecyclingOut)
def recycling_set(request: HttpRequest, reason: LostReasonName, payload: RecyclingIn) -> Any:
    """Set the delay of one loss reason (1-3650 days), or `active` false: such leads never come back."""
    return admin_services.recycling_set(
        actor=request.auth, reason=reason, delay_days=payload.delay_days, active=payload.active
    )
