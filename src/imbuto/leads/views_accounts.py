"""Account (company) and contact pages. Reads go through core.permissions like every other read;
the leads shown on them come from the lead selectors, so a rep sees only their own there too.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from imbuto.core import permissions
from imbuto.core.htmx import render_page_or_partial

from . import account_selectors, selectors
from .models import Account, Contact
from .presenters import country_name

PAGE_SIZE = 50
RELATED_LEADS = 100


def _visible(request: HttpRequest, qs: QuerySet) -> QuerySet:
    return permissions.restrict(request.user, qs, "view")


def _get(request: HttpRequest, qs: QuerySet, pk: int):  # noqa: ANN202 - an Account or a Contact
    obj = _visible(request, qs).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def customer_choice(value: str | None) -> bool | None:
    """The account list's `is_customer` choice: "1" customers, "0" the others, anything else all."""
    return {"1": True, "0": False}.get((value or "").strip())


@login_required
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("search", "").strip()[:200]
    is_customer = customer_choice(request.GET.get("is_customer"))
    qs = account_selectors.account_search(request.user, search, is_customer=is_customer)
    qs = qs.annotate(contact_count=Count("contacts"))
    page = Paginator(qs.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "search": search,
               "is_customer": "" if is_customer is None else str(int(is_customer))}
    return render_page_or_partial(request, "leads/account_list.html", context, partial="results")


@login_required
@require_GET
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _get(request, Account.objects.select_related("owner"), pk)
    leads = selectors.visible_leads(request.user).filter(account=account).select_related("owner")
    context = {
        "account": account,
        "contacts": account.contacts.select_related("owner").order_by("last_name", "first_name"),
        "leads": leads.order_by("-created_at")[:RELATED_LEADS],
        "country": country_name(account.country) if account.country else "",  # "IT" -> "Italia"
    }
    return render(request, "leads/account_detail.html", context)


@login_required
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("search", "").strip()[:200]
    qs = account_selectors.contact_search(request.user, search)
    page = Paginator(qs.order_by("last_name", "first_name", "id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"page": page, "search": search}
    return render_page_or_partial(request, "leads/contact_list.html", context, partial="results")


@login_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _get(request, Contact.objects.select_related("account", "owner"), pk)
    leads = selectors.visible_leads(request.user).filter(contact=contact).select_related("owner")
    context = {"contact": contact, "leads": leads.order_by("-created_at")[:RELATED_LEADS]}
    return render(request, "leads/contact_detail.html", context)
