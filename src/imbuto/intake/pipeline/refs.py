"""Resolve the references of a batch (channel slugs, campaigns) with one query each."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from imbuto.core.process_cache import ProcessCache
from imbuto.leads.models import Campaign, Channel

from ..models import SourceKind

# The channel a source kind implies when neither the batch nor the record names one.
DEFAULT_CHANNEL = {
    SourceKind.FORM: "web-form",
    SourceKind.CHAT: "website-chat",
    SourceKind.IMPORT: "purchased-list",
    SourceKind.REFERRAL: "referral",
    SourceKind.REENGAGEMENT: "lost-opportunity",
    SourceKind.MANUAL: "manual",
}


# Channel slugs -> ids for a few seconds (see core.process_cache). A slug not found is never cached,
# so a new channel is usable everywhere at once; one that has leads cannot be deleted (PROTECT).
CHANNELS = ProcessCache("intake_channel_ids", seconds=10.0, models=[Channel])


def _channels(wanted: set[str]) -> dict[str, int]:
    """Channel ids for the slugs a batch names: from the cache, else one small indexed query."""
    if not wanted:
        return {}
    known = CHANNELS.get_many(wanted)
    missing = wanted - known.keys()
    if missing:
        found = dict(Channel.objects.filter(slug__in=missing).values_list("slug", "id"))
        CHANNELS.put_many(found)
        known.update(found)
    return known


def as_id(value: Any) -> int | None:
    """A database id from an int or a string of ASCII digits that fits a bigint; else None (a name)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 and int(text) > 0 else None


class Refs:
    """Channel and campaign lookups for one batch."""

    def __init__(self, channel_slugs: set[str], campaign_refs: set[Any]) -> None:
        self.channels = _channels(channel_slugs)
        ids = {as_id(r) for r in campaign_refs} - {None}
        names = {str(r) for r in campaign_refs if as_id(r) is None}
        self.campaigns_by_id: dict[int, tuple[int, int]] = {}
        self.campaigns_by_name: dict[str, tuple[int, int]] = {}
        if ids or names:
            from django.db.models import Q

            rows = Campaign.objects.filter(Q(id__in=ids) | Q(name__in=names)).values_list(
                "id", "name", "channel_id")
            for pk, name, channel_id in rows:
                self.campaigns_by_id[pk] = (pk, channel_id)
                self.campaigns_by_name[name] = (pk, channel_id)

    def channel(self, slug: str) -> int | None:
        return self.channels.get(slug)

    def campaign(self, ref: Any) -> tuple[int, int] | None:
        pk = as_id(ref)
        return self.campaigns_by_id.get(pk) if pk is not None else self.campaigns_by_name.get(str(ref))


def resolve(refs: Refs, record_refs: dict[str, Any], *, source_channel: str | None, source_kind: str,
            source_campaign: int | None) -> tuple[int | None, int | None, dict[str, list[str]]]:
    """(channel_id, campaign_id, errors) for one record: the record's own values win."""
    errors: dict[str, list[str]] = {}
    campaign_id = source_campaign
    campaign_channel = None
    if "campaign" in record_refs:
        found = refs.campaign(record_refs["campaign"])
        if found is None:
            errors["campaign"] = [_("Unknown campaign %(ref)r.") % {"ref": str(record_refs["campaign"])[:60]}]
        else:
            campaign_id, campaign_channel = found
    elif source_campaign is not None:
        found = refs.campaign(source_campaign)
        campaign_channel = found[1] if found else None
    slug = record_refs.get("channel") or source_channel
    channel_id = None
    if slug:
        channel_id = refs.channel(str(slug))
        if channel_id is None:
            field = "channel" if record_refs.get("channel") else "__all__"
            errors[field] = [_("Unknown channel %(slug)r.") % {"slug": str(slug)[:60]}]
    else:
        channel_id = campaign_channel or refs.channel(DEFAULT_CHANNEL.get(source_kind, ""))
    return channel_id, campaign_id, errors
