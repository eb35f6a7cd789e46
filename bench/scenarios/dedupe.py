"""Record-linkage data imported as leads through the real import path; duplicates measured from the DB.

Each data set becomes a CSV with lead headers and goes through `imbuto import leads` into a fresh
database: FEBRL 1-3 (people: names, street, postal code, town, region, country; never date of birth
or the id number), and the organisation sets of issue #12 (bench/dedupe_eval.py loads them): the
restaurants (name, street, town, phone), the generated Italian B2B file and the PATSTAT company names.
The clusters are then read back from what the pipeline wrote: each row's
LeadSource tells the lead it landed on (following lead.merged_into), DuplicateCandidate rows are the
"possible duplicate" flags. Pair precision/recall/F1 and B-cubed come from bench/dedupe_eval.py, the
same code that measures the pure matcher.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import time
from pathlib import Path
from typing import Any

DESCRIPTION = ("FEBRL, restaurants, Italian B2B and PATSTAT duplicates through `imbuto import leads`: "
               "pair precision/recall/F1 of merges and flags")
ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT.parent / "shared" / "datasets"
FIRST_ROW = 2
HEADERS = ["first_name", "last_name", "company_name", "street", "postal_code", "city", "region", "country",
           "phone", "vat_id", "website"]

# Printed by `imbuto shell -c` in the imported database: where every row landed and what was flagged.
EXPORT = """
import json
from imbuto.intake.models import DuplicateCandidate, LeadMerge, LeadSource
from imbuto.leads.models import Lead
print(json.dumps({
    "sources": list(LeadSource.objects.filter(row_number__isnull=False).values_list("row_number", "lead_id")),
    "merged_into": list(Lead.objects.filter(merged_into__isnull=False).values_list("id", "merged_into_id")),
    "flags": list(DuplicateCandidate.objects.values_list("lead_id", "candidate_id")),
    "automatic_merges": LeadMerge.objects.filter(automatic=True).count(),
    "leads": Lead.objects.filter(merged_into__isnull=True).count(),
}))
"""


def _evaluation() -> Any:
    spec = importlib.util.spec_from_file_location("dedupe_eval", ROOT / "bench" / "dedupe_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_csv(rows: list[tuple[str, dict[str, str]]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for _, raw in rows:
            writer.writerow([raw.get(h, "") for h in HEADERS])


def clusters_from_db(export: dict[str, Any], count: int) -> tuple[list[int], list[int]]:
    """(cluster per row with merges only, cluster per row with merges and flags); a row that was not
    accepted stays on its own (negative ids)."""
    merged_into = dict(export["merged_into"])

    def final(lead: int) -> int:
        seen = set()
        while lead in merged_into and lead not in seen:
            seen.add(lead)
            lead = merged_into[lead]
        return lead

    by_row = {row: final(lead) for row, lead in export["sources"]}
    # row numbers are the file's line numbers, the header being line 1
    auto = [by_row.get(FIRST_ROW + i, -1 - i) for i in range(count)]
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for lead, candidate in export["flags"]:
        parent[find(final(lead))] = find(final(candidate))
    return auto, [find(c) for c in auto]


def data_sets(evaluation: Any, quick: bool) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """{name: (entity, raw lead fields) per row} of the data sets present under ../shared/datasets."""
    febrl = DATASETS / "febrl"
    sets = {f"febrl{n}": evaluation.febrl_rows(febrl / f"dataset{n}.csv")
            for n in ((1,) if quick else (1, 2, 3))}
    if (DATASETS / "restaurants").is_dir():
        sets["restaurants"] = evaluation.restaurant_rows(DATASETS / "restaurants")
    sets["b2b-it"] = evaluation.b2b_rows()
    if not quick and (DATASETS / "patstat-company-names").is_dir():
        sets["patstat"] = evaluation.patstat_rows(DATASETS / "patstat-company-names")
    return sets


def run(ctx: Any) -> dict:
    evaluation = _evaluation()
    kind = "postgres" if "postgres" in ctx.available() else "sqlite"
    figures: dict[str, Any] = {}
    for name, rows in data_sets(evaluation, ctx.quick).items():
        truth = [entity for entity, _ in rows]
        path = ctx.scratch / f"{name}.csv"
        write_csv(rows, path)
        url = ctx.fresh_database(kind, suffix=name.replace("-", "_"))
        started = time.perf_counter()
        ctx.imbuto("import", "leads", str(path), "--campaign", f"dedupe {name}", database_url=url,
                   capture=True)
        seconds = time.perf_counter() - started
        out = ctx.imbuto("shell", "-c", EXPORT, database_url=url, capture=True).stdout.strip().splitlines()
        export = json.loads(out[-1])
        auto, with_flags = clusters_from_db(export, len(rows))
        figures[name] = {
            "records": len(rows), "accepted": len(export["sources"]), "leads": export["leads"],
            "automatic_merges": export["automatic_merges"], "flags": len(export["flags"]),
            "import_seconds": round(seconds, 2),
            "auto": evaluation.scores(auto, truth), "merge_or_flag": evaluation.scores(with_flags, truth),
        }
        ctx.log(name, figures[name])
    summary = "; ".join(
        f"{n}: auto P {f['auto']['precision']:.3f} R {f['auto']['recall']:.3f}, "
        f"merge+flag P {f['merge_or_flag']['precision']:.3f} R {f['merge_or_flag']['recall']:.3f} "
        f"F1 {f['merge_or_flag']['f1']:.3f}" for n, f in figures.items())
    return {"summary": summary, "databases": [kind], "figures": figures}
