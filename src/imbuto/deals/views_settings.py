"""Pipeline settings for admins: pipelines and their stages (names, probability, idle limit, the
playbook of tasks entering a stage creates), the product catalogue and the recycling of lost deals.
Each form posts to one small view that calls admin_services and comes back to the page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from imbuto.core import permissions
from imbuto.core.errors import DomainError, PermissionDenied, ValidationFailed
from imbuto.core.htmx import render_error

from . import admin_services, selectors
from .models import Pipeline, StageOutcome


def _admin(request: HttpRequest) -> None:
    if not permissions.can(request.user, "change", Pipeline):
        permissions.audit_denial(request.user, "change", "deals.pipeline", None)
        raise PermissionDenied(_("Only admins change pipelines."))


def _int(text: str, name: str, *, blank: bool = False) -> int | None:
    text = (text or "").strip()
    if blank and not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 5):
        raise ValidationFailed(
            _("%(name)s is not a whole number.") % {"name": name}, fields={name: [_("Invalid.")]}
        )
    return int(text)


def parse_playbook(text: str) -> list[dict[str, Any]]:
    """One task per line: the days until due, then the title ("2 Send the proposal")."""
    tasks = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        head, _sep, rest = line.partition(" ")
        days = int(head) if head.isascii() and head.isdigit() and len(head) <= 3 else 0
        tasks.append({"title": (rest if head.isdigit() else line).strip()[:200], "due_days": days})
    return tasks


def playbook_text(playbook: list[dict[str, Any]]) -> str:
    return "\n".join(f"{t.get('due_days', 0)} {t.get('title', '')}" for t in playbook or [])


@login_required
@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    try:
        _admin(request)
    except PermissionDenied as exc:
        return render_error(request, exc, status=403)
    pipelines = list(selectors.pipelines(request.user))
    for pipeline in pipelines:
        for stage in pipeline.stages.all():
            stage.playbook_text = playbook_text(stage.playbook)  # type: ignore[attr-defined]
    return render(
        request,
        "deals/settings.html",
        {
            "pipelines": pipelines,
            "products": list(selectors.products(request.user)),
            "recycling": list(selectors.recycling(request.user)),
            "outcomes": StageOutcome.choices,
        },
    )


def _done(request: HttpRequest, work: Any) -> HttpResponse:
    try:
        _admin(request)
    except PermissionDenied as exc:
        return render_error(request, exc, status=403)
    try:
        work()
        messages.success(request, _("Saved."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("deals:settings")


@login_required
@require_POST
def pipeline_add(request: HttpRequest) -> HttpResponse:
    return _done(
        request,
        lambda: admin_services.pipeline_create(
            actor=request.user,
            values={
                "name": request.POST.get("name", "").strip()[:100],
                "name_it": request.POST.get("name_it", "").strip()[:100],
            },
        ),
    )


@login_required
@require_POST
def stage_save(request: HttpRequest, pipeline_id: int) -> HttpResponse:
    """Add a stage (no `stage` field) or change one."""

    def work() -> None:
        pipeline = selectors.pipeline_get(request.user, pipeline_id)
        stage_id = request.POST.get("stage", "")
        stage = (
            pipeline.stages.filter(pk=int(stage_id)).first()
            if stage_id.isdigit() and len(stage_id) < 18
            else None
        )
        values: dict[str, Any] = {
            "name": request.POST.get("name", "").strip()[:100],
            "name_it": request.POST.get("name_it", "").strip()[:100],
            "probability": _int(request.POST.get("probability", "0"), "probability"),
            "idle_days": _int(request.POST.get("idle_days", ""), "idle_days", blank=True),
            "position": _int(request.POST.get("position", "0"), "position"),
            "playbook": parse_playbook(request.POST.get("playbook", "")),
        }
        if stage is None:
            values["key"] = request.POST.get("key", "").strip()[:40]
            values["outcome"] = request.POST.get("outcome", "open")
        admin_services.stage_save(actor=request.user, pipeline=pipeline, stage=stage, values=values)

    return _done(request, work)


@login_required
@require_POST
def product_save(request: HttpRequest) -> HttpResponse:
    def work() -> None:
        product_id = request.POST.get("product", "")
        product = (
            selectors.products(request.user).filter(pk=int(product_id)).first()
            if product_id.isdigit() and len(product_id) < 18
            else None
        )
        try:
            price = Decimal(request.POST.get("unit_price", "0").replace(",", ".") or "0").quantize(
                Decimal("0.01")
            )
        except InvalidOperation as exc:
            raise ValidationFailed(
                _("The price is not a number."), fields={"unit_price": [_("Invalid.")]}
            ) from exc
        admin_services.product_save(
            actor=request.user,
            product=product,
            values={
                "code": request.POST.get("code", "").strip()[:40],
                "name": request.POST.get("name", "").strip()[:200],
                "family": request.POST.get("family", "").strip()[:100],
                "unit_price": price,
                "currency": request.POST.get("currency", "EUR").strip().upper()[:3] or "EUR",
                "active": request.POST.get("active") == "on",
            },
        )

    return _done(request, work)


@login_required
@require_POST
def recycling_save(request: HttpRequest) -> HttpResponse:
    def work() -> None:
        for rule in selectors.recycling(request.user):
            days = _int(request.POST.get(f"delay_{rule.reason}", str(rule.delay_days)), "delay_days") or 0
            admin_services.recycling_set(
                actor=request.user,
                reason=rule.reason,
                delay_days=days,
                active=request.POST.get(f"active_{rule.reason}") == "on",
            )

    return _done(request, work)
