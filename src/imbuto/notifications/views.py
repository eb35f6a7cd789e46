"""The notifications page: your notifications, mark one read (and follow its link) or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from imbuto.core.errors import NotFound

from . import selectors, services

PAGE_SIZE = 50


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_of(request.user, unread_only=unread_only), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    return render(request, "notifications/list.html",
                  {"page": page, "unread_only": unread_only,
                   "unread": selectors.unread_count(request.user),
                   "email_enabled": selectors.email_enabled(request.user)})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read; with `open`, go to the page it is about (a local path only)."""
    try:
        notification = services.notification_read(actor=request.user, notification_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    link = notification.link
    if request.POST.get("open") and link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_read_all(actor=request.user)
    return redirect("notifications:list")


@login_required
@require_POST
def email_preference(request: HttpRequest) -> HttpResponse:
    """Switch your own notification emails on (email=1) or off (anything else)."""
    enabled = request.POST.get("email") == "1"
    services.email_preference_set(actor=request.user, email=enabled)
    messages.success(request, _("Notifications will be emailed to you too.") if enabled
                     else _("Notifications will no longer be emailed to you."))
    return redirect("notifications:list")
