"""/api/v1/scoring: the rules and thresholds (marketers and admins change them, every role reads
them), a rescore of every lead, and /api/v1/leads/{id}/score: a lead's score explained, scoped like the
lead. Thin adapters over scoring.services and scoring.selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from imbuto.core import permissions
from imbuto.core.errors import PermissionDenied

from . import selectors, services, tasks
from .models import ScoringRule
from .schemas import (
    RescoreOut,
    RulePatch,
    ScoreOut,
    ScoringRuleIn,
    ScoringRuleListOut,
    ScoringRuleOut,
    ScoringRuleWriteOut,
    ThresholdsIn,
    ThresholdsOut,
)

router = Router(tags=["scoring"])


def _auth(request: HttpRequest) -> Any:
    """The token's user (every operation here is authenticated by the API)."""
    return request.auth  # type: ignore[attr-defined]


def _written(rule: ScoringRule, warnings: list[str]) -> dict[str, Any]:
    return {**ScoringRuleOut.from_orm(rule).dict(), "warnings": warnings}


@router.get("/scoring/rules", response=ScoringRuleListOut)
def rule_list(request: HttpRequest) -> Any:
    """Every rule, fit first then engagement, switched-off ones included."""
    return {"items": list(selectors.rules_visible(_auth(request)))}


@router.post("/scoring/rules", response={201: ScoringRuleWriteOut})
def rule_create(request: HttpRequest, payload: ScoringRuleIn) -> Any:
    """Add a rule (marketers and admins). A rule that could never match is refused (422); one that
    matches nothing yet is saved with a warning. Every lead is rescored in the background."""
    rule, warnings = services.rule_create(actor=_auth(request), data=payload.dict())
    return Status(201, _written(rule, warnings))


@router.get("/scoring/rules/{int:rule_id}", response=ScoringRuleOut)
def rule_read(request: HttpRequest, rule_id: int) -> Any:
    return selectors.rule_get(_auth(request), rule_id)


@router.patch("/scoring/rules/{int:rule_id}", response=ScoringRuleWriteOut)
def rule_update(request: HttpRequest, rule_id: int, payload: RulePatch) -> Any:
    """Change some fields of a rule (`is_active: false` switches it off)."""
    selectors.rule_get(_auth(request), rule_id)
    rule, warnings = services.rule_update(
        actor=_auth(request), rule_id=rule_id, data=payload.dict(exclude_unset=True)
    )
    return _written(rule, warnings)


@router.delete("/scoring/rules/{int:rule_id}", response={204: None})
def rule_delete(request: HttpRequest, rule_id: int) -> Any:
    selectors.rule_get(_auth(request), rule_id)
    services.rule_delete(actor=_auth(request), rule_id=rule_id)
    return Status(204, None)


def _thresholds(found: Any, warnings: list[str] | None = None) -> dict[str, Any]:
    return {
        "mql_threshold": found.mql_threshold,
        "sql_threshold": found.sql_threshold,
        "buy_now_to_sql": found.buy_now_to_sql,
        "warnings": warnings or [],
    }


@router.get("/scoring/thresholds", response=ThresholdsOut)
def thresholds_read(request: HttpRequest) -> Any:
    return _thresholds(selectors.thresholds_of(_auth(request)))


@router.put("/scoring/thresholds", response=ThresholdsOut)
def thresholds_write(request: HttpRequest, payload: ThresholdsIn) -> Any:
    """Set both thresholds: MQL must be below SQL (else 422); a threshold the active rules can never
    reach is saved with a warning."""
    found, warnings = services.thresholds_set(actor=_auth(request), data=payload.dict())
    return _thresholds(found, warnings)


@router.post("/scoring/rescore", response={202: RescoreOut})
def rescore(request: HttpRequest) -> Any:
    """Queue a rescore of every lead (marketers and admins); the nightly job does the same."""
    if not permissions.can(_auth(request), "change", ScoringRule):
        permissions.audit_denial(_auth(request), "change", "scoring.scoringrule", None)
        raise PermissionDenied(_("Only marketers and admins configure scoring."))
    tasks.rescore_everything.enqueue()
    return Status(202, {"queued": True})


@router.get("/leads/{int:lead_id}/score", response=ScoreOut, tags=["leads"])
def lead_score(request: HttpRequest, lead_id: int) -> Any:
    """The lead's score explained: which rules give how many points and when (404 for a lead you may
    not see)."""
    found = selectors.lead_score(_auth(request), lead_id)
    return {
        "lead_id": found.lead_id,
        "total": found.total,
        "fit": found.fit,
        "engagement": found.engagement,
        "stored_score": found.stored,
        "scored": found.scored,
        "promoted_to": found.promoted_to,
        "computed_at": found.computed_at,
        "breakdown": [vars(part) for part in found.parts],
    }
