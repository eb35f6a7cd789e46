"""`imbuto demo --leads N` into an empty database: the wall time a new user waits (issue #2).

On a shared machine wall time depends on the neighbours, so the command's own CPU time (user + system,
from the kernel's accounting of the finished child) is reported beside it.
"""

import resource

DESCRIPTION = "imbuto demo: seeded demo data into an empty database, per database engine"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(ctx) -> dict:
    n = 1000 if ctx.quick else 5000
    figures = {}
    for kind in ctx.available():
        url = ctx.fresh_database(kind)
        cpu = _cpu()
        with ctx.timer() as t:
            ctx.imbuto("demo", "--leads", str(n), database_url=url, capture=True)
        figures[kind] = {"leads": n, "seconds": round(t.seconds, 2), "cpu_seconds": round(_cpu() - cpu, 2),
                         "leads_per_s": round(n / t.seconds)}
        ctx.log(kind, figures[kind])
    summary = "; ".join(f"{k}: {v['leads']:,} leads in {v['seconds']} s ({v['cpu_seconds']} s CPU)"
                        for k, v in figures.items())
    return {"summary": summary + ", whole command incl. start-up", "figures": figures,
            "databases": list(figures)}
