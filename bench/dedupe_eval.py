"""Measure the pure matcher on record-linkage data nobody here wrote (FEBRL people, PATSTAT companies).

    .venv/bin/python bench/dedupe_eval.py [--datasets DIR] [--out bench/results/dedupe_eval.json]
                                         [--auto 0.9] [--review 0.5] [--no-speed]

People (FEBRL 1-3): only the fields a lead has (names, street, postcode, suburb, state, country AU;
never date of birth or the id number). Companies (PATSTAT): the raw company name only. Every record
goes through normalize_record and match_batch, either as one batch against nothing, or in chunks of
500 against what earlier chunks created (like successive imports). Clusters are the connected
components of the decisions; pair precision/recall/F1 and B-cubed are computed for the automatic
merges alone and for merges plus "possible duplicate" flags.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from imbuto.intake.matching import MatchPolicy, blocking_keys, match_batch  # noqa: E402
from imbuto.intake.matching.compare import prepare  # noqa: E402
from imbuto.intake.matching.frequency import Frequencies  # noqa: E402
from imbuto.intake.normalize import normalize_record  # noqa: E402

DEFAULT_DATASETS = ROOT.parent / "shared" / "datasets"


# --- loading ---------------------------------------------------------------------------------------------
def febrl_rows(path: Path) -> list[tuple[str, dict[str, str]]]:
    """(entity, raw lead fields) per FEBRL row; the entity is N of rec-N-org / rec-N-dup-k."""
    out = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, skipinitialspace=True)
        for row in reader:
            street = " ".join(v.strip() for v in (row["street_number"], row["address_1"], row["address_2"])
                              if v and v.strip())
            raw = {"first_name": row["given_name"], "last_name": row["surname"], "street": street,
                   "city": row["suburb"], "postal_code": row["postcode"], "region": row["state"],
                   "country": "AU"}
            out.append((row["rec_id"].split("-")[1], raw))
    return out


def patstat_rows(folder: Path) -> list[tuple[str, dict[str, str]]]:
    """(leuven_id, {"company_name": raw name}) per PATSTAT reference row."""
    with (folder / "patstat_reference.csv").open(newline="", encoding="utf-8") as handle:
        return [(row["leuven_id"], {"company_name": row["person_name"]}) for row in csv.DictReader(handle)]


def restaurant_rows(folder: Path) -> list[tuple[str, dict[str, str]]]:
    """(class, raw lead fields) per Fodor's/Zagat restaurant: an organisation record, no person."""
    with (folder / "restaurant.csv").open(newline="", encoding="utf-8") as handle:
        return [(row["class"].strip().strip("'"),
                 {"company_name": row["name"], "street": row["addr"], "city": row["city"],
                  "phone": row["phone"], "country": "US"}) for row in csv.DictReader(handle)]


def b2b_rows() -> list[tuple[str, dict[str, str]]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import b2b_italy

    return b2b_italy.rows()


def phone_rule(rows: list[tuple[str, dict[str, str]]]) -> dict[str, float]:
    """The naive baseline: same phone digits (last 7+) means same entity."""
    digits = ["".join(ch for ch in raw.get("phone", "") if ch.isdigit())[-9:] for _, raw in rows]
    labels = [d if len(d) >= 6 else f"#{i}" for i, d in enumerate(digits)]
    index = {label: i for i, label in enumerate(labels)}
    return scores([index[label] for label in labels], [entity for entity, _ in rows])


def normalise(rows: list[tuple[str, dict[str, str]]]) -> tuple[list[str], list[dict[str, str]]]:
    entities = [entity for entity, _ in rows]
    records = [normalize_record(raw, default_region=raw.get("country") or "AU").match_record()
               for _, raw in rows]
    return entities, records


# --- running the matcher ---------------------------------------------------------------------------------
def run_batch(records: list[dict[str, str]], policy: MatchPolicy) -> list[tuple[str, int | None]]:
    """(action, index of the record it points at) per record, one batch against nothing."""
    return [(d.action, d.target[1] if d.target else None) for d in match_batch(records, [], policy)]


def run_chunked(records: list[dict[str, str]], policy: MatchPolicy, size: int = 500
                ) -> list[tuple[str, int | None]]:
    """Chunks of `size` against everything ingested before; earlier records come back as "existing" with
    the id of the lead they live on (merged records keep their own values, like merged leads in the DB)."""
    lead_of: list[int] = []  # record index -> index of the record that is its lead
    out: list[tuple[str, int | None]] = []
    for start in range(0, len(records), size):
        chunk = records[start:start + size]
        existing = [{**records[i], "id": lead_of[i]} for i in range(start)]
        freq = Frequencies.of(prepare(r) for r in records[:start + size])  # the instance's records so far
        for decision in match_batch(chunk, existing, policy, freq):
            me = start + decision.index
            target = None
            if decision.target:
                kind, ref = decision.target
                target = ref if kind == "existing" else start + ref
            out.append((decision.action, target))
            lead_of.append(lead_of[target] if decision.action == "merge" and target is not None else me)
    return out


# --- metrics -----------------------------------------------------------------------------------------------
def clusters(decisions: list[tuple[str, int | None]], actions: set[str]) -> list[int]:
    parent = list(range(len(decisions)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, (action, target) in enumerate(decisions):
        if action in actions and target is not None:
            parent[find(i)] = find(target)
    return [find(i) for i in range(len(decisions))]


def _pairs(counter: Counter) -> int:
    return sum(c * (c - 1) // 2 for c in counter.values())


def scores(predicted: list[int], truth: list[str]) -> dict[str, float]:
    """Pair precision/recall/F1 and B-cubed precision/recall/F1 of predicted clusters against truth."""
    both = Counter(zip(predicted, truth, strict=True))
    pred_sizes, true_sizes = Counter(predicted), Counter(truth)
    tp, pp, tt = _pairs(both), _pairs(pred_sizes), _pairs(true_sizes)
    p = tp / pp if pp else 1.0
    r = tp / tt if tt else 1.0
    n = len(truth)
    bp = sum(c * c / pred_sizes[cl] for (cl, _), c in both.items()) / n
    br = sum(c * c / true_sizes[t] for (_, t), c in both.items()) / n
    f1 = lambda a, b: 2 * a * b / (a + b) if a + b else 0.0  # noqa: E731
    return {"pairs_true": tt, "pairs_predicted": pp, "pairs_correct": tp, "precision": round(p, 4),
            "recall": round(r, 4), "f1": round(f1(p, r), 4), "bcubed_precision": round(bp, 4),
            "bcubed_recall": round(br, 4), "bcubed_f1": round(f1(bp, br), 4)}


def evaluate(name: str, rows: list[tuple[str, dict[str, str]]], policy: MatchPolicy, mode: str
             ) -> dict[str, Any]:
    entities, records = normalise(rows)
    started = time.perf_counter()
    decisions = run_batch(records, policy) if mode == "batch" else run_chunked(records, policy)
    seconds = time.perf_counter() - started
    actions = Counter(action for action, _ in decisions)
    return {"dataset": name, "mode": mode, "records": len(records), "seconds": round(seconds, 3),
            "merged": actions["merge"], "flagged": actions["flag"], "new": actions["new"],
            "auto": scores(clusters(decisions, {"merge"}), entities),
            "merge_or_flag": scores(clusters(decisions, {"merge", "flag"}), entities)}


def speed(policy: MatchPolicy, batch_size: int = 10_000, existing_size: int = 30_000) -> dict[str, Any]:
    """match_batch on generated Italian-looking records: 10,000 against 30,000, 10% near duplicates."""
    from faker import Faker

    fake = Faker("it_IT")
    Faker.seed(7)
    rnd = random.Random(7)

    def person() -> dict[str, str]:
        first, last = fake.first_name(), fake.last_name()
        company = fake.company()
        return {"first_name": first, "last_name": last, "email": f"{first}.{last}{rnd.randint(1, 999)}@"
                f"{rnd.choice(['gmail.com', 'libero.it', 'acme.it'])}", "company_name": company,
                "street": fake.street_address(), "postal_code": fake.postcode(), "city": fake.city(),
                "country": "IT"}

    base = [normalize_record(person()).match_record() for _ in range(existing_size)]
    existing = [{**rec, "id": i + 1} for i, rec in enumerate(base)]
    batch = []
    for _ in range(batch_size):
        if rnd.random() < 0.1:
            rec = dict(rnd.choice(base))
            rec["first_name"] = rec.get("first_name", "")[:-1]
            rec["email"] = ""
        else:
            rec = normalize_record(person()).match_record()
        batch.append(rec)
    started, cpu = time.perf_counter(), time.process_time()
    decisions = match_batch(batch, existing, policy)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    # As the pipeline can call it: each candidate lead brings the stored keys it shares with the batch.
    batch_keys = set().union(*(blocking_keys(r) for r in batch))
    with_keys = [{**r, "match_keys": blocking_keys(r) & batch_keys} for r in existing]
    cpu_keys = time.process_time()
    match_batch(batch, with_keys, policy)
    cpu_keys = time.process_time() - cpu_keys
    return {"batch": batch_size, "existing": existing_size, "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3), "cpu_seconds_with_stored_keys": round(cpu_keys, 3),
            "load_average": round(os.getloadavg()[0], 2),
            "actions": dict(Counter(d.action for d in decisions))}


def learning(name: str, rows: list[tuple[str, dict[str, str]]], policy: MatchPolicy,
             sizes: tuple[int, ...] = (20, 50, 100)) -> list[dict[str, Any]]:
    """Feed 20, 50, 100 review decisions (flagged and merged pairs of a first run, labelled from the
    ground truth as a reviewer would) to matching.learn and measure the matcher with what it adopts."""
    from imbuto.intake.matching.learn import learn

    entities, records = normalise(rows)
    first = match_batch(records, [], policy)
    queue = [(d.index, d.target[1]) for d in first if d.action in ("flag", "merge") and d.target]
    random.Random(20).shuffle(queue)
    out = [{"decisions": 0, **_figures(records, entities, policy)}]
    for size in sizes:
        pairs = [(records[i], records[j], entities[i] == entities[j]) for i, j in queue[:size]]
        fit = learn(pairs)
        tuned = MatchPolicy(auto_merge=policy.auto_merge, review=policy.review,
                            weights=fit["weights"] if fit["adopt"] else None)
        out.append({"decisions": len(pairs), "adopted": fit["adopt"], "reason": fit.get("reason"),
                    "different": sum(not same for _, _, same in pairs),
                    "current_logloss": fit.get("current_logloss"), "refit_logloss": fit.get("refit_logloss"),
                    **_figures(records, entities, tuned)})
    for r in out:
        print(f"learn {name}: {r['decisions']:>3} decisions ({r.get('different', 0)} different) "
              f"adopted={r.get('adopted', '-')} {r.get('reason') or ''} "
              f"auto P {r['auto']['precision']} R {r['auto']['recall']} | "
              f"m+f P {r['merge_or_flag']['precision']} R {r['merge_or_flag']['recall']} F1 "
              f"{r['merge_or_flag']['f1']}")
    return out


def _figures(records: list[dict[str, str]], entities: list[str], policy: MatchPolicy) -> dict[str, Any]:
    decisions = run_batch(records, policy)
    return {"auto": scores(clusters(decisions, {"merge"}), entities),
            "merge_or_flag": scores(clusters(decisions, {"merge", "flag"}), entities)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "dedupe_eval.json")
    parser.add_argument("--auto", type=float, default=MatchPolicy.auto_merge)
    parser.add_argument("--review", type=float, default=MatchPolicy.review)
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--sets", default="", help="comma-separated subset of data sets to run")
    parser.add_argument("--learn", default="", help="data sets to run the review-queue learning curve on")
    args = parser.parse_args(argv)
    policy = MatchPolicy(auto_merge=args.auto, review=args.review)
    febrl = args.datasets / "febrl"
    if not febrl.is_dir():
        print(f"no datasets under {args.datasets}", file=sys.stderr)
        return 2
    sets = {f"febrl{n}": febrl_rows(febrl / f"dataset{n}.csv") for n in (1, 2, 3)}
    sets["febrl1-3"] = [(f"{k}:{e}", raw) for k in ("febrl1", "febrl2", "febrl3") for e, raw in sets[k]]
    sets["patstat"] = patstat_rows(args.datasets / "patstat-company-names")
    if (args.datasets / "restaurants").is_dir():
        sets["restaurants"] = restaurant_rows(args.datasets / "restaurants")
    sets["b2b-it"] = b2b_rows()
    if args.sets:
        sets = {k: v for k, v in sets.items() if k in args.sets.split(",")}
    results = [evaluate(name, rows, policy, mode)
               for name, rows in sets.items() for mode in ("batch", "chunked")]
    for name in ("restaurants", "b2b-it"):
        if name in sets:
            rule = phone_rule(sets[name])
            print(f"{name}: same-phone-digits rule P {rule['precision']} R {rule['recall']} F1 {rule['f1']}")
    print(f"{'dataset':10} {'mode':8} {'recs':>6} {'secs':>6} | {'auto P':>7} {'R':>6} {'F1':>6} | "
          f"{'m+f P':>7} {'R':>6} {'F1':>6} | {'B3 F1 auto':>10} {'m+f':>6}")
    for r in results:
        a, m = r["auto"], r["merge_or_flag"]
        print(f"{r['dataset']:10} {r['mode']:8} {r['records']:>6} {r['seconds']:>6.2f} | "
              f"{a['precision']:>7.4f} {a['recall']:>6.4f} {a['f1']:>6.4f} | "
              f"{m['precision']:>7.4f} {m['recall']:>6.4f} {m['f1']:>6.4f} | "
              f"{a['bcubed_f1']:>10.4f} {m['bcubed_f1']:>6.4f}")
    report: dict[str, Any] = {"policy": {"auto_merge": policy.auto_merge, "review": policy.review},
                              "results": results}
    if args.learn:
        report["learning"] = {name: learning(name, sets[name], policy) for name in args.learn.split(",")
                              if name in sets}
    if not args.no_speed:
        report["speed"] = speed(policy)
        s = report["speed"]
        print(f"speed: {s['batch']} records against {s['existing']} in {s['seconds']} s wall, "
              f"{s['cpu_seconds']} s CPU, {s['cpu_seconds_with_stored_keys']} s CPU with stored keys "
              f"(load average {s['load_average']}; {s['actions']})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
