"""How a lead's fields are shown: grouped as in the forms, with labels and a display kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .forms import EXTRA_LABELS, LEAD_GROUPS
from .models import Lead
from .timeline import CHOICES

KINDS = {"email": "email", "phone": "phone", "website": "url", "consent_at": "datetime",
         "parked_until": "date", "created_at": "datetime", "updated_at": "datetime"}


@dataclass
class Shown:
    label: str
    value: Any
    kind: str = "text"
    href: str = ""
    flagged: bool = False  # failed validation at intake: shown as text with a warning, never linked

    @property
    def empty(self) -> bool:
        return self.value is None or self.value == ""


@dataclass
class Group:
    label: str
    fields: list[Shown]


def _shown(lead: Lead, name: str) -> Shown:
    label = capfirst(str(EXTRA_LABELS.get(name) or Lead._meta.get_field(name).verbose_name))
    value = getattr(lead, name)
    if name in CHOICES and value:
        return Shown(label, str(CHOICES[name].get(value, value)))
    if name == "channel":
        return Shown(label, lead.channel.display_name if lead.channel else None)
    if name == "website" and value:
        href = value if "://" in value else f"https://{value}"
        return Shown(label, value, "url", href if href.startswith(("http://", "https://")) else "")
    if name in ("owner", "campaign"):
        return Shown(label, str(value) if value else None)
    if name == "language" and value:
        return Shown(label, language_name(value))
    if name == "country" and value:
        return Shown(label, country_name(value))
    if name == "consent_channel" and value:
        return Shown(label, consent_channel_name(value))
    return Shown(label, value, KINDS.get(name, "text"))


def _checked(lead: Lead, name: str) -> Shown:
    shown = _shown(lead, name)
    if name in (lead.quality_flags or {}) and not shown.empty:
        shown.flagged, shown.kind, shown.href = True, "text", ""
    return shown


# How consent was given, named for people (the stored value is a short code or a channel's slug).
CONSENT_CHANNELS = {"email": _("email"), "phone": _("phone"), "sms": _("text message"),
                    "post": _("post"), "in-person": _("in person"), "web": _("website"),
                    "form": _("web form"), "chat": _("website chat")}


def language_name(code: str) -> str:
    """"it" -> "italiano" to an Italian reader, "Italian" to an English one; unknown codes as stored."""
    from django.utils.translation import get_language_info
    from django.utils.translation import gettext as gettext_now

    try:
        return gettext_now(get_language_info(code)["name"])
    except KeyError:
        return code


def country_name(code: str) -> str:
    """"DE" -> "Germania" to an Italian reader, "Germany" to an English one (phonenumbers' names)."""
    from django.utils.translation import get_language

    try:
        from phonenumbers.geocoder import _region_display_name
    except ImportError:  # pragma: no cover - phonenumbers is a dependency
        return code
    lang = (get_language() or "en")[:2]
    return _region_display_name(code.upper(), lang) or _region_display_name(code.upper(), "en") or code


def consent_channel_name(value: str) -> str:
    from .models import Channel

    if value in CONSENT_CHANNELS:
        return str(CONSENT_CHANNELS[value])
    channel = Channel.objects.filter(slug=value).first()
    return channel.display_name if channel else value


def lead_groups(lead: Lead) -> list[Group]:
    """Person, organisation, address, source, qualification and consent, as the form groups them."""
    groups = [Group(str(label), [_checked(lead, n) for n in names]) for label, names in LEAD_GROUPS]
    source = groups[3].fields
    if lead.campaign_id and lead.campaign:
        source.append(Shown(capfirst(str(_("campaign cost"))), lead.campaign.cost, "money"))
    for name in ("referrer_contact", "referrer_account"):
        obj = getattr(lead, name)
        if obj is not None:
            view = "leads:contact_detail" if name == "referrer_contact" else "leads:account_detail"
            source.append(Shown(capfirst(str(_("referred by"))), str(obj), "link",
                                reverse(view, args=[obj.pk])))
    qualification = groups[4].fields
    qualification.append(_shown(lead, "score"))
    qualification.append(_shown(lead, "created_at"))
    if lead.created_by_id:
        qualification.append(Shown(capfirst(str(_("created by"))), str(lead.created_by)))
    for name, label, view in (("account", _("account"), "leads:account_detail"),
                              ("contact", _("contact"), "leads:contact_detail")):
        obj = getattr(lead, name)
        if obj is not None:
            qualification.append(Shown(capfirst(str(label)), str(obj), "link", reverse(view, args=[obj.pk])))
    return groups
