"""The predictive model as plain Python over plain data: records (dicts) in, calibrated probabilities,
cross-validated metrics and per-record factors out. No database here, so the same pipeline serves
the lead model (`training.py`), `imbuto scoring evaluate` on any CSV (`tabular.py`) and the benchmark.

The pipeline: `RecordEncoder` (numeric columns as floats, categorical columns as integer codes,
rare values pooled, unseen and missing values as NaN) -> a gradient-boosted tree model with native
categorical support (HistGradientBoostingClassifier) calibrated by isotonic regression over internal
folds; below `SMALL_DATA` rows, an L2 logistic regression over one-hot codes and scaled numbers
(fewer parameters, steadier on 80 outcomes) calibrated by Platt scaling. Both output probabilities.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

NUMERIC, CATEGORICAL = "numeric", "categorical"
MIN_PER_CLASS = 40  # won and lost outcomes each, before a model is trained (docs/prediction.md)
SMALL_DATA = 1000  # below this many rows: the logistic pipeline
RARE = 10  # a categorical value seen fewer times than this (and < 1% of rows) is pooled as "other"
MAX_CATEGORIES = 200  # per column, the most frequent kept (HistGradientBoosting allows 255)
SEED = 0
LEARNING_RATE, MAX_ITER = 0.1, 150

Record = Mapping[str, Any]


class LearnError(ValueError):
    """The data cannot train or evaluate a model (one class only, too few rows, ...)."""


def to_number(value: Any) -> float:
    """A float from a number or a number typed as text ("1,5", " 12 "); NaN when empty or not one."""
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if not text:
        return math.nan
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return math.nan
    return number if math.isfinite(number) else math.nan


def to_category(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text.casefold() if text else None


class RecordEncoder(TransformerMixin, BaseEstimator):
    """Records (mappings) -> a float matrix: numeric columns as they are (NaN when missing),
    categorical ones as codes of their frequent values (0..k-1; "other" = k; missing/unseen = NaN).
    Categorical values are compared case-insensitively (`Google` = `google`)."""

    def __init__(self, numeric: Sequence[str] = (), categorical: Sequence[str] = ()) -> None:
        self.numeric = numeric
        self.categorical = categorical

    def fit(self, records: Sequence[Record], y: Any = None) -> RecordEncoder:
        n = len(records)
        floor = min(RARE, max(2, int(0.01 * n)))
        self.vocab_: dict[str, dict[str, int]] = {}
        self.mode_: dict[str, Any] = {}
        for col in self.categorical:
            counts = Counter(to_category(r.get(col)) for r in records)
            counts.pop(None, None)
            frequent = [v for v, c in counts.most_common(MAX_CATEGORIES) if v is not None and c >= floor]
            self.vocab_[col] = {v: i for i, v in enumerate(frequent)}
            self.mode_[col] = frequent[0] if frequent else None
        for col in self.numeric:
            values = np.array([to_number(r.get(col)) for r in records], dtype=float)
            finite = values[~np.isnan(values)]
            self.mode_[col] = float(np.median(finite)) if finite.size else math.nan
        self.reference_ = _references(self.transform(records), self.columns)
        return self

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    def categorical_mask(self) -> list[bool]:
        return [False] * len(self.numeric) + [True] * len(self.categorical)

    def transform(self, records: Sequence[Record]) -> np.ndarray:
        out = np.full((len(records), len(self.numeric) + len(self.categorical)), np.nan)
        for i, r in enumerate(records):
            for j, col in enumerate(self.numeric):
                out[i, j] = to_number(r.get(col))
            base = len(self.numeric)
            for j, col in enumerate(self.categorical):
                value = to_category(r.get(col))
                if value is not None:
                    vocab = self.vocab_[col]
                    out[i, base + j] = vocab.get(value, len(vocab))
        return out


class DenseLinearInput(TransformerMixin, BaseEstimator):
    """Codes from RecordEncoder -> one-hot categoricals (missing its own column) + scaled numbers
    (missing -> the median and a "was missing" indicator), for the logistic model."""

    def __init__(self, n_numeric: int = 0, sizes: Sequence[int] = ()) -> None:
        self.n_numeric = n_numeric
        self.sizes = sizes

    def fit(self, x: np.ndarray, y: Any = None) -> DenseLinearInput:
        num = x[:, : self.n_numeric]
        self.median_ = np.nan_to_num(np.nanmedian(num, axis=0)) if num.size else np.zeros(0)
        filled = np.where(np.isnan(num), self.median_, num)
        filled = np.sign(filled) * np.log1p(np.abs(filled))  # counts and durations are skewed
        self.mean_ = filled.mean(axis=0) if num.size else np.zeros(0)
        self.scale_ = filled.std(axis=0) if num.size else np.zeros(0)
        self.scale_[self.scale_ == 0] = 1.0
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        num = x[:, : self.n_numeric]
        missing = np.isnan(num)
        filled = np.where(missing, self.median_, num)
        filled = (np.sign(filled) * np.log1p(np.abs(filled)) - self.mean_) / self.scale_
        parts = [filled, missing.astype(float)]
        for j, size in enumerate(self.sizes):
            codes = x[:, self.n_numeric + j]
            onehot = np.zeros((x.shape[0], size + 2))  # values, other, missing
            idx = np.where(np.isnan(codes), size + 1, codes).astype(int)
            onehot[np.arange(x.shape[0]), idx] = 1.0
            parts.append(onehot)
        return np.hstack(parts) if parts else np.zeros((x.shape[0], 0))


class Model(BaseEstimator):
    """The one pipeline Imbuto learns with: encode, then the estimator chosen by data size,
    calibrated. `fit(records, y)`, `predict_proba(records)`."""

    def __init__(self, numeric: Sequence[str] = (), categorical: Sequence[str] = (),
                 kind: str = "auto") -> None:
        self.numeric = numeric
        self.categorical = categorical
        self.kind = kind

    def fit(self, records: Sequence[Record], y: Sequence[int]) -> Model:
        labels = np.asarray(y, dtype=int)
        counts = np.bincount(labels, minlength=2)
        self.kind_ = self.kind if self.kind != "auto" else (
            "linear" if len(labels) < SMALL_DATA else "boosting")
        encoder = RecordEncoder(self.numeric, self.categorical).fit(records)
        x = encoder.transform(records)
        folds = max(2, min(5, int(counts.min())))
        self.encoder_ = encoder
        self.estimators_ = []
        if self.kind_ in ("linear", "blend"):
            sizes = [len(encoder.vocab_[c]) for c in self.categorical]
            inner = Pipeline([("dense", DenseLinearInput(len(self.numeric), sizes)),
                              ("lr", LogisticRegression(C=0.3, max_iter=2000))])
            self.estimators_.append(CalibratedClassifierCV(inner, method="sigmoid", cv=folds).fit(x, labels))
        if self.kind_ in ("boosting", "blend"):
            inner_hgb = HistGradientBoostingClassifier(
                categorical_features=np.array(encoder.categorical_mask(), dtype=bool),
                learning_rate=LEARNING_RATE, max_iter=MAX_ITER, max_leaf_nodes=31, min_samples_leaf=20,
                l2_regularization=1.0, early_stopping=False, random_state=SEED)
            self.estimators_.append(
                CalibratedClassifierCV(inner_hgb, method="isotonic", cv=min(folds, 3)).fit(x, labels))
        return self

    def predict_proba(self, records: Sequence[Record]) -> np.ndarray:
        return self.predict_matrix(self.encoder_.transform(records))

    def predict_matrix(self, x: np.ndarray) -> np.ndarray:
        p = np.mean([e.predict_proba(x)[:, 1] for e in self.estimators_], axis=0)
        return np.clip(p, 0.0, 1.0)


def check_labels(y: Sequence[int], *, min_per_class: int = 2, folds: int = 2) -> tuple[int, int]:
    """(won, lost) counts, or LearnError when a class is missing or too small to learn from."""
    won = int(sum(1 for v in y if v == 1))
    lost = len(y) - won
    if won == 0 or lost == 0:
        which = "positive" if lost == 0 else "negative"
        raise LearnError(f"every row has the same outcome ({which}): a model needs both outcomes")
    need = max(min_per_class, folds)
    if won < need or lost < need:
        raise LearnError(f"too few rows: {won} positive and {lost} negative, need at least {need} of each")
    return won, lost


@dataclass
class Evaluation:
    roc_auc: float
    pr_auc: float
    brier: float
    n_rows: int
    n_positive: int
    folds: int
    seconds: float
    per_fold: list[dict[str, float]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def r(v: float) -> float:
            return round(v, 4)
        return {"roc_auc": r(self.roc_auc), "pr_auc": r(self.pr_auc), "brier": r(self.brier),
                "n_rows": self.n_rows, "n_positive": self.n_positive, "folds": self.folds,
                "seconds": round(self.seconds, 3),
                "roc_auc_std": r(float(np.std([f["roc_auc"] for f in self.per_fold]))),
                "base_rate": r(self.n_positive / self.n_rows) if self.n_rows else 0.0}


def cross_validate(make: Any, records: Sequence[Record], y: Sequence[int], *, folds: int = 5,
                   seed: int = SEED) -> Evaluation:
    """Stratified k-fold: fit `make()` (any object with fit(records, y) / predict_proba(records)
    -> probabilities of 1) on k-1 folds, score the held-out one; metrics are the folds' mean."""
    labels = np.asarray(y, dtype=int)
    won, lost = check_labels(labels.tolist(), folds=folds)
    folds = int(min(folds, won, lost))
    started = time.perf_counter()
    per_fold = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        model = make().fit([records[i] for i in train], labels[train])
        p = np.asarray(model.predict_proba([records[i] for i in test]))
        if p.ndim == 2:
            p = p[:, 1]
        per_fold.append({"roc_auc": float(roc_auc_score(labels[test], p)),
                         "pr_auc": float(average_precision_score(labels[test], p)),
                         "brier": float(brier_score_loss(labels[test], p))})
    return Evaluation(
        roc_auc=float(np.mean([f["roc_auc"] for f in per_fold])),
        pr_auc=float(np.mean([f["pr_auc"] for f in per_fold])),
        brier=float(np.mean([f["brier"] for f in per_fold])),
        n_rows=len(labels), n_positive=won, folds=folds,
        seconds=time.perf_counter() - started, per_fold=per_fold)


@dataclass(frozen=True)
class Factor:
    """How much one feature's value moves a record's probability, against the feature's values
    across the training records (its weighted usual values: the frequent categories, quantiles)."""

    feature: str
    value: Any
    delta: float  # probability points, -1..1

    def as_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "value": self.value, "delta": round(self.delta, 4)}


REFERENCE_POINTS = 5


def _references(x: np.ndarray, columns: Sequence[str]) -> dict[str, tuple[list[float], list[float]]]:
    """Per column, up to REFERENCE_POINTS encoded values and their weights standing for the
    training distribution: the most frequent codes (missing included) or the quantiles."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    n = max(1, x.shape[0])
    for j, col in enumerate(columns):
        values = x[:, j]
        missing = float(np.isnan(values).sum()) / n
        finite = values[~np.isnan(values)]
        if finite.size == 0:
            out[col] = ([math.nan], [1.0])
            continue
        distinct, counts = np.unique(finite, return_counts=True)
        if distinct.size > REFERENCE_POINTS:  # a number: quantiles, equal weights
            points = [float(v) for v in np.quantile(finite, [0.1, 0.3, 0.5, 0.7, 0.9])]
            weights = [(1 - missing) / len(points)] * len(points)
        else:
            points = [float(v) for v in distinct]
            weights = [float(c) / n for c in counts]
        if missing > 0:
            points.append(math.nan)
            weights.append(missing)
        total = sum(weights)
        out[col] = (points, [w / total for w in weights])
    return out


def factors(model: Model, records: Sequence[Record], *, top: int = 3,
            min_delta: float = 0.01) -> list[tuple[list[Factor], list[Factor]]]:
    """Per record, the `top` features raising and lowering its probability most. A feature's effect
    is the record's probability minus its expected probability when that feature takes its usual
    values instead (a weighted handful of reference values per feature, all predicted in one batch:
    no permutations, any model)."""
    encoder = model.encoder_
    x = encoder.transform(records)
    n, width = x.shape
    if n == 0:
        return []
    base = model.predict_matrix(x)
    expected = np.zeros((n, width))
    for j, col in enumerate(encoder.columns):
        points, weights = encoder.reference_[col]
        swapped = np.repeat(x, len(points), axis=0)
        swapped[:, j] = np.tile(points, n)
        alt = model.predict_matrix(swapped).reshape(n, len(points))
        expected[:, j] = alt @ np.asarray(weights)
    out = []
    for i, record in enumerate(records):
        deltas = base[i] - expected[i]
        found = [Factor(col, _shown(record.get(col)), float(deltas[j]))
                 for j, col in enumerate(encoder.columns) if abs(deltas[j]) >= min_delta]
        up = sorted((f for f in found if f.delta > 0), key=lambda f: -f.delta)[:top]
        down = sorted((f for f in found if f.delta < 0), key=lambda f: f.delta)[:top]
        out.append((up, down))
    return out


def _shown(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 3)
    return str(value)
