"""`imbuto demo --leads N` into an empty database: the wall time a new user waits (issue #2)."""

DESCRIPTION = "imbuto demo: seeded demo data into an empty database, per database engine"


def run(ctx) -> dict:
    n = 1000 if ctx.quick else 5000
    figures = {}
    for kind in ctx.available():
        url = ctx.fresh_database(kind)
        with ctx.timer() as t:
            ctx.imbuto("demo", "--leads", str(n), database_url=url, capture=True)
        figures[kind] = {"leads": n, "seconds": round(t.seconds, 2), "leads_per_s": round(n / t.seconds)}
        ctx.log(kind, figures[kind])
    summary = "; ".join(f"{k}: {v['leads']:,} leads in {v['seconds']} s" for k, v in figures.items())
    return {"summary": summary + " (whole command, process start included)", "figures": figures,
            "databases": list(figures)}
