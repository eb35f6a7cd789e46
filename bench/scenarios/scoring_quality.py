"""Quality of the predictive lead model on the X Education lead-scoring data (../shared/datasets/
x-education/Leads.csv, 9,240 leads, 38.5% converted), beside two baselines, in the same run and on
the same 5 stratified folds; then the training time for 100,000 synthetic Imbuto leads.

- Imbuto's model: `imbuto scoring evaluate Leads.csv --label Converted --drop ...` (the CLI, in a
  subprocess: the contract the black-box scripts use), i.e. `prediction.learn.Model`.
- Logistic regression baseline: one-hot categoricals, standardised numbers, scikit-learn defaults.
- Frequency naive Bayes over the categorical fields (the approach of Odoo's predictive lead scoring:
  per field, the frequency of each value among won and among lost leads, Laplace-smoothed, multiplied).

Columns left out (filled in or updated after the outcome, so they leak it):
- "reference" set, as SOURCE.md says: Tags, Lead Quality, Last Notable Activity (the sales team's
  notes after contact, and the lead's last notable activity at export time);
- "strict" set, also: Last Activity (the same end-of-history snapshot as Last Notable Activity:
  it holds "Converted to Lead", "Had a Phone Conversation", "SMS Sent"), Lead Profile (a level the
  team assigns) and the four Asymmetrique indices and scores (the company's own scores computed from
  activity; when they were computed is not documented). Prospect ID and Lead Number are identifiers
  (the evaluate command leaves them out by itself).
Skips cleanly when ../shared is absent.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

DESCRIPTION = ("Predictive model: 5-fold CV ROC AUC / PR AUC / Brier on X Education vs logistic and "
               "naive Bayes; training time at 100k")
ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("IMBUTO_XEDU_CSV",
                           ROOT.parent / "shared" / "datasets" / "x-education" / "Leads.csv"))
LABEL = "Converted"
REFERENCE_DROP = ["Tags", "Lead Quality", "Last Notable Activity"]
STRICT_DROP = [*REFERENCE_DROP, "Last Activity", "Lead Profile", "Asymmetrique Activity Index",
               "Asymmetrique Profile Index", "Asymmetrique Activity Score", "Asymmetrique Profile Score"]


class Logistic:
    """The plain baseline: one-hot + standardised numbers + LogisticRegression (defaults)."""

    def __init__(self, numeric: list[str], categorical: list[str]) -> None:
        self.numeric, self.categorical = numeric, categorical

    def fit(self, records: list[dict], y: Any) -> Logistic:
        from sklearn.linear_model import LogisticRegression

        from imbuto.prediction.learn import DenseLinearInput, RecordEncoder

        self.encoder = RecordEncoder(self.numeric, self.categorical).fit(records)
        sizes = [len(self.encoder.vocab_[c]) for c in self.categorical]
        self.dense = DenseLinearInput(len(self.numeric), sizes)
        x = self.dense.fit_transform(self.encoder.transform(records))
        self.lr = LogisticRegression(max_iter=2000).fit(x, y)
        return self

    def predict_proba(self, records: list[dict]) -> np.ndarray:
        return self.lr.predict_proba(self.dense.transform(self.encoder.transform(records)))[:, 1]


class FrequencyNaiveBayes:
    """Odoo-style: P(won | fields) from each categorical field's value frequencies among won and
    lost leads (Laplace smoothing), assuming the fields independent. Numbers are not used."""

    def __init__(self, categorical: list[str]) -> None:
        self.categorical = categorical

    def fit(self, records: list[dict], y: Any) -> FrequencyNaiveBayes:
        from imbuto.prediction.learn import to_category

        labels = list(y)
        self.n = Counter(labels)
        self.counts: dict[str, dict[int, Counter]] = defaultdict(lambda: {0: Counter(), 1: Counter()})
        self.values: dict[str, set] = defaultdict(set)
        for rec, label in zip(records, labels, strict=True):
            for col in self.categorical:
                v = to_category(rec.get(col))
                self.counts[col][label][v] += 1
                self.values[col].add(v)
        return self

    def predict_proba(self, records: list[dict]) -> np.ndarray:
        from imbuto.prediction.learn import to_category

        total = self.n[0] + self.n[1]
        out = []
        for rec in records:
            logit = np.log(self.n[1] / total) - np.log(self.n[0] / total)
            for col in self.categorical:
                v = to_category(rec.get(col))
                k = len(self.values[col]) + 1
                p1 = (self.counts[col][1][v] + 1) / (self.n[1] + k)
                p0 = (self.counts[col][0][v] + 1) / (self.n[0] + k)
                logit += np.log(p1) - np.log(p0)
            out.append(1 / (1 + np.exp(-logit)))
        return np.asarray(out)


def imbuto_evaluate(ctx: Any, drop: list[str]) -> dict[str, Any]:
    done = ctx.imbuto("scoring", "evaluate", str(DATA), "--label", LABEL, "--drop", ",".join(drop),
                      "--folds", "5", capture=True, check=False,
                      env={"PYTHONPATH": str(ROOT / "src"), "IMBUTO_SECRET_KEY": "bench"})
    if done.returncode != 0:
        raise RuntimeError(f"imbuto scoring evaluate failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def baselines(drop: list[str]) -> dict[str, dict[str, Any]]:
    from imbuto.prediction import learn, tabular

    table = tabular.read_table(DATA, label=LABEL, drop=drop)
    num, cat = table.numeric, table.categorical
    out = {}
    for name, make in (("logistic", lambda: Logistic(num, cat)),
                       ("naive_bayes", lambda: FrequencyNaiveBayes(cat))):
        out[name] = learn.cross_validate(make, table.records, table.labels, folds=5).as_dict()
    return out


def synthetic_leads(n: int, seed: int = 7) -> tuple[list[dict], list[int]]:
    """Leads shaped like Imbuto's features (prediction.features), outcome from a known rule + noise."""
    from imbuto.prediction import features

    rng = random.Random(seed)
    channels = ["referral", "purchased-list", "email-campaign", "webinar", "trade-show",
                "content-blog", "social-linkedin", "website-chat", "web-form", "networking"]
    countries = ["IT", "DE", "FR", "ES", "CH", "AT", "US", "GB"]
    industries = ["software", "manufacturing", "retail", "finance", "health", "logistics", "food", ""]
    records, labels = [], []
    for _ in range(n):
        ch = rng.choice(channels)
        rec: dict[str, Any] = {
            "channel": ch, "campaign": f"campaign {rng.randint(1, 40)}",
            "utm_source": rng.choice(["google", "linkedin", None]),
            "utm_medium": rng.choice(["cpc", "email", None]), "country": rng.choice(countries),
            "region": f"R{rng.randint(1, 20)}", "industry": rng.choice(industries) or None,
            "size_band": rng.choice(["1-9", "10-49", "50-249", "250+", None]),
            "language": rng.choice(["it", "de", "en"]),
            "purchase_timeframe": rng.choice(["immediate", "within_2_months", "later", "unknown", None]),
            "consent_basis": rng.choice(["consent", "legitimate_interest", None]),
            "seniority": rng.choice(["owner", "executive", "director", "manager", "specialist",
                                     "other", None]),
            "email_kind": rng.choice(["business", "free", None]), "has_phone": rng.choice(["yes", "no"]),
            "has_vat_id": rng.choice(["yes", "no"]), "has_website": rng.choice(["yes", "no"]),
            "has_company": rng.choice(["yes", "no"]),
        }
        counts = {k: (rng.randint(0, 4) if rng.random() < 0.3 else 0) for k in features.KINDS}
        rec.update({f"n_{k}": v for k, v in counts.items()})
        rec["engagement_total"] = sum(counts.values())
        rec["engagement_kinds"] = sum(1 for v in counts.values() if v)
        score = (-1.5 + 1.2 * (ch == "referral") + 0.8 * (rec["purchase_timeframe"] == "immediate")
                 + 0.5 * (rec["has_phone"] == "yes") + 0.3 * rec["engagement_kinds"]
                 - 0.7 * (rec["email_kind"] == "free") + 0.4 * (rec["seniority"] in ("owner", "executive")))
        labels.append(int(rng.random() < 1 / (1 + np.exp(-score))))
        records.append(rec)
    return records, labels


def training_time(n: int) -> dict[str, Any]:
    from imbuto.prediction import features, learn

    records, labels = synthetic_leads(n)
    t0 = time.perf_counter()
    model = learn.Model(features.NUMERIC, features.CATEGORICAL).fit(records, labels)
    fit = time.perf_counter() - t0
    sample = records[:2000]
    t0 = time.perf_counter()
    model.predict_proba(sample)
    learn.factors(model, sample)
    explain = time.perf_counter() - t0
    return {"leads": n, "fit_seconds": round(fit, 1), "estimator": model.kind_,
            "predict_and_factors_2000_seconds": round(explain, 2)}


def run(ctx: Any) -> dict[str, Any]:
    if not DATA.exists():
        return {"summary": f"skipped: {DATA} is not present", "skipped": True, "databases": []}
    shown = DATA.relative_to(ROOT.parent) if DATA.is_relative_to(ROOT.parent) else DATA
    result: dict[str, Any] = {"dataset": str(shown)}
    for name, drop in (("reference", REFERENCE_DROP), ("strict", STRICT_DROP)):
        ctx.log(f"{name}: imbuto scoring evaluate")
        imbuto = imbuto_evaluate(ctx, drop)
        ctx.log(f"{name}: baselines")
        result[name] = {"dropped": drop, "imbuto": imbuto, **baselines(drop)}
    n = 10_000 if ctx.quick else 100_000
    ctx.log(f"training on {n:,} synthetic leads")
    result["training"] = training_time(n)
    ref, strict, tr = result["reference"], result["strict"], result["training"]
    result["summary"] = (
        "ROC AUC / Brier, reference columns: "
        f"Imbuto {ref['imbuto']['roc_auc']:.3f} / {ref['imbuto']['brier']:.3f}, "
        f"logistic {ref['logistic']['roc_auc']:.3f} / {ref['logistic']['brier']:.3f}, "
        f"naive Bayes {ref['naive_bayes']['roc_auc']:.3f} / {ref['naive_bayes']['brier']:.3f}; "
        f"strict: {strict['imbuto']['roc_auc']:.3f} / {strict['logistic']['roc_auc']:.3f} / "
        f"{strict['naive_bayes']['roc_auc']:.3f}; training {tr['leads']:,} leads {tr['fit_seconds']:.0f} s")
    result["databases"] = []
    return result
