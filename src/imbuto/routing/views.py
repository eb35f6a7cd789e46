"""The routing page (admins and sales managers): rules in order with their warnings, pools with
their members' load and availability, the global nurturing owner; "route again" for leads and
"route waiting leads now". Thin adapters over `config`, `services` and `selectors`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from imbuto.core import explain, permissions
from imbuto.core.errors import DomainError, apply_domain_error
from imbuto.core.htmx import is_partial, render_error
from imbuto.leads import bulk
from imbuto.users.models import Team

from . import config, forms, presenters, selectors, services
from .models import Pool, PoolMember, Rule, Settings, Waiting
from .policies import may_configure


def _refuse(request: HttpRequest) -> HttpResponse:
    permissions.audit_denial(request.user, "view", "routing.rule", None)
    return render_error(
        request, status=403, message=_("Routing is configured by administrators and sales managers.")
    )


def _context(request: HttpRequest) -> dict[str, Any]:
    rules = list(selectors.rules_of(request.user))
    pools = list(selectors.pools_of(request.user))
    view = presenters.overview(rules, pools)
    for rule in rules:
        rule.can_change = permissions.can(request.user, "change", rule)  # type: ignore[attr-defined]
        rule.conditions = presenters.conditions(rule)  # type: ignore[attr-defined]
    return {
        "rules": rules,
        "pools": pools,
        "view": view,
        "can_change_settings": permissions.can(request.user, "change", Settings.get()),
        "settings_form": forms.SettingsForm(initial={"nurturing_owner": Settings.get().nurturing_owner_id}),
        "waiting": permissions.restrict(request.user, Waiting.objects.all()).count(),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not may_configure(request.user):
        return _refuse(request)
    context = _context(request)
    if is_partial(request) and request.GET.get("part") == "rules":
        return render(request, "routing/overview.html#rules", context)
    return render(request, "routing/overview.html", context)


def _get(model: Any, user: Any, pk: int, selector: Any) -> Any:
    obj = selector(user).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("No such rule or pool."))
    return obj


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not may_configure(request.user):
        return _refuse(request)
    rule = _get(Rule, request.user, pk, selectors.rules_of) if pk else None
    pools = permissions.restrict(request.user, Pool.objects.order_by("name"), "change")
    if request.method == "POST":
        form = forms.RuleForm(request.POST, pools=pools)
        if form.is_valid():
            try:
                config.rule_save(actor=request.user, rule=rule, values=form.values())
            except DomainError as exc:
                if exc.status == 403:
                    return render_error(request, exc, status=403)
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Rule saved."))
                return redirect("routing:overview")
    else:
        form = forms.RuleForm(initial=forms.rule_initial(rule) if rule else {"is_active": True}, pools=pools)
    return render(request, "routing/rule_form.html", {"form": form, "rule": rule})


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_configure(request.user):
        return _refuse(request)
    try:
        config.rule_delete(actor=request.user, rule=_get(Rule, request.user, pk, selectors.rules_of))
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    messages.success(request, _("Rule deleted."))
    return redirect("routing:overview")


@login_required
@require_POST
def rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_configure(request.user):
        return _refuse(request)
    try:
        config.rule_move(
            actor=request.user,
            rule=_get(Rule, request.user, pk, selectors.rules_of),
            by=-1 if request.POST.get("direction") == "up" else 1,
        )
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    if is_partial(request):
        return render(request, "routing/overview.html#rules", _context(request))
    return redirect("routing:overview")


@login_required
@require_http_methods(["GET", "POST"])
def pool_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not may_configure(request.user):
        return _refuse(request)
    pool = _get(Pool, request.user, pk, selectors.pools_of) if pk else None
    teams = Team.objects.order_by("name")
    if permissions.role_of(request.user) != "admin":
        teams = teams.filter(pk=request.user.team_id or 0)
    if request.method == "POST":
        form = forms.PoolForm(request.POST, teams=teams)
        if form.is_valid():
            try:
                pool = config.pool_save(actor=request.user, pool=pool, values=dict(form.cleaned_data))
            except DomainError as exc:
                if exc.status == 403:
                    return render_error(request, exc, status=403)
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Pool saved."))
                return redirect("routing:pool_edit", pk=pool.pk)
    else:
        initial = (
            {
                "name": pool.name,
                "team": pool.team_id,
                "is_default": pool.is_default,
                "nurturing_owner": pool.nurturing_owner_id,
            }
            if pool
            else {}
        )
        form = forms.PoolForm(initial=initial, teams=teams)
    context: dict[str, Any] = {"form": form, "pool": pool}
    if pool is not None:
        view = presenters.overview([], [pool])
        members = view.members.get(pool.pk, [])
        context.update(
            warnings=view.pool_warnings.get(pool.pk, []),
            member_rows=[
                (m, forms.MemberForm(prefix=f"m{m.pk}", editing=True, initial=_member_initial(m)))
                for m in members
            ],
            member_form=forms.MemberForm(prefix="new"),
            can_change=permissions.can(request.user, "change", pool),
        )
    return render(request, "routing/pool_form.html", context)


def _member_initial(member: PoolMember) -> dict[str, Any]:
    initial = {
        name: getattr(member, name)
        for name in ("weight", "capacity", "away_from", "away_until", "work_days", "work_start", "work_end")
    }
    initial["skills"] = ", ".join(member.skills or [])
    return initial


@login_required
@require_POST
def pool_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_configure(request.user):
        return _refuse(request)
    try:
        config.pool_delete(actor=request.user, pool=_get(Pool, request.user, pk, selectors.pools_of))
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    messages.success(request, _("Pool deleted."))
    return redirect("routing:overview")


@login_required
@require_POST
def member_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a member (`pk` a pool, url member_add) or change one (`pk` a member, url member_edit)."""
    if not may_configure(request.user):
        return _refuse(request)
    adding = request.resolver_match is not None and request.resolver_match.url_name == "member_add"
    if adding:
        pool = _get(Pool, request.user, pk, selectors.pools_of)
        member = None
    else:
        member = PoolMember.objects.select_related("pool").filter(pk=pk).first()
        if member is None or not permissions.can(request.user, "view", member):
            raise Http404(_("No such member."))
        pool = member.pool
    form = forms.MemberForm(request.POST, prefix="new" if adding else f"m{pk}", editing=not adding)
    if form.is_valid():
        try:
            config.member_save(actor=request.user, pool=pool, member=member, values=dict(form.cleaned_data))
        except DomainError as exc:
            if exc.status == 403:
                return render_error(request, exc, status=403)
            _flash_errors(request, exc.fields or {"": [exc.message]})
        else:
            messages.success(request, _("Member saved."))
    else:
        _flash_errors(request, form.errors)
    return redirect("routing:pool_edit", pk=pool.pk)


def _flash_errors(request: HttpRequest, errors: Any) -> None:
    for messages_of_field in errors.values():
        for message in messages_of_field:
            messages.error(request, str(message))


@login_required
@require_POST
def member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_configure(request.user):
        return _refuse(request)
    member = PoolMember.objects.select_related("pool").filter(pk=pk).first()
    if member is None or not permissions.can(request.user, "view", member):
        raise Http404(_("No such member."))
    try:
        config.member_delete(actor=request.user, member=member)
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    messages.success(request, _("Member removed."))
    return redirect("routing:pool_edit", pk=member.pool_id)


@login_required
@require_POST
def settings_save(request: HttpRequest) -> HttpResponse:
    if not may_configure(request.user):
        return _refuse(request)
    form = forms.SettingsForm(request.POST)
    if form.is_valid():
        try:
            config.settings_save(actor=request.user, nurturing_owner=form.cleaned_data["nurturing_owner"])
        except DomainError as exc:
            return render_error(request, exc, status=exc.status)
        messages.success(request, _("Settings saved."))
    else:
        _flash_errors(request, form.errors)
    return redirect("routing:overview")


@login_required
@require_POST
def route_again(request: HttpRequest) -> HttpResponse:
    """Route again by the rules: one lead (`lead`, from its page) or every lead matching the lead
    list's filters (`query`, the list's query string); back where the person came from."""
    if not services.may_route_again(request.user):
        return _refuse(request)
    lead_id = request.POST.get("lead", "")
    try:
        if lead_id.isdigit():
            leads, _missing = bulk.bulk_selection(request.user, ids=[int(lead_id)])
        else:
            query = QueryDict(request.POST.get("query", ""))
            leads, _missing = bulk.bulk_selection(request.user, filters={k: query.get(k) for k in query})
        report, refused = services.leads_route_again(actor=request.user, leads=leads)
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    messages.success(
        request,
        _(
            "Routed again: %(assigned)s assigned, %(waiting)s with nobody available "
            "(they keep their owner), %(refused)s refused."
        )
        % {
            "assigned": len(report.assigned),
            "waiting": sum(1 for d in report.decisions.values() if d.owner_id is None),
            "refused": len(refused),
        },
    )
    if lead_id.isdigit() and leads and permissions.can(request.user, "view", leads[0]):
        return redirect("leads:detail", pk=int(lead_id))
    return redirect("routing:overview")


@login_required
@require_POST
def route_waiting_now(request: HttpRequest) -> HttpResponse:
    """What the periodic job does, now: route the leads waiting for a rep."""
    if not may_configure(request.user):
        return _refuse(request)
    report = services.route_waiting()
    messages.success(
        request,
        _("%(assigned)s waiting leads assigned; %(waiting)s still wait.")
        % {"assigned": len(report.assigned), "waiting": len(report.waiting)},
    )
    return redirect("routing:overview")


@login_required
def lead_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead page's routing panel (loaded by htmx, so the lead page itself costs no query more):
    the latest routing decision explained, whether the lead waits, and "route again" for who may."""
    try:
        story = selectors.lead_routing(request.user, pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    latest = story.entries[0] if story.entries else None
    wait = story.waiting
    return render(
        request,
        "routing/lead_panel.html",
        {
            "lead": story.lead,
            "waiting": wait is not None,
            "waiting_text": explain.render(wait.code, wait.params) if wait else "",
            "latest": explain.render(latest.reason_code, latest.reason_params or {}) if latest else "",
            "may_route": services.may_route_again(request.user)
            and permissions.can(request.user, "change", story.lead),
        },
    )
