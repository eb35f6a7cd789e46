"""`imbuto scoring train [--force] [--folds N]` and `imbuto scoring evaluate FILE.csv --label COLUMN
[--drop COL,COL] [--folds 5]` (docs/prediction.md).

evaluate prints one JSON object on stdout (roc_auc, pr_auc, brier, n_rows, seconds, ...); bad input
(no such file or column, one outcome only, too few rows, an empty or binary file) gives one line on
stderr and exit code 2, never a traceback."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imbuto.prediction import learn, tabular


def _folds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 2 <= value <= 20:
        raise argparse.ArgumentTypeError("the number of folds must be between 2 and 20")
    return value


def evaluate_file(path: str, *, label: str, drop: list[str], folds: int) -> dict[str, Any]:
    """Cross-validate Imbuto's model on a CSV: the figures `evaluate` prints (LearnError if unusable)."""
    started = time.perf_counter()
    table = tabular.read_table(path, label=label, drop=drop)

    def make() -> learn.Model:
        return learn.Model(table.numeric, table.categorical)

    evaluation = learn.cross_validate(make, table.records, table.labels, folds=folds)
    out = evaluation.as_dict()
    out["seconds"] = round(time.perf_counter() - started, 3)
    out.update({
        "estimator": "linear" if len(table.records) < learn.SMALL_DATA else "boosting",
        "label": label, "delimiter": table.delimiter, "skipped_rows": table.skipped_rows,
        "numeric_columns": table.numeric, "categorical_columns": table.categorical,
        "ignored_columns": table.ignored,
    })
    return out


class Command(BaseCommand):
    help = "Train the predictive lead model, or evaluate the same model on a CSV of past records."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="{train,evaluate}", required=True)
        train = sub.add_parser("train", help="train a new model version on the closed leads")
        train.add_argument("--force", action="store_true",
                           help="train even if no lead closed since the newest version")
        train.add_argument("--folds", type=_folds, default=5)
        train.add_argument("--no-refresh", action="store_true",
                           help="do not recompute every lead's prediction afterwards")
        evaluate = sub.add_parser("evaluate", help="cross-validate the model on a CSV file")
        evaluate.add_argument("file")
        evaluate.add_argument("--label", required=True,
                              help="the outcome column (yes/no, 1/0, won/lost, ...)")
        evaluate.add_argument("--drop", default="", help="columns to leave out, comma-separated")
        evaluate.add_argument("--folds", type=_folds, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "evaluate":
            self._evaluate(options)
        else:
            self._train(options)

    def _evaluate(self, options: dict[str, Any]) -> None:
        drop = [c for c in options["drop"].split(",") if c.strip()]
        try:
            result = evaluate_file(options["file"], label=options["label"], drop=drop,
                                   folds=options["folds"])
        except learn.LearnError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except (ValueError, MemoryError) as exc:  # anything sklearn refuses about the data
            raise CommandError(f"cannot evaluate {options['file']}: {exc}", returncode=2) from None
        self.stdout.write(json.dumps(result))

    def _train(self, options: dict[str, Any]) -> None:
        from imbuto.prediction.services import NotEnoughHistory, model_train, predictions_refresh

        try:
            result = model_train(force=options["force"], folds=options["folds"])
        except NotEnoughHistory as exc:
            message = f"{exc} (the rules score stands alone until then)"
            raise CommandError(message, returncode=2) from None
        except learn.LearnError as exc:
            raise CommandError(str(exc), returncode=2) from None
        v = result.version
        what = "trained" if result.created else "unchanged history, kept"
        self.stdout.write(f"model v{v.pk} {what}: {v.n_won} won, {v.n_lost} lost, {v.estimator}; "
                          f"cross-validated ROC AUC {v.roc_auc:.3f}, PR AUC {v.pr_auc:.3f}, "
                          f"Brier {v.brier:.3f} ({v.folds} folds)")
        if not options["no_refresh"]:
            self.stdout.write(f"predictions refreshed: {predictions_refresh()}")
