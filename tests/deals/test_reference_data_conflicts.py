"""A pipeline name, a product code or a stage key already taken is a conflict with stored data: 409
naming the field (found by schemathesis: these were 422s from full_clean, the stage's on `__all__`),
whether the API, a rename or a concurrent insert meets it. Nothing is written twice."""

from __future__ import annotations

import pytest

from imbuto.deals import admin_services
from imbuto.deals.models import Pipeline, PipelineStage, Product
from tests.api.conftest import assert_error
from tests.deals.test_deals_flow import api

pytestmark = pytest.mark.django_db


def test_a_pipeline_name_taken_is_a_409_on_name(admin):
    call = api(admin)
    assert call("post", "/deals/pipelines", {"name": "Rinnovi"}).status_code == 201
    err = assert_error(call("post", "/deals/pipelines", {"name": "Rinnovi"}), 409, "conflict", "name")
    assert "Rinnovi" in err["message"]
    assert Pipeline.objects.filter(name="Rinnovi").count() == 1
    other = call("post", "/deals/pipelines", {"name": "Servizi"}).json()["id"]
    assert_error(call("patch", f"/deals/pipelines/{other}", {"name": "Rinnovi"}), 409, "conflict", "name")
    assert Pipeline.objects.get(pk=other).name == "Servizi"


def test_a_stage_key_taken_in_its_pipeline_is_a_409_on_key(admin):
    call = api(admin)
    pipeline = Pipeline.objects.get(is_default=True)
    path = f"/deals/pipelines/{pipeline.pk}/stages"
    before = pipeline.stages.count()
    err = assert_error(call("post", path, {"key": "proposal", "name": "Again"}), 409, "conflict", "key")
    assert "proposal" in err["message"] and "__all__" not in err["fields"]
    assert pipeline.stages.count() == before
    # the same key in another pipeline is fine, and a rename onto a sibling's key is refused
    other = call("post", "/deals/pipelines", {"name": "Rinnovi"}).json()["id"]
    demo = {"key": "demo", "name": "Demo"}
    assert call("post", f"/deals/pipelines/{other}/stages", demo).status_code == 201
    assert call("post", path, {"key": "demo", "name": "Demo"}).status_code == 201
    stage = pipeline.stages.get(key="negotiation")  # the API keeps keys stable; the service guards too
    with pytest.raises(admin_services.Conflict) as exc:
        admin_services.stage_save(actor=admin, pipeline=pipeline, stage=stage, values={"key": "demo"})
    assert list(exc.value.fields) == ["key"]
    assert PipelineStage.objects.get(pk=stage.pk).key == "negotiation"


def test_a_product_code_taken_is_a_409_on_code(admin):
    call = api(admin)
    body = {"code": "CRM-1", "name": "CRM", "unit_price": "10.00"}
    assert call("post", "/deals/products", body).status_code == 201
    err = assert_error(call("post", "/deals/products", {**body, "name": "Other"}), 409, "conflict", "code")
    assert "CRM-1" in err["message"]
    assert Product.objects.filter(code="CRM-1").count() == 1
    # an unchanged code on its own product is no conflict
    pk = Product.objects.get(code="CRM-1").pk
    r = call("patch", f"/deals/products/{pk}", {"code": "CRM-1", "name": "CRM Pro"})
    assert r.status_code == 200 and r.json()["name"] == "CRM Pro"


def test_a_name_taken_by_a_concurrent_insert_is_still_a_409(admin, monkeypatch):
    """The check and the insert are two statements: a row inserted in between trips the unique index,
    which answers the same 409 (not a 500)."""
    real = admin_services._taken
    calls = []

    def blind_first(obj):
        calls.append(obj)
        return None if len(calls) == 1 else real(obj)

    monkeypatch.setattr(admin_services, "_taken", blind_first)
    Product.objects.create(code="RACE", name="First")
    with pytest.raises(admin_services.Conflict) as exc:
        admin_services.product_save(actor=admin, values={"code": "RACE", "name": "Second"})
    assert list(exc.value.fields) == ["code"] and "RACE" in exc.value.message
    assert len(calls) == 2 and Product.objects.filter(code="RACE").count() == 1
