"""The public web form: which fields a WebForm asks for, and checking what a visitor sent.

A WebForm's `fields` is a list of lead field names or of objects
`{"name": "email", "required": true, "label": "Work email"}`. Checking here is only what a person
filling the form needs to hear about (a missing field, an email that cannot be one); normalising,
matching and storing is the intake pipeline's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from email_validator import EmailNotValidError, validate_email

from imbuto.leads import fields as lead_fields
from imbuto.leads.parsing import parse_yes_no


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Any
    type: str = "text"  # text | email | tel | url | textarea | select
    max_length: int = 200
    autocomplete: str = ""
    choices: tuple[tuple[str, Any], ...] = ()


def _field(name: str, label: Any, type: str = "text", autocomplete: str = "") -> FieldSpec:
    """A visitor-facing field: its size and choices come from the lead field specification."""
    lead = lead_fields.spec(name)
    choices = tuple(lead.choices.choices) if lead.choices is not None else ()
    return FieldSpec(name, label, "select" if choices else type, lead.intake_length, autocomplete, choices)


FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    _field("first_name", _("First name"), autocomplete="given-name"),
    _field("last_name", _("Last name"), autocomplete="family-name"),
    _field("email", _("Email"), "email", "email"),
    _field("phone", _("Phone"), "tel", "tel"),
    _field("company_name", _("Company"), autocomplete="organization"),
    _field("job_title", _("Job title"), autocomplete="organization-title"),
    _field("website", _("Website"), "url", "url"),
    _field("vat_id", _("VAT number")),
    _field("city", _("City"), autocomplete="address-level2"),
    _field("postal_code", _("Postal code"), autocomplete="postal-code"),
    _field("country", _("Country"), autocomplete="country-name"),
    _field("industry", _("Industry")),
    _field("size_band", _("Company size")),
    _field("purchase_timeframe", _("When do you plan to buy?")),
    _field("message", _("Message"), "textarea"),
]}
DEFAULT_FIELDS = [{"name": "first_name"}, {"name": "last_name"}, {"name": "email", "required": True},
                  {"name": "phone"}, {"name": "company_name"}, {"name": "message"}]
IDENTITY = ("first_name", "last_name", "email", "phone", "company_name")
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
META_FIELDS = (*UTM_FIELDS, "page_url", "referrer")
MAX_BODY_BYTES = 64 * 1024
DEFAULT_CONSENT = _("I agree that my data is stored and used to answer my request and to contact me.")


@dataclass(frozen=True)
class FormField:
    spec: FieldSpec
    required: bool
    custom_label: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        return self.custom_label or str(self.spec.label)


@dataclass
class Submission:
    record: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)


def form_fields(config: Any) -> list[FormField]:
    """The WebForm's field list, tolerant of hand-edited JSON: unknown names are skipped."""
    items = config if isinstance(config, list) and config else DEFAULT_FIELDS
    out: list[FormField] = []
    seen: set[str] = set()
    for item in items:
        entry = {"name": item} if isinstance(item, str) else item if isinstance(item, dict) else {}
        name = str(entry.get("name", ""))
        if name in FIELDS and name not in seen:
            seen.add(name)
            out.append(FormField(FIELDS[name], bool(entry.get("required")),
                                 str(entry.get("label") or "")[:100]))
    return out or form_fields(DEFAULT_FIELDS)


def consent_text(webform: Any) -> str:
    return webform.consent_text.strip() or str(DEFAULT_CONSENT)


def _truthy(value: Any) -> bool:
    return parse_yes_no(value) is True


def _check(spec: FieldSpec, value: str, region: str) -> str | None:
    if len(value) > spec.max_length:
        return str(_("At most %(n)d characters.") % {"n": spec.max_length})
    if spec.type == "email":
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            return str(_("Enter a valid email address."))
    if spec.type == "tel":
        try:
            ok = phonenumbers.is_possible_number(phonenumbers.parse(value, region))
        except phonenumbers.NumberParseException:
            ok = False
        if not ok:
            return str(_("Enter a valid phone number."))
    if spec.type == "select" and value not in {c[0] for c in spec.choices}:
        return str(_("Choose one of the options."))
    return None


def clean_submission(webform: Any, data: dict[str, Any], *, language: str = "") -> Submission:
    """Check a visitor's submission; the record holds lead fields for the intake pipeline."""
    sub = Submission()
    region = getattr(settings, "IMBUTO_DEFAULT_REGION", "IT")
    for ff in form_fields(webform.fields):
        value = str(data.get(ff.name) or "").strip()
        if not value:
            if ff.required:
                sub.errors[ff.name] = [str(_("This field is required."))]
            continue
        if problem := _check(ff.spec, value, region):
            sub.errors[ff.name] = [problem]
        elif ff.name == "message":
            sub.meta["message"] = value
        else:
            sub.record[ff.name] = value
    if not sub.errors and not any(sub.record.get(f) for f in IDENTITY):
        sub.errors["__all__"] = [str(_("Tell us at least your name, email, phone or company."))]
    if not _truthy(data.get("consent", "")):
        sub.errors["consent"] = [str(_("Please give your consent so that we can answer you."))]
    for name in META_FIELDS:
        value = str(data.get(name) or "").strip()
        if value:
            sub.meta[name] = value[:500 if name in ("page_url", "referrer") else 100]
    sub.record.update({k: sub.meta[k] for k in UTM_FIELDS if k in sub.meta})
    sub.record.update(consent_basis="consent", consent_at=timezone.now().isoformat(),
                      consent_channel="web-form")
    if language:
        sub.record["language"] = language
    return sub


def utm_from_url(url: str) -> dict[str, str]:
    """utm_* parameters of the page a visitor came from (page URL query string)."""
    from urllib.parse import parse_qsl, urlsplit

    try:
        query = urlsplit(url or "").query
    except ValueError:
        return {}
    return {k: v[:100] for k, v in parse_qsl(query) if k in UTM_FIELDS and v}


def wants_json(request: HttpRequest) -> bool:
    """fetch()/XHR callers and JSON bodies get JSON; a browser form post gets a page."""
    accept = request.headers.get("Accept", "")
    return (
        "application/json" in accept
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or request.content_type == "application/json"
        or (request.headers.get("Sec-Fetch-Mode") == "cors" and "text/html" not in accept)
    )


def submitted_data(request: HttpRequest) -> dict[str, Any]:
    """Form-encoded or JSON body as a flat dict; raises ValueError on a body that is neither (or one
    nested too deeply to read safely)."""
    if request.content_type == "application/json":
        from imbuto.core import jsonbody

        data = jsonbody.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        return data
    return {k: request.POST.get(k) for k in request.POST}
