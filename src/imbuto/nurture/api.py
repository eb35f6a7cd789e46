"""/api/v1/nurture: templates, sequences (with their steps) and enrolments (list, enrol, stop)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from imbuto.core.errors import NotFound
from imbuto.core.schema_rules import StrictInput
from imbuto.leads import selectors as lead_selectors
from imbuto.leads.schemas import QueryId, cursor_field

from . import selectors, services
from .models import EnrolmentState, ExitReason, Rule, StepKind

router = Router(tags=["nurture"])
Id = Field(ge=1, le=2**63 - 1)


class TemplateIn(StrictInput):
    name: str = Field(min_length=1, max_length=120)
    subject: str = Field(min_length=1, max_length=200, description="Merge fields: {{ first_name }}, ...")
    body: str = Field(min_length=1, max_length=20_000, description=(
        "Plain text. Merge fields: first_name, last_name, full_name, company, job_title, owner_name, "
        "owner_email, unsubscribe_url; an unknown one is refused with 422."))
    track: bool = True


class TemplateOut(Schema):
    id: int
    name: str
    subject: str
    body: str
    track: bool
    created_at: dt.datetime


class StepIn(StrictInput):
    kind: Literal["email", "task", "wait", "branch"]
    template: int | None = Field(None, ge=1, le=2**63 - 1, description="email: the template id")
    days: int = Field(0, ge=0, le=365, description="wait: days; task: due after so many days")
    task_subject: str = Field("", max_length=200, description="task: what to do")
    engagement: Literal["", "opened", "clicked"] = Field("", description="branch: the engagement tested")
    jump_to: int | None = Field(None, ge=1, le=100, description=(
        "branch: the step (position, 1-based) to go to when the lead engaged; the next step otherwise"))


class StepOut(Schema):
    position: int
    kind: str
    template: int | None = Field(None, validation_alias="template_id")
    days: int
    task_subject: str
    engagement: str
    jump_to: int | None


class SequenceIn(StrictInput):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    rule: Literal["", "mql_not_ready", "cold", "parked_revisit", "lost_opportunity"] = Field(
        "", description="Enrol automatically: " + ", ".join(f"{v or '(empty)'} = {label}"
                                                            for v, label in Rule.choices))
    active: bool = True
    steps: list[StepIn] = Field(min_length=1, max_length=50)


class SequenceOut(Schema):
    id: int
    name: str
    description: str
    rule: str
    active: bool
    steps: list[StepOut]


class EnrolmentIn(StrictInput):
    sequence: int = Id
    lead: int = Id


class StopIn(StrictInput):
    reason: Literal["stopped", "replied"] = Field("stopped", description="replied: the lead answered")


class EnrolmentOut(Schema):
    id: int
    sequence: int = Field(validation_alias="sequence_id")
    lead: int = Field(validation_alias="lead_id")
    state: str
    exit_reason: str
    position: int = Field(description="The next step")
    due_at: dt.datetime | None
    created_at: dt.datetime
    ended_at: dt.datetime | None


class EnrolmentPageOut(Schema):
    items: list[EnrolmentOut]
    next_cursor: str | None = None


class EnrolmentParams(Schema):
    sequence: QueryId | None = None
    lead: QueryId | None = None
    state: Literal["active", "completed", "exited"] | None = None
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = cursor_field()


def _auth(request: HttpRequest) -> Any:
    """The user the API's authentication set (every operation here needs one)."""
    return getattr(request, "auth", None)


def _steps(body: SequenceIn) -> list[dict[str, Any]]:
    out = []
    for step in body.steps:
        values = step.dict()
        template = values.pop("template")
        if template is not None:
            values["template_id"] = template
        out.append(values)
    return out


@router.get("/nurture/templates", response=list[TemplateOut])
def template_list(request: HttpRequest) -> Any:
    """Email templates, by name."""
    return list(selectors.templates(_auth(request))[:500])


@router.post("/nurture/templates", response={201: TemplateOut})
def template_create(request: HttpRequest, body: TemplateIn) -> Any:
    """A new template (admins, managers, marketers); an unknown merge field answers 422."""
    return Status(201, services.template_save(actor=_auth(request), values=body.dict()))


@router.get("/nurture/templates/{int:template_id}", response=TemplateOut)
def template_read(request: HttpRequest, template_id: int) -> Any:
    return selectors.template_get(_auth(request), template_id)


@router.get("/nurture/sequences", response=list[SequenceOut])
def sequence_list(request: HttpRequest) -> Any:
    """Sequences with their steps, by name."""
    return list(selectors.sequences(_auth(request)).prefetch_related("steps")[:500])


@router.post("/nurture/sequences", response={201: SequenceOut})
def sequence_create(request: HttpRequest, body: SequenceIn) -> Any:
    """A new sequence with its steps in order (admins, managers, marketers). Incomplete steps (an email
    without a template, a branch going backwards...) answer 422 naming `steps.N`."""
    values = body.dict(exclude={"steps"})
    _check_templates(request, body)
    return Status(201, services.sequence_save(actor=_auth(request), values=values, steps=_steps(body)))


def _check_templates(request: HttpRequest, body: SequenceIn) -> None:
    for index, step in enumerate(body.steps, start=1):
        if step.template is not None and not selectors.templates(_auth(request)).filter(
                pk=step.template).exists():
            from imbuto.core.errors import ValidationFailed

            raise ValidationFailed(_("No such template."),
                                   fields={f"steps.{index}": [_("No such template.")]})


@router.get("/nurture/sequences/{int:sequence_id}", response=SequenceOut)
def sequence_read(request: HttpRequest, sequence_id: int) -> Any:
    return selectors.sequence_get(_auth(request), sequence_id)


@router.get("/nurture/enrolments", response=EnrolmentPageOut)
def enrolment_list(request: HttpRequest, params: Query[EnrolmentParams]) -> Any:
    """Enrolments of the leads you may see, oldest first, filtered by sequence, lead and state."""
    return selectors.enrolment_page(_auth(request), limit=params.limit, cursor=params.cursor,
                                    sequence=params.sequence, lead=params.lead, state=params.state)


@router.post("/nurture/enrolments", response={201: EnrolmentOut})
def enrolment_create(request: HttpRequest, body: EnrolmentIn) -> Any:
    """Enrol a lead by hand (who may change it). A lead without consent or unsubscribed answers 422,
    one already in the sequence 409."""
    lead = lead_selectors.lead_get(_auth(request), body.lead)
    sequence = selectors.sequences(_auth(request)).filter(pk=body.sequence).first()
    if sequence is None:
        raise NotFound(_("No such sequence."))
    return Status(201, services.lead_enrol(actor=_auth(request), sequence=sequence, lead=lead))


@router.post("/nurture/enrolments/{int:enrolment_id}/stop", response=EnrolmentOut)
def enrolment_stop(request: HttpRequest, enrolment_id: int, body: StopIn) -> Any:
    """End an enrolment now: by hand (`stopped`) or because the lead answered (`replied`); its queued
    email is not sent. One already ended answers 409."""
    enrolment = services.enrolment_get(actor=_auth(request), enrolment_id=enrolment_id)
    return services.enrolment_stop(actor=_auth(request), enrolment=enrolment, reason=ExitReason(body.reason))


__all__ = ["EnrolmentState", "StepKind", "router"]
