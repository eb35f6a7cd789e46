"""The scoring page: the rules (list, add, edit, switch on or off, delete) and the thresholds. Every
role sees them; marketers and admins change them. Thin adapters over scoring.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from imbuto.core.errors import DomainError, PermissionDenied, apply_domain_error
from imbuto.core.htmx import is_partial, render_error

from . import selectors, services
from .forms import RuleForm, ThresholdsForm


def _actor(request: HttpRequest) -> Any:
    """The signed-in person (every view here is behind login_required)."""
    return request.user


def _refuse_unless_configurer(request: HttpRequest) -> None:
    if not selectors.may_configure(request.user):
        raise PermissionDenied(_("Only marketers and admins configure scoring."))


def _warn(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    rules = list(selectors.rules_visible(request.user))
    found = selectors.thresholds_of(request.user)
    initial = {
        "mql_threshold": found.mql_threshold or "",
        "sql_threshold": found.sql_threshold or "",
        "buy_now_to_sql": found.buy_now_to_sql,
    }
    return {
        "fit_rules": [r for r in rules if r.kind == "fit"],
        "engagement_rules": [r for r in rules if r.kind == "engagement"],
        "may_configure": selectors.may_configure(request.user),
        "thresholds": found,
        "thresholds_form": ThresholdsForm(initial=initial),
    } | extra


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    if not selectors.may_view_rules(request.user):
        return render_error(request, status=403, message=_("You may not see the scoring rules."))
    return render(request, "scoring/rules.html", _context(request))


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    try:
        _refuse_unless_configurer(request)
        rule = selectors.rule_get(request.user, pk) if pk else None
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    form = RuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                saved, warnings = services.rule_create(actor=_actor(request), data=form.to_data())
            else:
                saved, warnings = services.rule_update(
                    actor=_actor(request), rule_id=rule.pk, data=form.to_data()
                )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Rule saved. Scores are being updated."))
            _warn(request, warnings)
            return redirect("scoring:rules")
    return render(
        request,
        "scoring/rule_edit.html",
        {"form": form, "rule": rule},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a rule on or off; htmx swaps the rule's row."""
    try:
        _refuse_unless_configurer(request)
        rule = selectors.rule_get(request.user, pk)
        rule, warnings = services.rule_set_active(
            actor=_actor(request), rule_id=rule.pk, active=not rule.is_active
        )
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    if is_partial(request):
        return render(request, "scoring/_rule_row.html", {"rule": rule, "may_configure": True})
    _warn(request, warnings)
    return redirect("scoring:rules")


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        _refuse_unless_configurer(request)
        rule = selectors.rule_get(request.user, pk)
        services.rule_delete(actor=_actor(request), rule_id=rule.pk)
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    messages.success(request, _("Rule deleted."))
    return redirect("scoring:rules")


@login_required
@require_POST
def thresholds_edit(request: HttpRequest) -> HttpResponse:
    try:
        _refuse_unless_configurer(request)
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    form = ThresholdsForm(request.POST)
    if form.is_valid():
        try:
            _found, warnings = services.thresholds_set(actor=_actor(request), data=form.to_data())
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Thresholds saved."))
            _warn(request, warnings)
            return redirect("scoring:rules")
    return render(request, "scoring/rules.html", _context(request, thresholds_form=form), status=422)
