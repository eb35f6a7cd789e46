"""Domain errors raised by services; the API maps them to 4xx, forms to field errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.core.exceptions import ValidationError as DjangoValidationError


class DomainError(Exception):
    """A request the domain refuses. `fields` maps field names to messages."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


def from_django_validation(exc: DjangoValidationError) -> ValidationFailed:
    """Turn django's ValidationError (from full_clean) into our error with field messages."""
    if hasattr(exc, "message_dict"):
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    else:
        fields = {"__all__": [str(m) for m in exc.messages]}
    first = next(iter(fields.values()))[0] if fields else "Invalid data."
    return ValidationFailed(first, fields=fields)


def apply_domain_error(form: Any, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationFailed.fields on the form fields; the rest on the form itself."""
    aliases = aliases or {}
    placed: list[str] = []
    leftover = False
    for name, messages in (exc.fields or {}).items():
        field = aliases.get(name, name)
        if field in form.fields:
            for message in messages:
                form.add_error(field, str(message))
            placed.extend(str(m) for m in messages)
        else:
            leftover = True
    if leftover or exc.message not in placed:
        form.add_error(None, exc.message)
