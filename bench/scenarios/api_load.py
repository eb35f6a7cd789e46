"""API capture speed: single-lead POSTs under wrk, the batch endpoint, and a bare "hello" baseline.

The server is the product's own `imbuto serve` (gunicorn gthread) on a fresh database holding 5,000
demo leads (analysed, as autovacuum would have it on a real server); the load comes
from a second process on loopback (wrk for single requests, a Python client for batches), sharing
the same 2 cores. Targets (issue #3): >= 500 req/s with p99 <= 100 ms, >= 20,000 leads/s in batches.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

DESCRIPTION = "Single-lead capture and batch capture over HTTP, vs a bare hello endpoint"

# Every request is a new, distinct person: random syllable names (so phonetic name keys differ too),
# a company and domain of their own, an email and a phone unique per run, thread and request. (Names
# like "Bench1", "Bench2" at one domain are the same person to the matcher, which then merged nearly
# every request into one hot lead: a lock queue, not lead capture.) args[1] is a digit per wrk run.
LUA = r"""
local counter = 0
local threads = {}
local run = "0"
local C, V = "bcdfglmnprstvz", "aeiou"
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  run = args[1] or "0"
  math.randomseed(os.time() * 100 + tid * 10 + tonumber(run))
end
local function word(n)
  local out = {}
  for i = 1, n do
    local c, v = math.random(#C), math.random(#V)
    out[i] = C:sub(c, c) .. V:sub(v, v)
  end
  local w = table.concat(out)
  return w:sub(1, 1):upper() .. w:sub(2)
end
request = function()
  counter = counter + 1
  local first, last, company = word(2), word(4), word(3)
  local body = string.format(
    '{"first_name":"%s","last_name":"%s","email":"%s.%s.%s%d%d@%s.it",' ..
    '"company_name":"%s S.r.l.","country":"IT","phone":"+39 347 %s%d%05d","channel":"web-form"}',
    first, last, first:lower(), last:lower(), run, tid, counter, company:lower(),
    company, run, tid, counter % 100000)
  return wrk.format("POST", "/api/v1/leads", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("IMBUTO_BENCH_TOKEN")}, body)
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(port: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not come up")


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, *, seconds: int, connections: int, script: Path | None = None,
        args: list[str] | None = None, env: dict | None = None) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    if args:
        cmd += ["--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         env={**os.environ, **(env or {})}).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {p: _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"requests_per_s": round(rps, 1), "p50_ms": lat.get("50"), "p99_ms": lat.get("99"),
            "non_2xx": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(1) if errors else "",
            "connections": connections, "seconds": seconds}


def batch_load(port: int, token: str, *, batches: int, size: int, clients: int) -> dict:
    """Each client posts `batches` bodies of `size` new leads, back to back; leads/s overall."""
    prefix = uuid.uuid4().hex[:8]
    rng = random.Random(prefix)

    def word(n: int) -> str:  # random syllables, so phonetic name keys differ like real names do
        return "".join(rng.choice("bcdfglmnprstvz") + rng.choice("aeiou") for _ in range(n)).capitalize()

    # Every record a distinct person, as in the single-lead script: "Marco Lotto1", "Marco Lotto2", ...
    # at one domain are one person to the matcher, and such a batch measured 5,000 merges into one lead.
    bodies = []
    for b in range(batches * clients):
        leads = []
        for i in range(size):
            first, last, company = word(2), word(4), word(3)
            leads.append({"first_name": first, "last_name": last,
                          "email": f"{first.lower()}.{last.lower()}.{prefix}{b}x{i}@{company.lower()}.it",
                          "company_name": f"{company} S.r.l.", "country": "IT",
                          "phone": f"+39 348 {b % 10}{i:06d}", "channel": "purchased-list"})
        bodies.append(json.dumps({"leads": leads}).encode())
    results: list[tuple[int, float]] = []
    outcomes: dict[str, int] = {}
    lock = threading.Lock()

    def client(mine: list[bytes]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for body in mine:
            t0 = time.perf_counter()
            conn.request("POST", "/api/v1/leads/batch", body=body,
                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            resp = conn.getresponse()
            data = resp.read()
            with lock:
                results.append((resp.status, time.perf_counter() - t0))
                if resp.status == 200:
                    for outcome, n in json.loads(data)["summary"].items():
                        outcomes[outcome] = outcomes.get(outcome, 0) + n

    threads = [threading.Thread(target=client, args=(bodies[i::clients],)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ok = sum(1 for s, _ in results if s == 200)
    return {"leads_per_s": round(ok * size / wall, 1), "batches": len(results), "batch_size": size,
            "ok_batches": ok, "clients": clients, "seconds": round(wall, 2),
            "slowest_batch_s": round(max(d for _, d in results), 2), "outcomes": outcomes}


PRELOAD_LEADS = 5000


def _analyze(kind: str, url: str) -> None:
    """What autovacuum does on a real server (the CI PostgreSQL runs with autovacuum = off): without
    statistics the planner took the candidate-rows lookup of a fresh, growing table for a tiny one
    and scanned every lead (2-6 ms a request instead of 0.01)."""
    if kind == "sqlite":
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.execute("ANALYZE")
        return
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _cpu_seconds(pids: set[int]) -> float:
    """user + system CPU of these processes so far (Linux /proc; 0 elsewhere)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _process_tree(root: int) -> set[int]:
    found, grew = {root}, True
    while grew:
        grew = False
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) not in found:
                try:
                    parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError):
                    continue
                if parent in found:
                    found.add(int(entry.name))
                    grew = True
    return found


def _pg_backends(kind: str, url: str) -> set[int]:
    if kind != "postgres":
        return set()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid()").fetchall()
    return {r[0] for r in rows}


def measured(kind: str, url: str, server_pid: int, run_wrk: Any) -> dict:
    """A wrk run, plus the CPU it cost per request in the server, PostgreSQL and wrk itself: on 2
    shared cores, the sum bounds the request rate whatever the concurrency."""
    server, backends = _process_tree(server_pid), _pg_backends(kind, url)
    s0, p0, w0 = _cpu_seconds(server), _cpu_seconds(backends), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_wrk()
    backends |= _pg_backends(kind, url)  # connections opened during the run count from zero
    s1, p1, w1 = _cpu_seconds(server), _cpu_seconds(backends), resource.getrusage(resource.RUSAGE_CHILDREN)
    n = result["requests_per_s"] * result["seconds"]
    if n:
        wrk_cpu = (w1.ru_utime + w1.ru_stime) - (w0.ru_utime + w0.ru_stime)
        cpu = {"server": (s1 - s0), "postgres": (p1 - p0), "wrk": wrk_cpu}
        result["cpu_ms_per_request"] = {k: round(v * 1000 / n, 2) for k, v in cpu.items()}
        result["cpu_ms_per_request"]["total"] = round(sum(cpu.values()) * 1000 / n, 2)
    return result


def run(ctx) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    kind = "postgres" if ctx.databases.get("postgres") else "sqlite"
    url = ctx.fresh_database(kind)
    preload = 500 if ctx.quick else PRELOAD_LEADS
    ctx.log(f"preloading {preload:,} demo leads")
    ctx.imbuto("demo", "--leads", str(preload), database_url=url, capture=True)
    _analyze(kind, url)
    ctx.imbuto("user", "add", "bench", "--role", "admin", database_url=url, capture=True)
    token = ctx.imbuto("token", "bench", database_url=url, capture=True).stdout.strip()
    port = _free_port()
    exe = str(Path(sys.executable).parent / "imbuto")
    env = {**os.environ, "DATABASE_URL": url, "IMBUTO_ACCESS_LOG": "0", "IMBUTO_LOG_LEVEL": "warning",
           "IMBUTO_BENCH_TOKEN": token}
    server = subprocess.Popen([exe, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        _wait_up(port)
        secs = 5 if ctx.quick else 20
        base = f"http://127.0.0.1:{port}"
        wrk(f"{base}/healthz", seconds=2, connections=8)  # warm-up
        hello = measured(kind, url, server.pid,
                         lambda: wrk(f"{base}/healthz", seconds=secs, connections=16))
        script = ctx.scratch / "post_lead.lua"
        script.write_text(LUA)
        wrk(f"{base}/api/v1/leads", seconds=3, connections=8, script=script, args=["0"], env=env)
        single = measured(kind, url, server.pid,
                          lambda: wrk(f"{base}/api/v1/leads", seconds=secs, connections=16, script=script,
                                      args=["1"], env=env))
        _analyze(kind, url)
        batch = batch_load(port, token, batches=2 if ctx.quick else 5, size=5000, clients=2)
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)
    ratio = round(single["requests_per_s"] / hello["requests_per_s"], 3) if hello["requests_per_s"] else None
    return {
        "summary": (f"single POST {single['requests_per_s']:.0f} req/s p99 {single['p99_ms']} ms "
                    f"(hello {hello['requests_per_s']:.0f} req/s, ratio {ratio}); "
                    f"batch {batch['leads_per_s']:.0f} leads/s ({kind})"),
        "databases": [kind], "hello": hello, "single_lead": single, "batch": batch,
        "ratio_single_to_hello": ratio, "preloaded_leads": preload,
        "targets": {"single_rps": 500, "single_p99_ms": 100, "batch_leads_per_s": 20000},
    }
