"""Reads of nurturing, always through core.permissions."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.errors import NotFound
from imbuto.leads.account_selectors import Page, keyset_page

from .models import EmailTemplate, Enrolment, EnrolmentState, Message, Sequence


def templates(user: Any) -> QuerySet[EmailTemplate]:
    return permissions.restrict(user, EmailTemplate.objects.all())


def template_get(user: Any, pk: int) -> EmailTemplate:
    row = templates(user).filter(pk=pk).first()
    if row is None:
        raise NotFound(_("No such template."))
    return row


def sequences(user: Any) -> QuerySet[Sequence]:
    return permissions.restrict(user, Sequence.objects.annotate(
        active_count=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.ACTIVE)),
        enrolled_count=Count("enrolments")))


def sequence_get(user: Any, pk: int) -> Sequence:
    row = (permissions.restrict(user, Sequence.objects.prefetch_related("steps__template"))
           .filter(pk=pk).first())
    if row is None:
        raise NotFound(_("No such sequence."))
    return row


def enrolments(user: Any, *, sequence: int | None = None, lead: int | None = None,
               state: str | None = None) -> QuerySet[Enrolment]:
    qs = permissions.restrict(user, Enrolment.objects.select_related("sequence", "lead"))
    if sequence:
        qs = qs.filter(sequence_id=sequence)
    if lead:
        qs = qs.filter(lead_id=lead)
    if state:
        qs = qs.filter(state=state)
    return qs


def enrolment_page(user: Any, *, limit: int, cursor: str | None, **filters: Any) -> Page:
    return keyset_page(enrolments(user, **filters), "id", limit=limit, cursor=cursor)


def messages_of(user: Any, enrolment_ids: list[int]) -> QuerySet[Message]:
    return permissions.restrict(user, Message.objects.filter(enrolment_id__in=enrolment_ids)).order_by(
        "created_at", "id")
