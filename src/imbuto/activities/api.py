"""/api/v1/activities: log, list, read, change, complete, reopen, history, and a meeting's .ics."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from imbuto.core.errors import Conflict, PermissionDenied
from imbuto.core.history import history_of
from imbuto.leads.schemas import HistoryPageOut
from imbuto.users.models import User

from . import selectors, services
from .ics import ics_response
from .models import Kind
from .schemas import (
    ActivityFields,
    ActivityFilters,
    ActivityIn,
    ActivityOut,
    ActivityPageOut,
    ActivityUpdateIn,
)

router = Router(tags=["activities"])
RECORDS = ("lead", "contact", "account", "deal")


def _person(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise PermissionDenied(_("You may not do this."))
    return user


def _values(user: User, payload: ActivityFields) -> dict[str, Any]:
    """The fields sent, with the records turned into objects the user may see (else 422)."""
    values = payload.model_dump(exclude_unset=True, exclude={"kind", "done"})
    ids = {name: values.pop(name) for name in RECORDS if name in values}
    values.update(services.records_resolve(user, ids))
    return values


@router.post("/activities", response={201: ActivityOut})
def activity_create(request: HttpRequest, payload: ActivityIn) -> Any:
    """Log a call, email, meeting or note, or create a task. A task needs `due_at`, a meeting
    `occurred_at` (its start); at least one of lead, contact, account, deal (each one you may see).
    The first done call, email or meeting on a lead records its first contact (response time)."""
    user = _person(request)
    activity = services.activity_create(actor=user, kind=payload.kind, values=_values(user, payload),
                                        done=payload.done)
    return Status(201, selectors.activity_get(user, activity.pk))


@router.get("/activities", response=ActivityPageOut)
def activity_list(request: HttpRequest, filters: Query[ActivityFilters]) -> Any:
    """Activities you may see (your own; your team's as a manager; those on records you may see),
    filtered, ordered and paged with a keyset cursor (`cursor` = next_cursor)."""
    params = filters.model_dump(exclude={"limit", "cursor"})
    page = selectors.activity_list(getattr(request, "auth", None), params, limit=filters.limit,
                                   cursor=filters.cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/activities/{int:activity_id}", response=ActivityOut)
def activity_read(request: HttpRequest, activity_id: int) -> Any:
    return selectors.activity_get(getattr(request, "auth", None), activity_id)


@router.patch("/activities/{int:activity_id}", response=ActivityOut)
def activity_update(request: HttpRequest, activity_id: int, payload: ActivityUpdateIn) -> Any:
    """Change some fields (not the kind); every change is kept in the history."""
    user = _person(request)
    activity = selectors.activity_get(user, activity_id)
    services.activity_update(actor=user, activity=activity, values=_values(user, payload))
    return selectors.activity_get(user, activity_id)


@router.post("/activities/{int:activity_id}/done", response=ActivityOut)
def activity_done(request: HttpRequest, activity_id: int) -> Any:
    """Mark a task or meeting done (409 for a call, email or note; already done: unchanged)."""
    user = _person(request)
    services.activity_complete(actor=user, activity=selectors.activity_get(user, activity_id))
    return selectors.activity_get(user, activity_id)


@router.post("/activities/{int:activity_id}/reopen", response=ActivityOut)
def activity_reopen(request: HttpRequest, activity_id: int) -> Any:
    """A done task or meeting open again."""
    user = _person(request)
    services.activity_reopen(actor=user, activity=selectors.activity_get(user, activity_id))
    return selectors.activity_get(user, activity_id)


@router.get("/activities/{int:activity_id}/history", response=HistoryPageOut)
def activity_history(request: HttpRequest, activity_id: int) -> Any:
    """Every change of the activity, oldest first (nothing is ever deleted)."""
    return {"items": list(history_of(selectors.activity_get(getattr(request, "auth", None), activity_id)))}


@router.get("/activities/{int:activity_id}/ics", response={200: None},
            openapi_extra={"responses": {200: {"description": "The meeting as an iCalendar file",
                                               "content": {"text/calendar": {}}}}})
def activity_ics(request: HttpRequest, activity_id: int) -> Any:
    """A meeting as an iCalendar (.ics) file (RFC 5545); 409 for other kinds."""
    activity = selectors.activity_get(getattr(request, "auth", None), activity_id)
    if activity.kind != Kind.MEETING:
        raise Conflict(_("Only meetings download as a calendar file."))
    return ics_response(activity, host=request.get_host().split(":")[0] or "imbuto",
                        url=request.build_absolute_uri(reverse("activities:edit", args=[activity.pk])))
