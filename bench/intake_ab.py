"""A/B of `imbuto import leads` CPU between source trees (issue #12: "the new keys must not make
intake slower").

Why a tool and not a scenario: the question is "is checkout B cheaper than checkout A", which needs
the same file, the same preloaded database and alternating runs on a noisy machine, not one figure.

For each checkout (a path to a source tree, e.g. a `git worktree` of an older commit) a template
PostgreSQL database is built once: migrated by that checkout and preloaded with the import_bulk
generator's first N people through that checkout's own preload code (its own normalisation and
match keys; the key set differs between versions). The first N rows of the generator's import file
are written once as CSV. Then, round after round, each checkout imports the file into a fresh copy
of its template (CREATE DATABASE ... TEMPLATE ...), in a subprocess whose user+system CPU is the
delta of RUSAGE_CHILDREN around it; the lowest of the rounds is reported with the
created/merged/flagged counts.

    .venv/bin/python bench/intake_ab.py before=/work/wt-before cpu=/work/wt-cpu --rows 20000 --runs 3

Every checkout runs with this interpreter (the venv of the tree it lives in) and its own `src` first
on PYTHONPATH. Templates are rebuilt when the checkout's migrations or intake sources change.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

HERE = Path(__file__).resolve().parent
PG = "postgres://postgres@127.0.0.1:5432"

# Run inside the checkout's environment: migrate is done before; this preloads N people.
_PRELOAD = """
import importlib.util, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imbuto.settings")
import django
django.setup()
path, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
spec = importlib.util.spec_from_file_location("import_bulk_preload", path)
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
seconds = module.preload("postgres", url, n, lambda *a: print(*a, file=sys.stderr))
print(f"preloaded {n} in {seconds:.1f} s", file=sys.stderr)
"""


def _generator() -> Any:
    """The import_bulk scenario module of this tree (its generator is the same in every version)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("import_bulk_gen", HERE / "scenarios" / "import_bulk.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def fingerprint(tree: Path) -> str:
    """What the template depends on: the migrations and the intake code that computes keys."""
    digest = hashlib.sha1()
    src = tree / "src" / "imbuto"
    files = sorted(p for p in src.rglob("*.py") if "migrations" in p.parts or "intake" in p.parts)
    files.append(tree / "bench" / "scenarios" / "import_bulk.py")
    for p in files:
        digest.update(str(p.relative_to(tree)).encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()[:12]


def _env(tree: Path, url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(tree / "src"),
            "IMBUTO_VAR_DIR": os.environ.get("IMBUTO_VAR_DIR") or tempfile.gettempdir() + "/intake_ab_var"}


def _admin() -> psycopg.Connection:
    return psycopg.connect(PG.replace("postgres://", "postgresql://") + "/postgres", autocommit=True)


def template(name: str, tree: Path, rows: int, rebuild: bool) -> str:
    """The template database of one checkout: made (migrate + preload) unless it is already current."""
    db = f"intake_ab_{name}_{rows}"
    mark = f"intake_ab {fingerprint(tree)} {rows}"
    with _admin() as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           [db]).fetchone()
        if row and row[0] == mark and not rebuild:
            return db
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    url = f"{PG}/{db}"
    started = time.perf_counter()
    env = _env(tree, url)
    cli = [sys.executable, "-c", "from imbuto.cli import main; main()"]
    subprocess.run([*cli, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=tree)
    subprocess.run([sys.executable, "-c", _PRELOAD, str(tree / "bench" / "scenarios" / "import_bulk.py"), url,
                    str(rows)], env=env, check=True, cwd=tree)
    with _admin() as conn:
        conn.execute(f"COMMENT ON DATABASE \"{db}\" IS '{mark}'")
    print(f"{name}: template {db} built in {time.perf_counter() - started:.0f} s", flush=True)
    return db


def run_import(name: str, tree: Path, tmpl: str, csv_path: Path) -> dict[str, Any]:
    """One import into a fresh copy of the template: the child's CPU, wall time and summary line."""
    db = f"intake_ab_run_{name}"
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}" TEMPLATE "{tmpl}"')
    env = _env(tree, f"{PG}/{db}")
    report = csv_path.with_name(f"{name}.report.csv")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", "from imbuto.cli import main; main()", "import", "leads",
                             str(csv_path), "--campaign", "AB list", "--report", str(report)],
                            env=env, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(f"{name}: import failed ({proc.returncode}): {err[-3000:]}")
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    return {"wall": wall, "line": out.strip().splitlines()[-1]}


def _children_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs="+", metavar="NAME=PATH", help="source trees to compare, in order")
    parser.add_argument("--rows", type=int, default=20_000, help="preloaded people and imported rows")
    parser.add_argument("--runs", type=int, default=3, help="alternating rounds")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the templates even if current")
    parser.add_argument("--scratch", default=tempfile.gettempdir() + "/intake_ab", help="CSV and reports")
    args = parser.parse_args()
    trees = {}
    for item in args.checkouts:
        name, _, path = item.partition("=")
        trees[name] = Path(path).resolve()
    scratch = Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    csv_path = scratch / f"import_{args.rows}.csv"
    if not csv_path.exists():
        mix = _generator().write_csv(csv_path, args.rows, args.rows)
        print(f"wrote {csv_path} {mix}", flush=True)
    templates = {name: template(name, tree, args.rows, args.rebuild) for name, tree in trees.items()}
    results: dict[str, list[tuple[float, float, str]]] = {name: [] for name in trees}
    for rnd in range(args.runs):
        for name, tree in trees.items():
            before = _children_cpu()
            res = run_import(name, tree, templates[name], csv_path)
            cpu = _children_cpu() - before
            results[name].append((cpu, res["wall"], res["line"]))
            print(f"round {rnd + 1} {name}: cpu {cpu:.2f} s, wall {res['wall']:.2f} s, load "
                  f"{os.getloadavg()[0]:.2f}; {res['line']}", flush=True)
    print("\nlowest of", args.runs, "(client user+sys CPU, wall):")
    for name, runs in results.items():
        counts = {line.split(" (")[0] for _, _, line in runs}
        print(f"  {name:10} cpu {min(r[0] for r in runs):6.2f} s  wall {min(r[1] for r in runs):6.2f} s  "
              f"{' | '.join(sorted(counts))}")


if __name__ == "__main__":
    main()
