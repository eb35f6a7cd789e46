"""Bulk list import (issue #3): a generated N-row CSV imported end to end with `imbuto import leads`
into a database already holding N leads, on PostgreSQL and SQLite.

The CSV (Italian and international records) has 10% duplicates of existing leads with realistic
typos and 2% invalid rows; it is written streaming. The existing leads are bulk-loaded with COPY
(PostgreSQL) or executemany (SQLite), with the same normalised values and match keys the pipeline
would have stored, computed in a process pool. Then the import runs as a subprocess of its own
(wall time, rows/s, peak RSS of that process), and the same file is loaded by a plain PostgreSQL
`COPY` into a scratch table (SQLite: executemany into a scratch table) for the ratio.

N: IMBUTO_BENCH_ROWS, else 20,000 with --quick, else 1,000,000. Targets on PostgreSQL: <= 60 s and
<= 1 GiB for 1,000,000 rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

DESCRIPTION = "imbuto import leads: N-row CSV into a database holding N leads, vs a plain COPY"

FIELDS = ("first_name", "last_name", "email", "phone", "company_name", "street", "postal_code", "city",
          "region", "country", "job_title")
HEADER = ["Nome", "Cognome", "Email", "Telefono", "Azienda", "Indirizzo", "CAP", "Città", "Provincia",
          "Nazione", "Qualifica"]
IT_FIRST = ["Giulia", "Marco", "Sofia", "Luca", "Chiara", "Matteo", "Elena", "Davide", "Sara", "Paolo",
            "Francesca", "Alessandro", "Martina", "Lorenzo", "Giorgia", "Andrea", "Valentina", "Simone",
            "Federica", "Niccolò", "Ilaria", "Tommaso", "Beatrice", "Riccardo", "Noemi", "Gabriele",
            "Aurora", "Emanuele", "Camilla", "Filippo", "Anna", "Giovanni", "Maria Grazia", "Pietro"]
IT_LAST = ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
           "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
           "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
           "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo",
           "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa", "Conte", "Ferraro",
           "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini", "Messina", "Sala", "De Angelis",
           "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti", "Cattaneo", "Morelli"]
INT_FIRST = ["James", "Emma", "Oliver", "Charlotte", "Lukas", "Anna", "Hans", "Claire", "Louis", "Camille",
             "Pablo", "Lucía", "João", "Inês", "Jan", "Eva", "Liam", "Mia", "Noah", "Sophie"]
INT_LAST = ["Smith", "Jones", "Taylor", "Brown", "Müller", "Schmidt", "Schneider", "Fischer", "Dubois",
            "Martin", "Bernard", "Lefèvre", "García", "Fernández", "López", "Silva", "Santos", "de Vries",
            "Jansen", "van Dijk", "O'Brien", "Walsh", "Novak", "Kowalski"]
IT_PLACES = [("Milano", "MI", "201"), ("Roma", "RM", "001"), ("Torino", "TO", "101"),
             ("Napoli", "NA", "801"), ("Bologna", "BO", "401"), ("Firenze", "FI", "501"),
             ("Bari", "BA", "701"), ("Verona", "VR", "371"), ("Padova", "PD", "351"),
             ("Brescia", "BS", "251"), ("Prato", "PO", "591"), ("Bergamo", "BG", "241"),
             ("Forlì", "FC", "471"), ("Cantù", "CO", "228"), ("Lecce", "LE", "731"), ("Trento", "TN", "381")]
INT_PLACES = [("München", "BY", "Germany", "80"), ("Berlin", "BE", "Deutschland", "10"),
              ("Paris", "", "France", "75"), ("Lyon", "", "France", "69"),
              ("London", "", "United Kingdom", "SW1"), ("Madrid", "", "España", "28"),
              ("Lisboa", "", "Portugal", "11"), ("Amsterdam", "", "Netherlands", "10"),
              ("Wien", "", "Austria", "10"), ("Zürich", "ZH", "Switzerland", "80")]
FIRM_WORDS = ["Tessuti", "Meccanica", "Vini", "Arredi", "Ottica", "Ceramiche", "Logistica", "Serramenti",
              "Impianti", "Stampi", "Caseificio", "Edilizia", "Software", "Consulting", "Automazioni",
              "Carpenteria", "Frantoio", "Laboratorio", "Packaging", "Elettronica", "Farmaceutica"]
IT_FORMS = ["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "srl", "SRL"]
INT_FORMS = ["GmbH", "Ltd", "Inc", "SA", "SARL", "BV", "AG"]
TITLES = ["Titolare", "Responsabile acquisti", "CEO", "CTO", "Office manager", "Direttore tecnico",
          "Purchasing Manager", "Buyer", "Amministratore", "Marketing manager", ""]
STREETS = [f"{kind} {name}" for kind in ("Via", "Viale", "Corso", "Piazza", "Vicolo") for name in (
    "Roma", "Garibaldi", "Mazzini", "Dante", "Cavour", "Verdi", "Matteotti", "Gramsci", "Manzoni", "Marconi",
    "Kennedy", "Europa", "della Repubblica", "dell'Industria", "San Martino", "dei Mille", "XX Settembre",
    "Vittorio Veneto", "Carducci", "Leopardi", "Pascoli", "Colombo", "Galilei", "Volta", "Fermi", "Puccini",
    "Rossini", "Petrarca", "Foscolo", "degli Artigiani", "del Lavoro", "della Libertà", "Trieste", "Trento")]
INT_STREETS = ["Market Street", "High Street", "Station Road", "Hauptstraße", "Bahnhofstraße",
               "Rue de la Paix", "Rue Victor Hugo", "Calle Mayor", "Rua Augusta", "Kerkstraat", "Church Lane",
               "Mill Road",
               "Schillerstraße", "Avenue Foch", "Gran Vía", "Dorpsstraat", "King Street", "Queen Street"]
MORE_IT_PLACES = [("Genova", "GE", "161"), ("Palermo", "PA", "901"), ("Catania", "CT", "951"),
                  ("Venezia", "VE", "301"), ("Trieste", "TS", "341"), ("Parma", "PR", "431"),
                  ("Modena", "MO", "411"), ("Reggio Emilia", "RE", "421"), ("Perugia", "PG", "061"),
                  ("Livorno", "LI", "571"), ("Cagliari", "CA", "091"), ("Ravenna", "RA", "481"),
                  ("Rimini", "RN", "479"), ("Salerno", "SA", "841"), ("Ferrara", "FE", "441"),
                  ("Sassari", "SS", "071"), ("Latina", "LT", "041"), ("Monza", "MB", "209"),
                  ("Pescara", "PE", "651"), ("Vicenza", "VI", "361"), ("Treviso", "TV", "311"),
                  ("Novara", "NO", "281"), ("Piacenza", "PC", "291"), ("Ancona", "AN", "601"),
                  ("Udine", "UD", "331"), ("Arezzo", "AR", "521"), ("Lucca", "LU", "551"),
                  ("Como", "CO", "221"), ("Varese", "VA", "211"), ("Pavia", "PV", "271"),
                  ("Cremona", "CR", "261"), ("Mantova", "MN", "461"), ("Lecco", "LC", "239"),
                  ("Asti", "AT", "141"), ("Cuneo", "CN", "121"), ("Siena", "SI", "531"),
                  ("Pisa", "PI", "561"), ("Bolzano", "BZ", "391"), ("Massa", "MS", "541"),
                  ("Foggia", "FG", "711"), ("Taranto", "TA", "741"), ("Cosenza", "CS", "871")]
MORE_IT_FIRST = ["Giuseppe", "Antonio", "Francesco", "Mario", "Luigi", "Roberto", "Stefano", "Angelo",
                 "Vincenzo", "Salvatore", "Massimo", "Fabio", "Claudio", "Maurizio", "Daniele", "Sergio",
                 "Alberto", "Enrico", "Carlo", "Michele", "Laura", "Rosa", "Angela", "Teresa", "Lucia",
                 "Paola", "Silvia", "Roberta", "Cristina", "Barbara", "Monica", "Alessandra", "Daniela",
                 "Elisa", "Serena", "Claudia", "Manuela", "Federico", "Nicola", "Edoardo", "Giacomo"]
_ROOTS = ["Bel", "Bonf", "Ferr", "Espos", "Bianc", "Colomb", "Ricc", "Mar", "Gre", "Brun", "Gall", "Manc",
          "Cost", "Giord", "Rizz", "Lomb", "Mor", "Barb", "Font", "Sant", "Rin", "Car", "Leon", "Gent", "Vit",
          "Serr", "Copp", "Parr", "Vill", "Fabb", "Gras", "Mess", "Gatt", "Pell", "Palm", "Farin", "Catt",
          "Pag", "Sorr", "Tom", "Valt", "Zan", "Bert", "Bon", "Cap", "Fior", "Guar", "Lup", "Mazz", "Nar",
          "Orl", "Pic", "Quar", "Rug", "Spin", "Tre", "Ved", "Zamp", "Ciamp", "Dell", "Forn", "Ghir", "Mont"]
_ENDS = ["i", "o", "a", "ini", "elli", "etti", "ucci", "one", "oni", "ato", "ese", "ari", "otti", "acci",
         "ella", "ino", "etto", "uzzi", "ieri", "aldi", "ardi", "asso", "ello", "igli"]
_INT_ENDS = ["er", "son", "mann", "ez", "ski", "ov", "ford", "ton", "sen", "berg", "eau", "ini", "ley"]
IT_LAST = IT_LAST + sorted({r + e for r in _ROOTS for e in _ENDS} - set(IT_LAST))
INT_LAST = INT_LAST + [r + e for r in _ROOTS[:40] for e in _INT_ENDS]
IT_FIRST = IT_FIRST + MORE_IT_FIRST
INT_FIRST = INT_FIRST + ["William", "Olivia", "Henry", "Amelia", "George", "Isla", "Thomas", "Grace", "Felix",
                         "Lena", "Maximilian", "Hannah", "Paul", "Lea", "Jonas", "Marie", "Hugo", "Chloé",
                         "Arthur", "Léa", "Jules", "Manon", "Diego", "Carmen", "Javier", "Elena", "Miguel",
                         "Sofia", "Pedro", "Beatriz", "Tiago", "Daan", "Sanne", "Bram", "Femke", "Piotr",
                         "Katarzyna", "Tomasz", "Agnieszka", "Erik", "Astrid", "Lars", "Ingrid"]
IT_PLACES = IT_PLACES + MORE_IT_PLACES
# Zipf-like: a few names are very common, most are rare (as in a real population)
_IT_LAST_W = list(itertools.accumulate(1 / (k + 1) ** 0.5 for k in range(len(IT_LAST))))
_INT_LAST_W = list(itertools.accumulate(1 / (k + 1) ** 0.5 for k in range(len(INT_LAST))))


def person(i: int) -> dict[str, str]:
    """The i-th person of the generated population, always the same for the same i."""
    rnd = random.Random(i * 7919 + 17)
    italian = rnd.random() < 0.75
    if italian:
        first, last = rnd.choice(IT_FIRST), rnd.choices(IT_LAST, cum_weights=_IT_LAST_W)[0]
        city, prov, cap = rnd.choice(IT_PLACES)
        country, postal = rnd.choice(["Italia", "IT", "Italy", ""]), cap + f"{rnd.randrange(100):02d}"
        company = f"{rnd.choice(FIRM_WORDS)} {rnd.choice(IT_LAST)} {rnd.choice(IT_FORMS)}"
        phone = f"+39 3{rnd.randrange(20, 99)} {rnd.randrange(1000000, 9999999)}"
        street = f"{rnd.choice(STREETS)} {rnd.randrange(1, 200)}"
    else:
        first, last = rnd.choice(INT_FIRST), rnd.choices(INT_LAST, cum_weights=_INT_LAST_W)[0]
        city, prov, country, pre = rnd.choice(INT_PLACES)
        postal = pre + f"{rnd.randrange(100, 999)}"
        company = f"{rnd.choice(INT_LAST)} {rnd.choice(FIRM_WORDS)} {rnd.choice(INT_FORMS)}"
        phone = f"+{rnd.choice(['49', '33', '44', '34', '351', '31'])} {rnd.randrange(10**8, 10**9)}"
        street = f"{rnd.randrange(1, 200)} {rnd.choice(INT_STREETS)}"
    folded = unicodedata.normalize("NFKD", company.split()[1 if not italian else 0] + last).lower()
    slug = "".join(ch for ch in folded if ch.isalnum())
    local = "".join(ch for ch in f"{first.split()[0]}.{last}".lower() if ch.isalnum() or ch == ".")
    email = f"{local}.{i}@{slug}{i % 5000}.example"
    return {"first_name": first, "last_name": last, "email": email, "phone": phone, "company_name": company,
            "street": street, "postal_code": postal, "city": city, "region": prov, "country": country,
            "job_title": rnd.choice(TITLES)}


def _typo(rnd: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    k = rnd.randrange(1, len(text) - 2)
    choice = rnd.random()
    if choice < 0.4:
        return text[:k] + text[k + 1] + text[k] + text[k + 2:]  # swapped letters
    if choice < 0.7:
        return text[:k] + text[k + 1:]  # a letter dropped
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).upper()


def duplicate(p: dict[str, str], rnd: random.Random) -> dict[str, str]:
    """An existing lead as another list spells it: case, accents, typos, phone and legal-form variants."""
    d = dict(p)
    if rnd.random() < 0.6:
        d["email"] = p["email"].upper() if rnd.random() < 0.5 else p["email"]
    else:
        d["email"] = ""
        d["last_name"] = _typo(rnd, p["last_name"])
    if rnd.random() < 0.5:
        d["phone"] = p["phone"].replace("+39 ", "0039 ").replace(" ", "-", 1)
    if rnd.random() < 0.5:
        for a, b in (("S.r.l.", "SRL"), ("srl", "S.R.L."), ("S.p.A.", "spa"), ("GmbH", "G.m.b.H."),
                     ("Ltd", "Limited")):
            d["company_name"] = d["company_name"].replace(a, b)
    if rnd.random() < 0.3:
        d["first_name"] = _typo(rnd, p["first_name"])
    return d


def write_csv(path: Path, n: int, existing: int) -> dict[str, int]:
    """n rows: 10% duplicates of existing leads (typos), 2% invalid, the rest new people."""
    counts = {"new": 0, "duplicate": 0, "invalid": 0}
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for r in range(n):
            rnd = random.Random(r * 104729 + 3)
            bucket = r % 50
            if bucket < 5 and existing:
                p, kind = duplicate(person(rnd.randrange(existing)), rnd), "duplicate"
            elif bucket == 5:
                kind = "invalid"
                p = {"street": "Via Senza Nome 1", "city": "Milano"} if r % 100 < 50 else \
                    {**person(existing + r), "company_name": "X" * 300}
            else:
                p, kind = person(existing + r), "new"
            counts[kind] += 1
            w.writerow([p.get(k, "") for k in FIELDS])
    return counts


# -- preload ---------------------------------------------------------------------------------------


COUNTRY_ISO = {"Italia": "IT", "IT": "IT", "Italy": "IT", "Germany": "DE", "Deutschland": "DE",
               "France": "FR", "United Kingdom": "GB", "España": "ES", "Portugal": "PT", "Netherlands": "NL",
               "Austria": "AT",
               "Switzerland": "CH"}


def _normalise_chunk(bounds: tuple[int, int]) -> list[tuple[dict[str, Any], list[str]]]:
    """The pipeline's own normalisation for names, company and address; email, phone and country
    are already canonical in the generator, so they are set directly (that is 3/4 of the cost)."""
    from imbuto.intake.pipeline import matcher

    out = []
    for i in range(*bounds):
        p = person(i)
        email, phone, country = p.pop("email"), p.pop("phone"), p.pop("country")
        norm = matcher.normalize(p)
        if COUNTRY_ISO.get(country):
            norm.values["country"] = COUNTRY_ISO[country]
        norm.values["email"] = norm.keys["email"] = email.lower()
        norm.values["phone"] = norm.keys["phone"] = "+" + "".join(ch for ch in phone if ch.isdigit())
        values = {k: v for k, v in norm.values.items() if v}
        for name in ("domain", "company_key", "name_key"):
            if norm.keys.get(name):
                values.setdefault(name, norm.keys[name])
        values["quality_flags"] = norm.flags or {}
        out.append((values, sorted(matcher.keys_of(norm))))
    return out


def _lead_columns() -> tuple[list[str], dict[str, Any]]:
    from imbuto.leads.models import Channel, Lead

    now = dt.datetime.now(dt.UTC)
    defaults: dict[str, Any] = {}
    columns = []
    for f in Lead._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(f.column)
        default = f.get_default() if f.has_default() else (None if f.null else "")
        defaults[f.column] = default
    defaults.update(created_at=now, updated_at=now, stage_changed_at=now,
                    channel_id=Channel.objects.get(slug="purchased-list").pk)
    return columns, defaults


def preload(kind: str, url: str, n: int, log: Any) -> float:
    """Put n leads and their match keys in the database, as the pipeline would have stored them."""
    from imbuto.intake.models import MatchKey
    from imbuto.leads.models import Lead

    if __name__ not in sys.modules:  # loaded from a file path: make the pool's worker function importable
        import types

        module = types.ModuleType(__name__)
        module.__dict__.update(globals())
        sys.modules[__name__] = module
    columns, defaults = _lead_columns()
    started = time.perf_counter()
    conn = _connect(kind, url)
    step = 20_000
    bounds = [(a, min(a + step, n)) for a in range(0, n, step)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(os.cpu_count() or 2) as pool:
        next_id = 1
        for done, chunk in enumerate(pool.imap(_normalise_chunk, bounds, chunksize=1), start=1):
            leads, keys = [], []
            for values, lead_keys in chunk:
                row = {**defaults, **values}
                leads.append([next_id] + [_db_value(row.get(c)) for c in columns])
                keys.extend((next_id, k) for k in lead_keys)
                next_id += 1
            _bulk(kind, conn, Lead._meta.db_table, ["id", *columns], leads)
            _bulk(kind, conn, MatchKey._meta.db_table, ["lead_id", "key"], keys)
            if done % 10 == 0:
                log(f"{kind}: preloaded {next_id - 1:,} leads")
    _finish(kind, conn, Lead._meta.db_table)
    return time.perf_counter() - started


def _db_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _connect(kind: str, url: str) -> Any:
    if kind == "sqlite":
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        return conn
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1))


def _bulk(kind: str, conn: Any, table: str, columns: list[str], rows: list[Any]) -> None:
    if not rows:
        return
    cols = ", ".join(f'"{c}"' for c in columns)
    if kind == "sqlite":
        conn.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))})', rows)
        conn.commit()
        return
    with conn.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
    conn.commit()


def _finish(kind: str, conn: Any, lead_table: str) -> None:
    if kind == "postgres":
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{lead_table}', 'id'), (SELECT max(id) FROM "
                     f'"{lead_table}"))')
        conn.commit()
        conn.autocommit = True  # VACUUM: the state autovacuum keeps a database in (visibility map set)
        conn.execute("VACUUM ANALYZE")
    else:
        conn.execute("ANALYZE")
        conn.commit()
    conn.close()


# -- measurements ----------------------------------------------------------------------------------


# Linux copies a parent's peak RSS into a child at exec, so a child of this (large) process reports
# this process's peak. A small launcher process in between makes the figure the import's own.
_LAUNCHER = """
import resource, subprocess, sys
out, err = open(sys.argv[1] + ".out", "w"), open(sys.argv[1] + ".err", "w")
code = subprocess.call(sys.argv[2:], stdout=out, stderr=err)
open(sys.argv[1] + ".rss", "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def run_import(url: str, path: Path) -> dict[str, Any]:
    """`imbuto import leads` in its own process: wall time and the peak RSS of exactly that process."""
    exe = shutil.which("imbuto", path=str(Path(sys.executable).parent)) or "imbuto"
    env = {**os.environ, "DATABASE_URL": url}
    base = path.with_suffix("")
    started = time.perf_counter()
    code = subprocess.call([sys.executable, "-c", _LAUNCHER, str(base), exe, "import", "leads", str(path),
                            "--campaign", "Bench list", "--report", str(path.with_suffix(".errors.csv"))],
                           env=env)
    seconds = time.perf_counter() - started
    out, err = Path(f"{base}.out"), Path(f"{base}.err")
    if code:
        raise RuntimeError(f"imbuto import failed ({code}): {err.read_text()[-2000:]}")
    return {"seconds": seconds, "summary_line": out.read_text().strip(),
            "peak_rss_mib": round(int(Path(f"{base}.rss").read_text()) / 1024, 1)}


def copy_baseline(kind: str, url: str, path: Path) -> float:
    """The same file loaded without any intake logic: COPY (PostgreSQL) or executemany (SQLite)."""
    conn = _connect(kind, url)
    cols = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    conn.execute("DROP TABLE IF EXISTS bench_copy_scratch")
    conn.execute(f"CREATE TABLE bench_copy_scratch ({cols})")
    conn.commit()
    started = time.perf_counter()
    if kind == "postgres":
        with conn.cursor() as cur, path.open("rb") as fh, \
                cur.copy("COPY bench_copy_scratch FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while block := fh.read(1 << 20):
                copy.write(block)
    else:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            next(reader)
            marks = ", ".join("?" * len(HEADER))
            conn.executemany(f"INSERT INTO bench_copy_scratch VALUES ({marks})", reader)
    conn.commit()
    seconds = time.perf_counter() - started
    conn.execute("DROP TABLE bench_copy_scratch")
    conn.commit()
    conn.close()
    return seconds


def accuracy(kind: str, url: str, n: int, existing: int) -> dict[str, int]:
    """What the matcher did with the rows whose truth the generator knows (ids of preloaded lead i = i+1)."""
    from imbuto.intake.models import LeadSource

    conn = _connect(kind, url)
    rows = conn.execute(f'SELECT row_number, lead_id, outcome FROM "{LeadSource._meta.db_table}" '
                        "WHERE import_job_id IS NOT NULL").fetchall()
    conn.close()
    out = {"dup_merged_right": 0, "dup_merged_wrong": 0, "dup_flagged": 0, "dup_created": 0,
           "new_created": 0, "new_flagged": 0, "new_merged": 0}
    for row_number, lead_id, outcome in rows:
        r = row_number - 2
        bucket = r % 50
        if bucket < 5:
            target = random.Random(r * 104729 + 3).randrange(existing) + 1
            key = {"merged": "dup_merged_right" if lead_id == target else "dup_merged_wrong",
                   "flagged": "dup_flagged"}.get(outcome, "dup_created")
        elif bucket == 5:
            continue
        else:
            key = {"merged": "new_merged", "flagged": "new_flagged"}.get(outcome, "new_created")
        out[key] += 1
    return out


def read_only_rate(path: Path) -> float:
    """Rows/s of the import's own reading and mapping layer, without the pipeline."""
    from imbuto.intake.importing import columns, reader
    from imbuto.intake.importing.chunks import chunked

    info = reader.inspect(path)
    plan = columns.plan(info.header)
    started = time.perf_counter()
    chunks = chunked(reader.iter_rows(path, info), plan, info.header, 2000)
    rows = sum(len(c.records) + len(c.refused) for c in chunks)
    return rows / (time.perf_counter() - started)


def run(ctx: Any) -> dict:
    n = int(os.environ.get("IMBUTO_BENCH_ROWS") or (20_000 if ctx.quick else 1_000_000))
    path = ctx.scratch / f"import_{n}.csv"
    with ctx.timer() as t:
        mix = write_csv(path, n, n)
    ctx.log(f"generated {path.name}: {path.stat().st_size / 2**20:.0f} MiB in {t.seconds:.1f} s, {mix}")
    figures: dict[str, Any] = {"rows": n, "file_mib": round(path.stat().st_size / 2**20, 1), "mix": mix,
                               "reader_rows_per_s": round(read_only_rate(path))}
    for kind in sorted(ctx.available(), key=("postgres", "sqlite").index):  # the target is on PostgreSQL
        url = ctx.fresh_database(kind)
        loaded = preload(kind, url, n, ctx.log)
        ctx.log(f"{kind}: {n:,} existing leads in {loaded:.1f} s")
        result = run_import(url, path)
        matched = accuracy(kind, url, n, n)
        baseline = copy_baseline(kind, url, path)
        fig = {"existing_leads": n, "preload_s": round(loaded, 1), "import_s": round(result["seconds"], 1),
               "rows_per_s": round(n / result["seconds"]), "summary_line": result["summary_line"],
               "import_peak_rss_mib": result["peak_rss_mib"],
               "baseline": "COPY" if kind == "postgres" else "executemany",
               "baseline_s": round(baseline, 2), "ratio_to_baseline": round(result["seconds"] / baseline, 1),
               "matching": matched}
        figures[kind] = fig
        ctx.log(kind, fig)
    parts = [f"{k}: {v['rows_per_s']:,} rows/s, {v['import_s']} s, {v['ratio_to_baseline']}x {v['baseline']}"
             for k, v in figures.items() if isinstance(v, dict) and "rows_per_s" in v]
    return {"summary": f"{n:,} rows into {n:,} leads; " + "; ".join(parts), "figures": figures,
            "databases": [k for k in ("postgres", "sqlite") if k in figures]}
