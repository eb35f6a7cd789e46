"""Learning from the review queue: refit the comparison weights from labelled pairs (merge = same,
dismiss = different) with a logistic regression over the agreement levels, and adopt the refit only
when its cross-validated log-loss beats the current weights on those same labels.

Pure: pairs of matcher records in, a weights table (compare.WEIGHTS shape) and its figures out.
"""

from __future__ import annotations

import math
import random
from typing import Any

from .compare import COMPANY_ONLY_WEIGHTS, WEIGHTS, Prepared, compare, intercept, prepare
from .frequency import Frequencies

MIN_DECISIONS = 20
FOLDS = 5
L2 = 1.0  # pull towards the current weights: few decisions move them little


def _features(a: Prepared, b: Prepared, freq: Frequencies | None) -> dict[str, float]:
    org = not (a.is_person and b.is_person)
    out: dict[str, float] = {"intercept:" + ("organisation" if org else "person"): 1.0}
    for name, agreement in compare(a, b, freq).items():
        if name != "swapped_names":
            out[("company_only" if name == "company" and org else name) + ":" + agreement] = 1.0
    return out


def _table(weights: dict[str, dict[str, float]] | None) -> dict[str, float]:
    source = weights or {**WEIGHTS, "company_only": COMPANY_ONLY_WEIGHTS}
    flat = {f"{name}:{lvl}": w for name, levels in source.items() for lvl, w in levels.items()}
    flat.setdefault("intercept:person", intercept(_P, _P, weights))
    flat.setdefault("intercept:organisation", intercept(_O, _O, weights))
    for name, levels in {**WEIGHTS, "company_only": COMPANY_ONLY_WEIGHTS}.items():
        for lvl, w in levels.items():
            flat.setdefault(f"{name}:{lvl}", w)
    return flat


_P = prepare({"first_name": "a"})
_O = prepare({"company_name": "a"})


def _unflat(flat: dict[str, float]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for key, w in flat.items():
        name, lvl = key.split(":")
        out.setdefault(name, {})[lvl] = round(w, 3)
    return out


def _logloss(flat: dict[str, float], rows: list[tuple[dict[str, float], int]]) -> float:
    total = 0.0
    for x, y in rows:
        z = max(-30.0, min(30.0, sum(flat.get(k, 0.0) * v for k, v in x.items())))
        p = 1.0 / (1.0 + math.exp(-z))
        total -= math.log(max(1e-9, p if y else 1.0 - p))
    return total / len(rows) if rows else 0.0


def _fit(start: dict[str, float], rows: list[tuple[dict[str, float], int]], steps: int = 300,
         rate: float = 0.3) -> dict[str, float]:
    """Gradient descent on the log-loss plus an L2 pull towards `start`."""
    w = dict(start)
    n = max(1, len(rows))
    for _ in range(steps):
        grad = {k: L2 * (w[k] - start[k]) / n for k in w}
        for x, y in rows:
            z = max(-30.0, min(30.0, sum(w.get(k, 0.0) * v for k, v in x.items())))
            err = 1.0 / (1.0 + math.exp(-z)) - y
            for k, v in x.items():
                grad[k] = grad.get(k, 0.0) + err * v / n
        for k, g in grad.items():
            w[k] = w.get(k, 0.0) - rate * g
    return w


def learn(pairs: list[tuple[dict[str, Any], dict[str, Any], bool]],
          current: dict[str, dict[str, float]] | None = None, seed: int = 12) -> dict[str, Any]:
    """Refit from (record, record, same?) pairs. Returns {"adopt": bool, "weights": table, "decisions": n,
    "current_logloss": cv figure of the current weights, "refit_logloss": cross-validated refit}."""
    freq = Frequencies.of(prepare(r) for a, b, _ in pairs for r in (a, b))
    rows = [(_features(prepare(a), prepare(b), freq), int(same)) for a, b, same in pairs]
    start = _table(current)
    result: dict[str, Any] = {"decisions": len(rows), "adopt": False, "weights": current}
    if len(rows) < MIN_DECISIONS or len({y for _, y in rows}) < 2:
        return {**result, "reason": "too few decisions"}
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    folds = [order[i::FOLDS] for i in range(FOLDS)]
    refit_loss = 0.0
    for fold in folds:
        held = set(fold)
        model = _fit(start, [rows[i] for i in order if i not in held])
        refit_loss += _logloss(model, [rows[i] for i in fold]) * len(fold)
    refit_loss /= len(rows)
    current_loss = _logloss(start, rows)
    result.update(current_logloss=round(current_loss, 4), refit_logloss=round(refit_loss, 4))
    if refit_loss < current_loss:
        result.update(adopt=True, weights=_unflat(_fit(start, rows)))
    return result
