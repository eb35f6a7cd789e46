"""The OpenAPI document is valid, describes our auth and error shape, and the docs page works."""

import pytest
from django.test import Client
from openapi_spec_validator import validate


@pytest.fixture
def spec(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_openapi_document_validates(spec):
    validate(spec)


def test_it_has_a_real_title_description_and_our_endpoints(spec):
    assert spec["info"]["title"] == "Imbuto API"
    assert "Bearer" in spec["info"]["description"]
    for path in ("/api/v1/leads", "/api/v1/leads/{lead_id}", "/api/v1/leads/{lead_id}/transition",
                 "/api/v1/leads/{lead_id}/history", "/api/v1/accounts", "/api/v1/contacts",
                 "/api/v1/campaigns", "/api/v1/channels", "/api/v1/users", "/api/v1/teams", "/api/v1/me"):
        assert path in spec["paths"], path
    operation_ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_operation_ids_survive_the_rename_of_accounts_to_users(spec):
    """Generated clients call operations by id: the users app's ids are those it had as `accounts`."""
    assert spec["paths"]["/api/v1/me"]["get"]["operationId"] == "imbuto_accounts_api_me"
    assert spec["paths"]["/api/v1/users"]["post"]["operationId"].startswith("imbuto_accounts_api_")
    assert not [op["operationId"] for ops in spec["paths"].values() for op in ops.values()
                if op["operationId"].startswith("imbuto_users_")]


def test_every_operation_documents_the_error_shape_and_auth(spec):
    schemes = spec["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["BearerToken"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"
    assert "Error" in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            assert {"401", "422"} <= set(op["responses"]), (method, path)
            assert op["security"], (method, path)


def test_the_lead_schema_names_the_contract_fields(spec):
    lead = spec["components"]["schemas"]["LeadOut"]["properties"]
    for name in ("id", "first_name", "country", "channel", "campaign", "stage", "temperature",
                 "purchase_timeframe", "owner", "score", "created_at", "updated_at"):
        assert name in lead
    lead_in = spec["components"]["schemas"]["LeadCreateIn"]
    assert lead_in.get("additionalProperties") is False


def test_the_docs_page_renders_with_csrf_for_the_session(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower() and "/api/v1/openapi.json" in html
    assert "data-csrf-token=" in html and "/api/v1/docs/assets/swagger-ui-bundle.js" in html
    assert "cdn." not in html  # self-hosted: works without internet


@pytest.mark.parametrize("name", ["swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"])
def test_the_docs_assets_are_served_locally(db, name):
    response = Client().get(f"/api/v1/docs/assets/{name}")
    assert response.status_code == 200 and b"".join(response.streaming_content)


def test_only_the_docs_assets_are_served(db):
    assert Client().get("/api/v1/docs/assets/..%2F..%2Fmain.py").status_code == 404
    assert Client().get("/api/v1/docs/assets/redoc.standalone.js.map").status_code == 404


def test_no_two_request_or_answer_schemas_share_a_name():
    """django-ninja files schemas under their class name: a second `RuleOut` would silently document
    one app's endpoint with another app's fields (scoring's and routing's rules once did)."""
    import importlib
    import pkgutil

    from ninja import Schema

    import imbuto

    for module in pkgutil.walk_packages(imbuto.__path__, "imbuto."):
        if module.name.rsplit(".", 1)[-1] in ("api", "schemas", "bulk_schemas", "record_schema"):
            importlib.import_module(module.name)
    seen: dict[str, str] = {}
    clashes = []

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("imbuto."):
                where = f"{sub.__module__}.{sub.__qualname__}"
                if seen.setdefault(sub.__name__, where) != where:
                    clashes.append((seen[sub.__name__], where))
            walk(sub)

    walk(Schema)
    assert clashes == []
