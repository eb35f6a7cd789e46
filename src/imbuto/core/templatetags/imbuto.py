"""Template helpers shared by every app: money, safe URL reversing, the registered nav entries, stylesheets
and panels (core.registry)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from imbuto.core import registry

register = template.Library()

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "JPY": "¥"}


def format_money(value: Any, currency: str | None = None, language: str | None = None) -> str:
    """1234.56 -> "1.234,56 €" in Italian, "€1,234.56" in English (symbol placement by locale)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    code = (currency or getattr(settings, "IMBUTO_DEFAULT_CURRENCY", "EUR")).upper()
    symbol = CURRENCY_SYMBOLS.get(code, code)
    number = number_format(abs(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    sign = "-" if amount < 0 else ""
    lang = (language or get_language() or "en")[:2]
    if lang == "en":
        return f"{sign}{symbol}{number}" if len(symbol) == 1 else f"{sign}{symbol} {number}"
    return f"{sign}{number} {symbol}"


@register.filter
def money(value: Any, currency: str | None = None) -> str:
    """`{{ campaign.cost|money }}` or `{{ amount|money:"USD" }}`, formatted for the active language."""
    return format_money(value, currency)


def safe_reverse(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@register.filter
def can_manage_users(user: Any) -> bool:
    """`{% if user|can_manage_users %}`: the Users and Teams menu is for admins only."""
    from imbuto.core.permissions import can_manage_users as allowed

    return allowed(user)


@register.filter
def may_use(user: Any, area: str) -> bool:
    """`{% if user|may_use:"imports" %}`: the menu offers each role only the pages it may open."""
    from imbuto.core import permissions

    checks = {
        "imports": permissions.can_import_leads,
        "forms": permissions.can_manage_forms,
        "chats": permissions.can_view_chats,
        "queue": permissions.can_work_unassigned_queue,
    }
    check = checks.get(area)
    return bool(check and check(user))


@register.simple_tag
def url_if_exists(name: str, *args: Any) -> str:
    """Like `{% url %}`, but an empty string when no such URL exists (apps land one at a time)."""
    return safe_reverse(name, *args)


def _nav_link(url: str, label: Any, current: bool) -> str:
    if current:
        return format_html('<a class="nav-link active" href="{}" aria-current="page">{}</a>', url, label)
    return format_html('<a class="nav-link" href="{}">{}</a>', url, label)


def _under(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


@register.simple_tag(takes_context=True)
def nav_item(context: template.Context, label: str, *names: str) -> str:
    """A top-nav link to the first of `names` that exists; nothing when none does yet."""
    for name in names:
        url = safe_reverse(name)
        if url:
            break
    else:
        return ""
    return _nav_link(url, label, _under(getattr(context.get("request"), "path", ""), url))


@register.simple_tag(takes_context=True)
def nav_entries(context: template.Context) -> str:
    """The top-navigation links the installed apps registered (core.registry.NAV), in order; the
    entries of a group in one drop-down menu (a <details>), unless the user may use only one of them:
    a menu of one is a plain link. One entry is current: the one whose
    address is the longest start of the page's (/leads/unassigned/ is Unassigned, not Leads too),
    and its drop-down is marked with it."""
    request = context.get("request")
    user, path = getattr(request, "user", None), getattr(request, "path", "")
    entries = [(e, safe_reverse(e.url_name)) for e in registry.NAV if e.visible is None or e.visible(user)]
    entries = [(e, url) for e, url in entries if url]
    current = max((url for _, url in entries if _under(path, url)), key=len, default=None)
    groups: dict[str, list[str]] = {}
    for entry, url in entries:
        if entry.group:
            groups.setdefault(entry.group, []).append(_nav_link(url, entry.label, url == current))
    parts: list[str] = []
    placed: set[str] = set()
    for entry, url in entries:
        if not entry.group or len(groups[entry.group]) == 1:
            parts.append(_nav_link(url, entry.label, url == current))
        elif entry.group not in placed:
            placed.add(entry.group)
            links = groups[entry.group]
            active = any(' aria-current="page"' in link for link in links)
            parts.append(format_html(
                '<details class="nav-group{}"><summary class="nav-link">{}</summary>'
                '<div class="nav-group-panel">{}</div></details>',
                " active" if active else "", registry.NAV_GROUPS.get(entry.group, entry.group),
                mark_safe("".join(links))))  # noqa: S308 (each link built by format_html)
    return mark_safe("\n".join(parts))  # noqa: S308


@register.simple_tag
def stylesheets() -> str:
    """The stylesheets the installed apps registered (core.registry.STYLESHEETS)."""
    return format_html_join("\n  ", '<link rel="stylesheet" href="{}">',
                            ((static(path),) for path in registry.STYLESHEETS))


@register.simple_tag(takes_context=True)
def panels(context: template.Context, page: str) -> str:
    """Render the panels the installed apps registered for `page`, each with the page's context."""
    flat = context.flatten()
    request = context.get("request")
    return mark_safe("".join(get_template(panel.template).render(flat, request)  # noqa: S308
                             for panel in registry.panels(page)))


@register.simple_tag(takes_context=True)
def sort_url(context: template.Context, key: str) -> str:
    """The query string that sorts the list by `key`, toggling direction; the cursor is dropped."""
    request = context["request"]
    current = context.get("ordering") or ""
    params = request.GET.copy()
    params.pop("cursor", None)
    params.pop("before", None)
    params["ordering"] = key if current == f"-{key}" else f"-{key}"
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def sort_mark(context: template.Context, key: str) -> str:
    current = context.get("ordering") or ""
    if current == key:
        return "▲"
    if current == f"-{key}":
        return "▼"
    return ""


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, cursor: str | None, direction: str = "cursor") -> str:
    """The current filters with another page cursor (None -> first page); `direction` "before" for
    the page before the cursor."""
    params = context["request"].GET.copy()
    params.pop("cursor", None)
    params.pop("before", None)
    if cursor:
        params[direction if direction in ("cursor", "before") else "cursor"] = cursor
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def filter_query(context: template.Context) -> str:
    """The current filters alone (no page, no sort), as a query string: for exports and bulk actions."""
    params = context["request"].GET.copy()
    for key in ("cursor", "before"):
        params.pop(key, None)
    return params.urlencode()


@register.filter
def phone(value: Any) -> str:
    """A phone number formatted for reading (core.phones)."""
    from imbuto.core.phones import display

    return display(str(value) if value else "")


@register.filter
def tel(value: Any) -> str:
    """The tel: link of a phone number, "" when it is not a number."""
    from imbuto.core.phones import tel_uri

    return tel_uri(str(value) if value else "")
