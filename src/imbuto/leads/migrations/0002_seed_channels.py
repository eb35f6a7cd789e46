"""The brief's lead channels (B1), as data."""

from django.db import migrations

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


def seed(apps, schema_editor):
    Channel = apps.get_model("leads", "Channel")
    for position, (slug, name, name_it, group) in enumerate(CHANNELS):
        Channel.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_it": name_it, "group": group,
                                 "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
