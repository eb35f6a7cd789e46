"""REST endpoints for leads, accounts, contacts, campaigns and channels: thin adapters over the
services and selectors. Input names (channel slug, campaign id or name, owner id or username) are
turned into objects here; every rule lives in the services and in imbuto.core.permissions.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import CharField, Model, TextField
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from pydantic import ConfigDict, field_validator

from imbuto.core.errors import ValidationFailed
from imbuto.core.history import history_of
from imbuto.core.idempotency import HEADER, KEY_SCHEMA
from imbuto.users.models import Team, User

from . import account_selectors, account_services, bulk, export, selectors, services
from .account_schemas import (
    AccountIn,
    AccountOut,
    AccountPageOut,
    AccountUpdateIn,
    CampaignIn,
    CampaignOut,
    CampaignPageOut,
    ChannelListOut,
    ContactIn,
    ContactOut,
    ContactPageOut,
)
from .bulk_schemas import BulkIn, BulkOut
from .extensions import CAPTURE_API
from .models import Account, Campaign, Channel, Contact, Lead
from .record_schema import LeadCreateIn, LeadCreateOut, LeadNotShownOut
from .schemas import (
    LIST_ONLY,
    HistoryPageOut,
    LeadFilters,
    LeadOut,
    LeadPageOut,
    LeadUpdateIn,
    QueryId,
    TransitionIn,
    cursor_field,
    refuse_nul,
    state_no_nul,
)

router = Router()


# ---- turning names into objects ------------------------------------------------------------------

def _as_id(value: Any) -> int | None:
    """An integer id from an int or a string of ASCII digits that fits a bigint, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _by_name_or_id(qs: Any, name_field: str, value: Any) -> Any:
    obj = qs.filter(**{name_field: value}).first() if isinstance(value, str) else None
    if obj is None and (pk := _as_id(value)) is not None:
        obj = qs.filter(pk=pk).first()
    return obj


REFERENCES: dict[str, Any] = {
    # field: (how to find it, message when missing)
    "channel": (lambda v: Channel.objects.filter(slug=v).first(),
                lambda v: _("Unknown channel %(v)r; see /api/v1/channels.") % {"v": v}),
    "campaign": (lambda v: _by_name_or_id(Campaign.objects.select_related("channel"), "name", v),
                 lambda v: _("No campaign with id or name %(v)r.") % {"v": v}),
    "owner": (lambda v: _by_name_or_id(User.objects.filter(is_active=True).select_related("team"),
                                       "username", v),
              lambda v: _("No active user with id or username %(v)r.") % {"v": v}),
    "account": (lambda v: Account.objects.filter(pk=v).first(),
                lambda v: _("No account with id %(v)r.") % {"v": v}),
    "referrer_account": (lambda v: Account.objects.filter(pk=v).first(),
                         lambda v: _("No account with id %(v)r.") % {"v": v}),
    "referrer_contact": (lambda v: Contact.objects.filter(pk=v).first(),
                         lambda v: _("No contact with id %(v)r.") % {"v": v}),
}


def input_values(model: type[Model], payload: Schema) -> dict[str, Any]:
    """The fields the client sent, with null text as blank and references resolved to objects."""
    values = payload.model_dump(exclude_unset=True)
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if value is None:
            if isinstance(model._meta.get_field(name), CharField | TextField):
                values[name] = ""
        elif name in REFERENCES:
            find, missing = REFERENCES[name]
            values[name] = find(value)
            if values[name] is None:
                errors[name] = [missing(value)]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    return values


# ---- leads -----------------------------------------------------------------------------------------

@router.get("/leads", response=LeadPageOut, tags=["leads"])
def lead_list(request: HttpRequest, filters: Query[LeadFilters]) -> Any:
    """Leads you may see, filtered, ordered and paged with a keyset cursor: `cursor` (next_cursor)
    goes forward, `before` (previous_cursor) back; `with_total=true` adds the count of the set."""
    params = filters.model_dump(exclude=LIST_ONLY)
    page = selectors.lead_list(request.auth, params, limit=filters.limit,
                               cursor=filters.before or filters.cursor, backwards=bool(filters.before))
    total = selectors.lead_count(request.auth, params) if filters.with_total else None
    return {"items": page.items, "next_cursor": page.next_cursor,
            "previous_cursor": page.previous_cursor, "total": total}


class ExportFormat(Schema):
    format: Literal["csv", "xlsx"] = Field("csv", description="csv (`;` and a BOM for Italian readers, "
                                           "`,` otherwise) or xlsx")


@router.get("/leads/export", tags=["leads"], response={200: None},
            openapi_extra={"responses": {200: {"description": "The file", "content": {
                "text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}}})
def lead_export(request: HttpRequest, filters: Query[LeadFilters], fmt: Query[ExportFormat]) -> Any:
    """The leads of the list with the same filters and ordering, as a file with the list's columns.

    Only the leads you may see; at most 100,000 rows (a larger set answers 422: narrow the filters).
    Cells that begin like a formula (= + - @, tab, CR) are prefixed with an apostrophe. The column
    names follow your language (Accept-Language or your profile)."""
    params = filters.model_dump(exclude=LIST_ONLY)
    return export.response(export.lead_export(request.auth, params), fmt.format)


@router.post("/leads", response={200: LeadCreateOut | LeadNotShownOut, 201: LeadCreateOut | LeadNotShownOut},
             tags=["leads"])
def lead_create_endpoint(request: HttpRequest, payload: LeadCreateIn,
                         idempotency_key: str | None = Header(None, alias=HEADER, **KEY_SCHEMA)) -> Any:
    """Create one lead through the intake pipeline (normalised, matched against existing leads).

    The record is validated and normalised exactly as an item of /leads/batch or a row of an import:
    "Italia" is stored as IT, "subito" as immediate; a value that cannot be read is kept as a quality
    flag and reported in `warnings`.

    201 with `outcome` "created" (or "flagged" as a possible duplicate), 200 with `outcome` "merged"
    when it matched an existing lead, 422 with the reasons when rejected. A lead created by a sales
    rep is owned by that rep. When the lead is one you may not see (the person is already another
    owner's lead), the answer is `{"outcome": "merged", "lead": null, "message": ...}`: the record was
    still merged into it, but neither its id nor its values are shown. With an `Idempotency-Key`
    header a retry gets the first answer again.
    """
    return CAPTURE_API.func(request, payload, idempotency_key)  # intake's pipeline (leads.extensions)


@router.post("/leads/bulk", response=BulkOut, tags=["leads"])
def lead_bulk(request: HttpRequest, payload: BulkIn) -> Any:
    """One action on many leads: `ids`, or every lead matching `filter` (the names of GET /leads).

    `assign` (owner, or team with owner null), `transition` (to, reason, parked_until),
    `add_to_campaign` (campaign), `discard` (reason). Each lead goes through the service a single
    change uses, with its permission check and its history; the answer says per lead whether it was
    done, unchanged, refused (with the reason) or not found. At most 2,000 leads per call."""
    options = bulk_options(payload)
    filters = payload.filter.model_dump(exclude=LIST_ONLY | {"ordering"}) if payload.filter else None
    leads, missing = bulk.bulk_selection(request.auth, ids=payload.ids, filters=filters)
    outcomes = bulk.leads_bulk(actor=request.auth, leads=leads, action=payload.action, **options)
    outcomes += [bulk.Outcome(i, bulk.NOT_FOUND) for i in missing]
    summary = bulk.Summary(payload.action, outcomes)
    return {"action": payload.action, "counts": summary.counts, "items": summary.outcomes}


def bulk_options(payload: BulkIn) -> dict[str, Any]:
    """The action's arguments with names turned into objects (an unknown one is a 422)."""
    options: dict[str, Any] = {"to": payload.to or "", "reason": payload.reason,
                               "parked_until": payload.parked_until}
    if payload.action == "assign":
        if payload.owner is None and payload.team is None:
            message = _("Name the owner, or the team whose queue takes the leads.")
            raise ValidationFailed(message, fields={"owner": [message]})
        if payload.owner is not None:
            options["owner"] = _reference("owner", payload.owner)
        else:
            team = _by_name_or_id(Team.objects.all(), "slug", payload.team)
            if team is None:
                raise ValidationFailed(_("No team with id or slug %(v)r.") % {"v": payload.team},
                                       fields={"team": [_("Unknown team.")]})
            options["team"] = team
    if payload.action == "add_to_campaign" and payload.campaign is not None:
        options["campaign"] = _reference("campaign", payload.campaign)
    return options


def _reference(name: str, value: Any) -> Any:
    find, missing = REFERENCES[name]
    found = find(value)
    if found is None:
        raise ValidationFailed(missing(value), fields={name: [missing(value)]})
    return found


@router.get("/leads/{int:lead_id}", response=LeadOut, tags=["leads"])
def lead_read(request: HttpRequest, lead_id: int) -> Any:
    """One lead; a lead outside your scope answers 404."""
    return selectors.lead_get(request.auth, lead_id)


@router.patch("/leads/{int:lead_id}", response=LeadOut, tags=["leads"])
def lead_update(request: HttpRequest, lead_id: int, payload: LeadUpdateIn) -> Any:
    """Change some fields; each change is kept in the history. The stage moves via /transition."""
    lead = selectors.lead_get(request.auth, lead_id)
    if "stage" in payload.model_fields_set:
        message = _("The stage changes only through POST /api/v1/leads/%(id)s/transition.") % {"id": lead_id}
        raise ValidationFailed(message, fields={"stage": [message]})
    return services.lead_update(actor=request.auth, lead=lead, values=input_values(Lead, payload))


@router.post("/leads/{int:lead_id}/transition", response=LeadOut, tags=["leads"])
def lead_transition(request: HttpRequest, lead_id: int, payload: TransitionIn) -> Any:
    """Move the lead to another lifecycle stage; an illegal move answers 409 and changes nothing.

    Discarding needs a `reason`; parking needs a `reason` and a future `parked_until` date.
    """
    lead = selectors.lead_get(request.auth, lead_id)
    return services.lead_transition(actor=request.auth, lead=lead, to=payload.to,
                                    reason=payload.reason, note=payload.note,
                                    parked_until=payload.parked_until)


@router.get("/leads/{int:lead_id}/history", response=HistoryPageOut, tags=["leads"])
def lead_history(request: HttpRequest, lead_id: int) -> Any:
    """Every change of the lead, oldest first: who, when, what ({field: [from, to]}) and why."""
    lead = selectors.lead_get(request.auth, lead_id)
    return {"items": list(history_of(lead))}


# ---- accounts and contacts ----------------------------------------------------------------------

class ListParams(Schema):
    search: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = cursor_field()

    model_config = ConfigDict(json_schema_extra=state_no_nul)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)


class ContactParams(ListParams):
    account: QueryId | None = Field(None, description="Only contacts of this account")


class CampaignParams(ListParams):
    channel: str | None = Field(None, max_length=50, description="Channel slug")


class AccountParams(ListParams):
    is_customer: bool | None = Field(None, description="true: customers only; false: the others")


@router.get("/accounts", response=AccountPageOut, tags=["accounts"])
def account_list(request: HttpRequest, params: Query[AccountParams]) -> Any:
    """Company accounts by name; `search` matches name, VAT id, city or domain; `is_customer` keeps
    the customers (or the others)."""
    return account_selectors.account_list(request.auth, search=params.search,
                                          is_customer=params.is_customer, limit=params.limit,
                                          cursor=params.cursor)


@router.get("/accounts/export", tags=["accounts"], response={200: None})
def account_export(request: HttpRequest, params: Query[AccountParams], fmt: Query[ExportFormat]) -> Any:
    """The accounts you may see (with `search` and `is_customer`) as CSV or XLSX, as GET /leads/export."""
    return export.response(export.account_export(request.auth, params.search, params.is_customer),
                           fmt.format)


@router.post("/accounts", response={201: AccountOut}, tags=["accounts"])
def account_create(request: HttpRequest, payload: AccountIn) -> Any:
    data = input_values(Account, payload)
    return Status(201, account_services.account_create(actor=request.auth, data=data))


@router.get("/accounts/{int:account_id}", response=AccountOut, tags=["accounts"])
def account_read(request: HttpRequest, account_id: int) -> Any:
    return account_selectors.account_get(request.auth, account_id)


@router.patch("/accounts/{int:account_id}", response=AccountOut, tags=["accounts"])
def account_update(request: HttpRequest, account_id: int, payload: AccountUpdateIn) -> Any:
    account = account_selectors.account_get(request.auth, account_id)
    return account_services.account_update(actor=request.auth, account=account,
                                           values=input_values(Account, payload))


@router.get("/contacts", response=ContactPageOut, tags=["contacts"])
def contact_list(request: HttpRequest, params: Query[ContactParams]) -> Any:
    """Contacts by last name; `search` matches names, email, phone or the account's name."""
    return account_selectors.contact_list(request.auth, search=params.search, account=params.account,
                                          limit=params.limit, cursor=params.cursor)


@router.get("/contacts/export", tags=["contacts"], response={200: None})
def contact_export(request: HttpRequest, params: Query[ContactParams], fmt: Query[ExportFormat]) -> Any:
    """The contacts you may see (with `search`, `account`) as CSV or XLSX, as GET /leads/export."""
    return export.response(export.contact_export(request.auth, params.search, params.account), fmt.format)


@router.post("/contacts", response={201: ContactOut}, tags=["contacts"])
def contact_create(request: HttpRequest, payload: ContactIn) -> Any:
    data = input_values(Contact, payload)
    return Status(201, account_services.contact_create(actor=request.auth, data=data))


@router.get("/contacts/{int:contact_id}", response=ContactOut, tags=["contacts"])
def contact_read(request: HttpRequest, contact_id: int) -> Any:
    return account_selectors.contact_get(request.auth, contact_id)


@router.patch("/contacts/{int:contact_id}", response=ContactOut, tags=["contacts"])
def contact_update(request: HttpRequest, contact_id: int, payload: ContactIn) -> Any:
    contact = account_selectors.contact_get(request.auth, contact_id)
    return account_services.contact_update(actor=request.auth, contact=contact,
                                           values=input_values(Contact, payload))


# ---- campaigns and channels -----------------------------------------------------------------------

@router.get("/campaigns", response=CampaignPageOut, tags=["campaigns"])
def campaign_list(request: HttpRequest, params: Query[CampaignParams]) -> Any:
    return account_selectors.campaign_list(request.auth, search=params.search, channel=params.channel,
                                           limit=params.limit, cursor=params.cursor)


@router.post("/campaigns", response={201: CampaignOut}, tags=["campaigns"])
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Any:
    """A campaign in one channel (admins, managers and marketers)."""
    data = input_values(Campaign, payload)
    return Status(201, account_services.campaign_create(actor=request.auth, data=data))


@router.get("/campaigns/{int:campaign_id}", response=CampaignOut, tags=["campaigns"])
def campaign_read(request: HttpRequest, campaign_id: int) -> Any:
    return account_selectors.campaign_get(request.auth, campaign_id)


@router.get("/channels", response=ChannelListOut, tags=["campaigns"])
def channel_list(request: HttpRequest) -> Any:
    """The lead source channels (brief B1): use the slug as a lead's or campaign's `channel`."""
    return {"items": account_selectors.channel_list(request.auth)}
