"""The default pipeline and loss-recycling delays as data: seeded by a migration and again after
every flush (tests), never overwriting an admin's edits."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

DEFAULT_PIPELINE = ("Sales", "Vendite")
# key, English name, Italian name, probability %, idle limit in days, outcome
DEFAULT_STAGES: tuple[tuple[str, str, str, int, int | None, str], ...] = (
    ("qualification", gettext_noop("Qualification"), "Qualificazione", 10, 14, "open"),
    ("needs_analysis", gettext_noop("Needs analysis"), "Analisi dei bisogni", 25, 14, "open"),
    ("proposal", gettext_noop("Proposal"), "Proposta", 50, 10, "open"),
    ("negotiation", gettext_noop("Negotiation"), "Trattativa", 75, 10, "open"),
    ("won", gettext_noop("Won"), "Vinta", 100, None, "won"),
    ("lost", gettext_noop("Lost"), "Persa", 0, None, "lost"),
)
# loss reason: days until the lead comes back in the lost-opportunity channel
RECYCLE_DAYS = {
    "demo_went_wrong": 120,
    "not_ready": 90,
    "competitor": 300,
    "price": 120,
    "no_budget": 180,
    "no_decision": 90,
    "other": 180,
}


def seed_defaults(
    pipeline_model: Any = None, stage_model: Any = None, recycling_model: Any = None, using: str = "default"
) -> int:
    """Create the default pipeline when there is no pipeline at all, and the missing recycling
    delays; returns how many rows were added."""
    if pipeline_model is None:
        from .models import LossRecycling as recycling_model
        from .models import Pipeline as pipeline_model
        from .models import PipelineStage as stage_model
    added = 0
    if not pipeline_model.objects.using(using).exists():
        pipeline = pipeline_model.objects.using(using).create(
            name=DEFAULT_PIPELINE[0], name_it=DEFAULT_PIPELINE[1], is_default=True
        )
        stage_model.objects.using(using).bulk_create(
            [
                stage_model(
                    pipeline=pipeline,
                    key=key,
                    name=name,
                    name_it=name_it,
                    position=i,
                    probability=probability,
                    idle_days=idle,
                    outcome=outcome,
                )
                for i, (key, name, name_it, probability, idle, outcome) in enumerate(DEFAULT_STAGES)
            ]
        )
        added += 1 + len(DEFAULT_STAGES)
    have = set(recycling_model.objects.using(using).values_list("reason", flat=True))
    new = [recycling_model(reason=r, delay_days=d) for r, d in RECYCLE_DAYS.items() if r not in have]
    recycling_model.objects.using(using).bulk_create(new)
    return added + len(new)
