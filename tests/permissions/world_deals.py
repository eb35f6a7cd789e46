"""The deals part of the matrix's world: rita's open deal, her SQL lead to convert, the default
pipeline, a stage, an empty stage that may be deleted, a product, a loss reason."""

from __future__ import annotations

from typing import Any

from imbuto.deals.models import Deal, Pipeline, PipelineStage, Product
from tests.factories import LeadFactory


def build_deals(rep: Any, campaign: Any) -> dict[str, Any]:
    pipeline = Pipeline.objects.get(is_default=True)
    first = pipeline.stages.get(key="qualification")
    deal = Deal.objects.create(
        name="Impianto Nord", pipeline=pipeline, stage=first, owner=rep, team=rep.team, amount=5000
    )
    empty = PipelineStage.objects.create(pipeline=pipeline, key="spare", name="Spare", position=9)
    return {
        "rep_deal": deal,
        "pipeline": pipeline,
        "stage": first,
        "empty_stage": empty,
        "product": Product.objects.create(code="MES", name="MES", unit_price=1000),
        "reason": "price",
        "sql_lead": LeadFactory(owner=rep, stage="sql", last_name="Ritasql", company_name="Sql Srl"),
    }
