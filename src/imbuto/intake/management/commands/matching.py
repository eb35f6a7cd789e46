"""`imbuto matching learn`: refit the matcher's weights from the review queue's decisions.

Prints one line: how many decisions, whether the refit was adopted, and the cross-validated log-loss of
the refit beside the current weights'. The scheduler runs the same nightly (intake.learn_matching).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Matcher upkeep: `learn` refits the comparison weights from merge/dismiss decisions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["learn"])

    def handle(self, *args: Any, **options: Any) -> None:
        from imbuto.intake.learning import learn_from_reviews
        from imbuto.intake.matching.learn import MIN_DECISIONS

        model = learn_from_reviews()
        if model is None:
            self.stdout.write(f"nothing learned: fewer than {MIN_DECISIONS} review decisions, or none new")
            return
        figures = model.figures
        self.stdout.write(
            f"match model {model.pk}: {model.decisions} decisions, "
            f"{'adopted' if model.adopted else 'not adopted (current weights kept)'}; cross-validated "
            f"log-loss {figures.get('refit_logloss')} vs current {figures.get('current_logloss')}")
