"""The codes deals stores in history (core.explain), each a translatable sentence over its
parameters; registered by DealsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CONVERTED = "deals.converted"
CREATED_FROM = "deals.created_from_lead"
WON = "deals.won"
LOST = "deals.lost"
RECYCLED = "deals.recycled"

EXPLANATIONS = {
    CONVERTED: _("Converted into deal #%(deal)s"),
    CREATED_FROM: _("Created by converting lead #%(lead)s"),
    WON: _("Deal #%(deal)s won"),
    LOST: _("Deal #%(deal)s lost: %(lost_reason)s"),
    RECYCLED: _("Back from deal #%(deal)s, lost on %(lost_on)s: %(lost_reason)s"),
}


def register() -> None:
    from imbuto.core import explain

    from .models import LostReason

    for code, text in EXPLANATIONS.items():
        explain.register(code, text)
    explain.register_param("lost_reason", lambda value: str(dict(LostReason.choices).get(value, value)))
