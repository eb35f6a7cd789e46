"""The lead field specification (leads.fields) is the one list of lead fields: the columns, the intake
limits, the import aliases and mapping list, the API record schema and the web form derive from it."""

from __future__ import annotations

from django.db.models import CharField

from imbuto.intake import normalize
from imbuto.intake.capture import forms as capture_forms
from imbuto.intake.importing import columns
from imbuto.intake.pipeline import validate
from imbuto.leads import fields
from imbuto.leads.models import Account, Contact, Lead
from imbuto.leads.record_schema import LeadCreateIn
from imbuto.leads.schemas import LeadIn

# Lead columns that are not record fields: keys intake derives, and what the lifecycle writes.
NOT_RECORD_FIELDS = {"domain", "company_key", "name_key", "disposition_reason"}


def test_every_column_has_the_size_of_its_specification():
    for spec in fields.FIELDS:
        if not spec.column:
            continue
        for model in (Lead, Account, Contact):
            try:
                column = model._meta.get_field(spec.name)
            except Exception:  # noqa: S112 - the field is not on this model
                continue
            if isinstance(column, CharField):
                assert column.max_length == spec.max_length, f"{model.__name__}.{spec.name}"


def test_every_text_column_of_a_lead_is_specified():
    text_columns = {f.name for f in Lead._meta.concrete_fields if isinstance(f, CharField)}
    assert text_columns - NOT_RECORD_FIELDS == {f.name for f in fields.FIELDS
                                                if f.column and f.kind != "datetime"}


def test_the_labels_are_the_model_s_names():
    for spec in fields.FIELDS:
        if spec.column and Lead._meta.get_field(spec.name).verbose_name != spec.name.replace("_", " "):
            assert str(Lead._meta.get_field(spec.name).verbose_name) == str(spec.label), spec.name


def test_the_normaliser_s_limits_are_the_model_s_columns():
    assert normalize.MAX_LENGTHS, "the normaliser cuts to some limits"
    for name, limit in normalize.MAX_LENGTHS.items():
        assert limit == Lead._meta.get_field(name).max_length, name
    assert set(normalize.MAX_LENGTHS) == {f.name for f in fields.FIELDS if f.column and f.normalised}


def test_intake_accepts_at_least_the_column_size_and_knows_every_field():
    assert set(fields.BY_NAME) == validate.ALLOWED
    for spec in fields.FIELDS:
        assert validate.MAX_LENGTHS[spec.name] >= spec.max_length, spec.name
        if spec.column and spec.kind != "datetime":
            assert spec.intake_length >= Lead._meta.get_field(spec.name).max_length


def test_the_api_schemas_follow_the_specification():
    record_fields = set(LeadCreateIn.model_fields) - {"owner", "referrer_contact", "referrer_account"}
    assert record_fields == set(fields.BY_NAME)
    for name, info in LeadIn.model_fields.items():
        limit = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
        if limit is not None and name in fields.BY_NAME and fields.spec(name).column:
            # the column's size, or the longer raw input the normaliser reads (a country's name)
            assert limit in (fields.spec(name).max_length, fields.spec(name).intake_length), name


def test_imports_map_every_importable_field_and_no_alias_names_two_fields():
    assert set(columns.LEAD_FIELDS) == {*fields.names(importable=True), columns.FULL_NAME}
    owners: dict[str, str] = {}
    for name, aliases in columns.ALIASES.items():
        for alias in aliases:
            key = columns.header_key(alias)
            assert owners.setdefault(key, name) == name, f"{alias!r}: {owners[key]} and {name}"
    for name in fields.names(importable=True):
        assert columns.plan([name]).columns[0].field in (name, ""), name


def test_the_web_form_sizes_and_choices_come_from_the_specification():
    for name, spec in capture_forms.FIELDS.items():
        lead = fields.spec(name)
        assert spec.max_length == lead.intake_length, name
        if lead.choices is not None:
            assert [c[0] for c in spec.choices] == list(lead.choices.values), name


def test_the_openapi_document_of_post_leads_states_what_intake_accepts():
    from imbuto.api import api

    document = api.get_openapi_schema()
    body = document["paths"]["/api/v1/leads"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/LeadCreateIn")
    properties = document["components"]["schemas"]["LeadCreateIn"]["properties"]
    for spec in fields.FIELDS:
        variants = properties[spec.name]["anyOf"]
        if spec.kind in ("choice", "datetime"):
            continue
        text = next(v for v in variants if v.get("type") == "string")
        assert text["maxLength"] == spec.intake_length == validate.MAX_LENGTHS[spec.name], spec.name
    assert properties["stage"]["anyOf"][0]["enum"] == [*fields.START_STAGES, ""]
    assert "Italia" in properties["country"]["description"]
