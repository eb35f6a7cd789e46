"""The brief's lead channels (B1) as data: seeded by migration and again after every flush."""

from __future__ import annotations

from typing import Any

CHANNELS = [
    # slug, English name, Italian name, group
    ("referral", "Referral", "Referenza di un cliente", "referral"),
    ("purchased-list", "Purchased list", "Lista acquistata", "lists"),
    ("email-campaign", "Email campaign", "Campagna email", "digital"),
    ("advertising-response", "Advertising response", "Risposta a pubblicità", "advertising"),
    ("local-advertising", "Local advertising", "Pubblicità locale", "advertising"),
    ("webinar", "Webinar", "Webinar", "events"),
    ("lunch-seminar", "Lunch / seminar", "Pranzo / seminario", "events"),
    ("trade-show", "Trade show", "Fiera", "events"),
    ("peer-meeting", "Peer-to-peer meeting", "Incontro tra pari", "events"),
    ("sponsored-event", "Sponsored event", "Evento sponsorizzato", "events"),
    ("offline-event", "Other offline event", "Altro evento offline", "events"),
    ("content-blog", "Inbound content: blog post", "Contenuto: articolo del blog", "content"),
    ("content-infographic", "Inbound content: infographic", "Contenuto: infografica", "content"),
    ("content-image", "Inbound content: image", "Contenuto: immagine", "content"),
    ("content-video", "Inbound content: video", "Contenuto: video", "content"),
    ("social-linkedin", "Social: LinkedIn", "Social: LinkedIn", "social"),
    ("social-other", "Social: other networks", "Social: altri", "social"),
    ("networking", "Networking / chamber of commerce", "Networking / camera di commercio",
     "networking"),
    ("lost-opportunity", "Lost-opportunity re-engagement", "Recupero opportunità perse",
     "re-engagement"),
    ("website-chat", "Website chat", "Chat del sito", "digital"),
    ("web-form", "Web form", "Modulo web", "digital"),
    ("manual", "Manual entry", "Inserimento manuale", "direct"),
]


def seed_channels(channel_model: Any = None, using: str = "default") -> int:
    """Create the missing channels (never overwrites an admin's edits); returns how many were added."""
    if channel_model is None:
        from .models import Channel as channel_model
    existing = set(channel_model.objects.using(using).values_list("slug", flat=True))
    new = [channel_model(slug=slug, name=name, name_it=name_it, group=group, position=position)
           for position, (slug, name, name_it, group) in enumerate(CHANNELS) if slug not in existing]
    channel_model.objects.using(using).bulk_create(new)
    return len(new)
