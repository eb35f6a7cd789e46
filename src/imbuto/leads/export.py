"""Exports of what a list shows (leads, accounts, contacts) as CSV or XLSX, for people.

The rows come from the same permission-scoped selectors and filters as the list (so an export never
holds a row its reader could not open), read in chunks and written as they come. An export is bounded
(MAX_ROWS): a larger set is refused with a message asking for a narrower filter, never cut silently.
Cells are written through core.tabular (formula neutralising, separator by language).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imbuto.core import tabular
from imbuto.core.errors import ValidationFailed
from imbuto.core.phones import display as phone_display

from . import account_selectors, selectors
from .choices import Stage, Temperature

MAX_ROWS = 100_000
CHUNK = 2000
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    label: Any  # lazily translated
    value: Callable[[Any], Any]


def _date(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _user(user: Any) -> str:
    return str(user) if user else ""


LEAD_COLUMNS = (
    Column(gettext_lazy("Id"), lambda ld: ld.pk),
    Column(gettext_lazy("First name"), lambda ld: ld.first_name),
    Column(gettext_lazy("Last name"), lambda ld: ld.last_name),
    Column(gettext_lazy("Email"), lambda ld: ld.email),
    Column(gettext_lazy("Phone"), lambda ld: phone_display(ld.phone)),
    Column(gettext_lazy("Company"), lambda ld: ld.company_name),
    Column(gettext_lazy("Country"), lambda ld: ld.country),
    Column(gettext_lazy("Stage"), lambda ld: dict(Stage.choices).get(ld.stage, ld.stage)),
    Column(gettext_lazy("Temperature"), lambda ld: dict(Temperature.choices).get(ld.temperature, "")),
    Column(gettext_lazy("Score"), lambda ld: ld.score if ld.score is not None else ""),
    Column(gettext_lazy("Owner"), lambda ld: _user(ld.owner) or _("Unassigned")),
    Column(gettext_lazy("Team"), lambda ld: str(ld.team) if ld.team_id else ""),
    Column(gettext_lazy("Channel"), lambda ld: ld.channel.display_name if ld.channel_id else ""),
    Column(gettext_lazy("Campaign"), lambda ld: ld.campaign.name if ld.campaign_id else ""),
    Column(gettext_lazy("Created"), lambda ld: _date(ld.created_at)),
)
ACCOUNT_COLUMNS = (
    Column(gettext_lazy("Id"), lambda a: a.pk),
    Column(gettext_lazy("Name"), lambda a: a.name),
    Column(gettext_lazy("VAT id"), lambda a: a.vat_id),
    Column(gettext_lazy("Website"), lambda a: a.website),
    Column(gettext_lazy("Industry"), lambda a: a.industry),
    Column(gettext_lazy("City"), lambda a: a.city),
    Column(gettext_lazy("Country"), lambda a: a.country),
    Column(gettext_lazy("Owner"), lambda a: _user(a.owner)),
    Column(gettext_lazy("Customer"), lambda a: _("yes") if a.is_customer else _("no")),
    Column(gettext_lazy("Created"), lambda a: _date(a.created_at)),
)
CONTACT_COLUMNS = (
    Column(gettext_lazy("Id"), lambda c: c.pk),
    Column(gettext_lazy("First name"), lambda c: c.first_name),
    Column(gettext_lazy("Last name"), lambda c: c.last_name),
    Column(gettext_lazy("Job title"), lambda c: c.job_title),
    Column(gettext_lazy("Email"), lambda c: c.email),
    Column(gettext_lazy("Phone"), lambda c: phone_display(c.phone)),
    Column(gettext_lazy("Account"), lambda c: c.account.name if c.account_id else ""),
    Column(gettext_lazy("Owner"), lambda c: _user(c.owner)),
    Column(gettext_lazy("Created"), lambda c: _date(c.created_at)),
)


@dataclass
class Export:
    """What to write: the columns, the rows (a queryset, read in chunks) and the file's name."""

    name: str
    columns: tuple[Column, ...]
    rows: QuerySet[Any]
    title: Any = ""  # the sheet's name, lazily translated

    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def values(self) -> Iterator[list[Any]]:
        for obj in self.rows.iterator(chunk_size=CHUNK):
            yield [c.value(obj) for c in self.columns]


def _bounded(qs: QuerySet[Any]) -> QuerySet[Any]:
    if qs[MAX_ROWS:MAX_ROWS + 1].exists():
        raise ValidationFailed(
            _("An export holds at most %(max)s rows: narrow the filters.") % {"max": f"{MAX_ROWS:,}"},
            fields={"format": [_("Too many rows.")]})
    return qs


def lead_export(user: Any, params: dict[str, Any]) -> Export:
    """The leads of the list with these filters and ordering (the list endpoint's names)."""
    ordering = params.get("ordering") or selectors.DEFAULT_ORDERING
    qs = selectors.ordered(selectors.filter_leads(selectors.visible_leads(user), params), ordering)
    qs = qs.select_related("owner", "team", "channel", "campaign")
    return Export("leads", LEAD_COLUMNS, _bounded(qs), gettext_lazy("Leads"))


def account_export(user: Any, search: str | None = None, is_customer: bool | None = None) -> Export:
    qs = account_selectors.account_search(user, search, is_customer=is_customer)
    qs = qs.select_related("owner").order_by("name", "id")
    return Export("accounts", ACCOUNT_COLUMNS, _bounded(qs), gettext_lazy("Accounts"))


def contact_export(user: Any, search: str | None = None, account: int | None = None) -> Export:
    qs = account_selectors.contact_search(user, search, account=account).order_by("last_name", "id")
    return Export("contacts", CONTACT_COLUMNS, _bounded(qs), gettext_lazy("Contacts"))


def response(export: Export, fmt: str) -> Any:
    """A download of `export`: CSV streamed row by row; XLSX built in a temporary file, then sent."""
    from django.http import FileResponse, StreamingHttpResponse

    if fmt not in FORMATS:
        raise ValidationFailed(_("Choose the format csv or xlsx."), fields={"format": [_("Unknown format.")]})
    language = translation.get_language() or "en"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{export.name}-{stamp}.{fmt}"
    if fmt == "csv":
        def lines() -> Iterator[str]:
            with translation.override(language):
                yield from tabular.csv_lines(export.header(), export.values(), language=language)

        resp: Any = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:
        sheet = str(export.title or export.name)
        resp = FileResponse(tabular.xlsx_file(export.header(), export.values(), sheet=sheet),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "no-store"
    return resp

