"""/api/v1/notifications: your own notifications, newest first, and marking them read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from . import selectors, services
from .models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    code: str = Field(description="Stable code of what happened (e.g. lead.new_information).")
    params: dict[str, Any] = Field(description="The values the text is made of.")
    text: str = Field(description="The notification in the request's language (Accept-Language).")
    link: str = Field(description="Path of the page it is about, or empty.")
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_text(obj: Notification) -> str:
        return obj.text


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    unread: int = Field(description="How many of your notifications are unread.")


class NotificationFilters(Schema):
    unread: bool = Field(False, description="Only the unread ones.")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


@router.get("/notifications", response=NotificationPageOut)
def notification_list(request: HttpRequest, filters: Query[NotificationFilters]) -> Any:
    """Your notifications, newest first (nobody else's)."""
    qs = selectors.notifications_of(request.auth, unread_only=filters.unread)
    return {"items": list(qs[filters.offset:filters.offset + filters.limit]),
            "unread": selectors.unread_count(request.auth)}


@router.post("/notifications/{int:notification_id}/read", response=NotificationOut)
def notification_read(request: HttpRequest, notification_id: int) -> Any:
    """Mark one of your notifications read; someone else's answers 404."""
    return services.notification_read(actor=request.auth, notification_id=notification_id)


class ReadAllOut(Schema):
    marked: int


@router.post("/notifications/read", response=ReadAllOut)
def notification_read_all(request: HttpRequest) -> Any:
    """Mark all your notifications read."""
    return {"marked": services.notifications_read_all(actor=request.auth)}


class PreferencesOut(Schema):
    email: bool = Field(description="Whether your notifications are emailed to you too (default true).")


class PreferencesIn(Schema):
    email: bool = Field(description="true: email me my notifications too; false: only in the app.")


@router.get("/notifications/preferences", response=PreferencesOut)
def preferences_get(request: HttpRequest) -> Any:
    """How you want to be told: whether by email too."""
    return {"email": selectors.email_enabled(request.auth)}


@router.put("/notifications/preferences", response=PreferencesOut)
def preferences_set(request: HttpRequest, body: PreferencesIn) -> Any:
    """Switch your own notification emails on or off."""
    return {"email": services.email_preference_set(actor=request.auth, email=body.email).email}
