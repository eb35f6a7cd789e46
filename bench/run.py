#!/usr/bin/env python3
"""Benchmark runner: `make bench` (all scenarios) or `make bench BENCH=name` (one).

A scenario is a module `bench/scenarios/<name>.py` with `run(ctx) -> dict` (see bench/README.md).
Each one runs in its own process (so a crash or a memory peak stays its own) and its result is
written to `bench/results/<name>.json` with the machine, the database and the date; then the summary
table in docs/benchmarks.md is regenerated from every result file present.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "bench" / "scenarios"
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:summary:begin -->", "<!-- bench:summary:end -->"
sys.path.insert(0, str(ROOT / "bench"))

from context import Context, database_info, default_databases, engine_versions, machine_info  # noqa: E402


def discover() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SCENARIOS.glob("*.py")) if not p.stem.startswith("_")}


def load(name: str, path: Path):  # noqa: ANN201 - a module
    spec = importlib.util.spec_from_file_location(f"bench_scenario_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise SystemExit(f"bench/scenarios/{name}.py has no run(ctx) function")
    return module


def child(name: str, out: Path, quick: bool) -> int:
    """Inside the scenario's own process: set Django up on the primary database, run, write JSON."""
    dbs = default_databases()
    os.environ["DATABASE_URL"] = dbs["primary"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imbuto.settings")
    ctx = Context(name=name, root=ROOT, databases=dbs, quick=quick)
    ctx.prepare(dbs["primary"])
    import django

    django.setup()
    module = load(name, discover()[name])
    result = module.run(ctx)
    if not isinstance(result, dict):
        raise SystemExit(f"{name}.run(ctx) returned {type(result).__name__}, not a dict")
    payload = {"result": result, "database": database_info(),
               "description": getattr(module, "DESCRIPTION", "")}
    out.write_text(json.dumps(payload, default=str))
    return 0


def run_one(name: str, quick: bool, timeout: float) -> dict:
    started = dt.datetime.now(dt.UTC)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = Path(tmp.name)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--out", str(out)]
    if quick:
        cmd.append("--quick")
    print(f"== bench {name}", flush=True)
    load_at_start = round(os.getloadavg()[0], 2)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)
    status, usage, timed_out = 0, None, False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - t0 > timeout:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    record = {"scenario": name, "started_at": started.isoformat(timespec="seconds"),
              "duration_s": round(seconds, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
              "machine": {**machine_info(), "load_avg_1m_at_start": load_at_start},
              "engines": engine_versions(), "quick": quick, "exit_code": proc.returncode,
              "ok": proc.returncode == 0}
    if out.exists() and out.stat().st_size:
        record.update(json.loads(out.read_text()))
    if timed_out:
        record["error"] = f"timed out after {timeout:.0f} s"
    elif not record["ok"] or "result" not in record:
        record["ok"] = False
        record.setdefault("error", f"exited with code {proc.returncode}")
    out.unlink(missing_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=2, default=str) + "\n")
    print(f"== bench {name}: {'ok' if record['ok'] else 'FAILED'} in {seconds:.1f} s "
          f"-> bench/results/{name}.json", flush=True)
    return record


def _databases(record: dict) -> str:
    """The engines a scenario used (its result's "databases" list), else the primary one."""
    engines = record.get("engines") or {}
    kinds = (record.get("result") or {}).get("databases")
    if kinds:
        return ", ".join(f"{k} {engines.get(k, '')}".strip() for k in kinds)
    db = record.get("database") or {}
    return f"{db.get('vendor', '?')} {db.get('version', '')}".strip()


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def summary_table() -> str:
    records = []
    for path in sorted(RESULTS.glob("*.json")):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and "scenario" in record and "machine" in record:  # written by us
            records.append(record)
    if not records:
        return "No results yet: run `make bench`."
    lines = ["| Scenario | Result | Database | Wall time | Peak RSS | Date | Machine |",
             "|---|---|---|---|---|---|---|"]
    for r in records:
        res = r.get("result") or {}
        headline = res.get("summary") if r.get("ok") else f"FAILED: {r.get('error', '')}"
        if r.get("quick"):
            headline = f"{headline} (quick run: small sizes)"
        m = r.get("machine") or {}
        lines.append("| " + " | ".join(_cell(v) for v in (
            f"[{r['scenario']}](../bench/results/{r['scenario']}.json)", headline or "-",
            _databases(r), f"{r.get('duration_s', '?')} s",
            f"{r.get('peak_rss_mib', '?')} MiB", (r.get("started_at") or "")[:10],
            f"{m.get('cores', '?')} cores, {m.get('ram_gib', '?')} GiB, {m.get('cpu', '?')}",
        )) + " |")
    return "\n".join(lines)


def write_doc() -> None:
    block = f"{BEGIN}\n{summary_table()}\n{END}"
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Summary\n\n" + block + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenarios to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the scenarios")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1",
                        help="smaller sizes, for a smoke run (or BENCH_QUICK=1)")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("BENCH_TIMEOUT", 3600)))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.out, args.quick)
    available = discover()
    if args.list:
        for name, path in available.items():
            print(f"{name}\t{getattr(load(name, path), 'DESCRIPTION', '')}")
        return 0
    unknown = [n for n in args.names if n not in available]
    if unknown:
        print(f"Unknown scenario(s): {', '.join(unknown)}. Available: {', '.join(available) or 'none'}.",
              file=sys.stderr)
        return 2
    names = args.names or list(available)
    if not names:
        print("No benchmark scenarios in bench/scenarios/ yet; the summary table stays as it is.")
    records = [run_one(n, args.quick, args.timeout) for n in names]
    write_doc()
    print(f"Summary written to {DOC}")
    return 0 if all(r["ok"] for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
