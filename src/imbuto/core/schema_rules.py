"""Rules every API request body shares, stated in the OpenAPI document as they are enforced."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, field_validator

# What `refuse_nul` enforces, stated in the OpenAPI document (ECMA-262 syntax).
NO_NUL = "^[^\\u0000]*$"


def state_no_nul(schema: dict[str, Any]) -> None:
    """Every free-text property of the schema gets the NO_NUL pattern, so the document says what
    `refuse_nul` refuses. Properties with a pattern, format or enum already exclude NUL."""
    for prop in schema.get("properties", {}).values():
        for branch in prop.get("anyOf", [prop]):
            if branch.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(branch):
                branch["pattern"] = NO_NUL


def refuse_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("NUL characters (\\u0000) are not allowed.")
    return value


class StrictInput(Schema):
    """Base of request bodies: unknown fields are an error, NUL characters are refused (and the
    document says so)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=state_no_nul)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)
