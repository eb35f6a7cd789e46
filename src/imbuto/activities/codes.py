"""The codes this app sends (notifications), each a translatable sentence over its parameters;
registered by ActivitiesConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REMINDER = "activities.reminder"

NOTIFICATIONS = {
    REMINDER: _("Reminder: %(subject)s (%(when)s)."),
}


def register() -> None:
    from imbuto.notifications import messages

    for code, text in NOTIFICATIONS.items():
        messages.register(code, text)
