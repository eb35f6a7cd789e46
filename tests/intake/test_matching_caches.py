"""The matcher's shortcuts for the import's CPU (issue #12 cost) decide exactly what the plain paths do.

* prepare_stored remembers an existing lead's folded record by its values: an edited lead is folded
  again, never served from the cache.
* match_batch given the batch already folded (prepared=) decides as when it folds the records itself.
* judge's score is the sum of the reasons' weights (it adds them without building the dict).
* the lead sample counts (counted_values) are what Frequencies.of(prepare(...)) counts.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from imbuto.intake.matching import match_batch
from imbuto.intake.matching.blocking import keys_for
from imbuto.intake.matching.compare import (
    counted_values,
    intercept,
    judge,
    prepare,
    prepare_stored,
    reasons_of,
)
from imbuto.intake.matching.frequency import Frequencies
from imbuto.intake.normalize import normalize_record

pytestmark = pytest.mark.one_database


def _generator() -> Any:
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "bench" / "scenarios" / "import_bulk.py"
    spec = importlib.util.spec_from_file_location("import_bulk_for_caches", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    """Generated people and firms (a third without person names) with duplicates spelled otherwise."""
    gen = _generator()
    rnd = random.Random(12)
    out = []
    for i in range(600):
        p = gen.person(i % 400)
        if i >= 400:
            p = gen.duplicate(p, rnd)
        if i % 3 == 0:
            p = {**p, "first_name": "", "last_name": ""}
        out.append(normalize_record(p).match_record())
    return out


def test_prepare_stored_is_prepare_and_follows_an_edited_value(records: list[dict[str, Any]]) -> None:
    for record in records:
        assert prepare_stored(record) == prepare(record)
        assert prepare_stored(dict(record)) == prepare(record)  # again, from the cache
    record = dict(records[1])
    before = prepare_stored(record)
    record["street"], record["city"] = "Via Garibaldi 99", "Torino"
    after = prepare_stored(record)
    assert after == prepare(record) and after != before
    assert prepare_stored({**record, "company_name": 12}) == prepare({**record, "company_name": ""})


def test_match_batch_with_the_batch_prepared_decides_the_same(records: list[dict[str, Any]]) -> None:
    existing = [{**r, "id": n + 1} for n, r in enumerate(records[:300])]
    batch = records[300:]
    plain = match_batch(batch, existing, instance=Frequencies.of(map(prepare, records[:300])))
    prepared = [(p, keys_for(p)) for p in map(prepare, batch)]
    given = match_batch([], existing, instance=Frequencies.of(map(prepare, records[:300])), prepared=prepared)
    assert given == plain
    assert {d.action for d in plain} >= {"merge", "new"}


def test_judge_scores_the_sum_of_its_reasons(records: list[dict[str, Any]]) -> None:
    freq = Frequencies.of(map(prepare, records))
    prepared = [prepare(r) for r in records]
    dups = prepared[400:]
    pairs = [*zip(dups, prepared[:200], strict=True), *zip(dups, prepared[200:400], strict=True)]
    for a, b in pairs:
        score, _, levels = judge(a, b, freq)
        total = intercept(a, b) + sum(reasons_of(a, b, levels, freq).values())
        assert score == 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


def test_the_sample_counts_what_prepare_folds(records: list[dict[str, Any]]) -> None:
    rows = [(r.get("company_key", ""), r.get("company_name", ""), r.get("city", ""), r.get("postal_code", ""),
             r.get("street", ""), r.get("region", ""), r.get("country", "")) for r in records]
    rows.append(("", "Fratelli Rossi S.r.l.", "Forlì", "47121", "V.le G. Mazzini, 12/A", "FC", "IT"))
    counted = Frequencies()
    for row in rows:
        counted.add(*counted_values(*row))
    folded = Frequencies.of(prepare({"company_key": ck, "company_name": cn, "city": c, "postal_code": pc,
                                     "street": st, "region": r, "country": co})
                            for ck, cn, c, pc, st, r, co in rows)
    assert counted.total == folded.total
    assert counted.words == folded.words and counted.values == folded.values
