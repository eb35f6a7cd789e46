"""Django's own strings that its Italian catalogue lacks (new in Django 6): marked here so that
makemessages keeps them in ours and the Italian UI never shows them in English."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),  # the empty choice of a select (BLANK_CHOICE_DASH)
)
