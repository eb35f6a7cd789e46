"""The request and answer bodies of POST /api/v1/leads: one intake record, as a batch item of /leads/batch.

The record's fields are described here (for the OpenAPI document) from the lead field specification,
but not judged here: the intake validator (intake.pipeline.validate.check_record) and normaliser decide
for the single endpoint exactly as for a batch and an import, so the same record is accepted, flagged
or refused the same way wherever it is sent ("Italia" -> IT, "subito" -> immediate). Only the fields
that belong to a single request (`owner`, the referrers) are typed and checked by the schema.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, WithJsonSchema, create_model, field_validator

from .fields import FIELDS, LeadField, choice_values
from .schemas import IDENTITY_FIELDS, Id, IdOrName, LeadOut, refuse_nul

_SCALAR = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}, {"type": "null"}]
_LOOSE_WORDS = {
    "purchase_timeframe": "common phrasings in Italian or English are read too ('subito', '1-3 months', "
                          "'entro 2 mesi', 'next year')",
    "size_band": "a head count or a range is read too ('120', '11-50 employees')",
}


def _json_schema(f: LeadField) -> dict[str, Any]:
    """What check_record accepts for the field, as JSON Schema (lengths count after trimming)."""
    if f.kind == "choice":
        values = list(choice_values(f.name))
        return {"anyOf": [{"type": "string", "enum": [*values, ""]}, {"type": "null"}],
                "description": f"One of: {', '.join(values)}."}
    if f.kind == "datetime":
        return {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"},
                          {"type": "string", "maxLength": 0}, {"type": "null"}],
                "description": "ISO 8601 date-time or date; without a time zone, the server's."}
    if f.name == "campaign":
        return {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                          {"type": "string", "maxLength": f.intake_length}, {"type": "null"}],
                "description": "Campaign id or exact name."}
    # A number or a boolean is read as its text, so its text must fit too: whole numbers of at most
    # 15 digits (and fewer for short fields); booleans ("true"/"false").
    bound = 10 ** max(1, min(15, f.intake_length - 1)) - 1
    schema: dict[str, Any] = {"anyOf": [{"type": "string", "maxLength": f.intake_length},
                                        {"type": "integer", "minimum": -bound, "maximum": bound},
                                        *_SCALAR[2:]]}
    if f.kind == "loose":
        values = ", ".join(v for v in choice_values(f.name))
        schema["description"] = (f"{values}; {_LOOSE_WORDS[f.name]}. A value not understood is kept as "
                                 "a quality flag (warning), not stored.")
    elif f.kind == "country":
        schema["description"] = ("ISO 3166 alpha-2 code or a country name in English, Italian, German, "
                                 "French or Spanish ('Italia'); stored as the code. An unknown one is "
                                 "kept as a quality flag.")
    elif f.kind == "language":
        schema["description"] = "Language code or name ('it', 'en-GB', 'Italiano'); stored as the code."
    elif f.name == "channel":
        schema["description"] = "Channel slug, see /channels."
    elif f.kind == "payload":
        schema["description"] = "Kept with the lead's source (what the person wrote), not on the lead."
    return schema


def _record_field(f: LeadField) -> Any:
    return (Annotated[Any, WithJsonSchema(_json_schema(f))], None)


def _needs_identity(schema: dict[str, Any]) -> None:
    """A new lead needs some identity: one of these fields with more than blanks (as check_record)."""
    schema["anyOf"] = [{"required": [name], "properties": {name: {"type": "string", "pattern": "\\S"}}}
                       for name in IDENTITY_FIELDS]


class _RecordBase(Schema):
    """Unknown fields are an error. Record values are not refused for NUL characters: intake drops
    them, as it does for a batch and an import."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_needs_identity)

    owner: IdOrName | None = Field(None, description="User id or username (this request only)")
    referrer_contact: Id | None = Field(None, description="Contact who referred the lead")
    referrer_account: Id | None = Field(None, description="Account (customer) that referred the lead")

    @field_validator("owner", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)


LeadCreateIn = create_model(
    "LeadCreateIn", __base__=_RecordBase, __module__=__name__,
    __doc__=("A lead record, as an item of /leads/batch (validated and normalised the same way), plus "
             "`owner` and the referrers."),
    **{f.name: _record_field(f) for f in FIELDS},
)


# The answers of POST /api/v1/leads (given by intake's pipeline, leads.extensions.CAPTURE_API).
class LeadCreateOut(LeadOut):
    outcome: str = Field(description="created | flagged (201) or merged (200)")
    duplicate_of: int | None = Field(None, description="The lead this one may duplicate; null if you may "
                                     "not see that lead (then `message` says so)")
    warnings: dict[str, list[str]] = Field(default_factory=dict)
    message: str | None = None


class LeadNotShownOut(Schema):
    """The answer when the record went to a lead the caller may not see (another owner's, another
    team's): the record was merged into it (one person, one lead) or created for an owner outside the
    caller's scope, and neither its id nor its values are shown."""

    outcome: str = Field(description="merged (200), or created | flagged (201) for an owner you may not see")
    lead: None = Field(description="Always null: the lead is in someone else's care")
    message: str = Field(description="Says the person is already a lead in someone else's care")
    warnings: dict[str, list[str]] = Field(default_factory=dict)
