"""`imbuto import leads FILE ...`: summary line, exit codes, report file, dry run, resume after kill -9."""

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from imbuto.intake.models import ImportJob, LeadSource
from imbuto.leads.models import Campaign, Lead

from .test_import_runner import make_csv, people

FILES = Path(__file__).parent / "files"
SUMMARY = r"^created (\d+), merged (\d+), flagged (\d+), rejected (\d+) \((.+), (\d+) rows, [\d.]+ s"


def imbuto(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_records", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_it_prints_one_summary_line_and_writes_the_row_report(tmp_path):
    path = make_csv(tmp_path, "expo.csv", people(6))
    with path.open("a", encoding="utf-8") as fh:  # blank rows are skipped, ragged ones rejected
        fh.write(",,,\n\nLuca,Verdi\nAnna,Neri,anna@neri.it,Neri,Roma\n")
    code, out, err = imbuto("leads", str(path), "--campaign", "Expo 2026", "--channel", "trade-show")
    assert code == 0 and out.count("\n") == 1
    assert out.startswith("created 6, merged 0, flagged 0, rejected 2 (expo.csv, 8 rows, ")
    report = tmp_path / "expo.csv.errors.csv"
    assert report.exists() and str(report) in err
    lines = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0] == ["row", "field", "message", "data", "level"]
    assert {(r[0], r[4]) for r in lines[1:]} == {("10", "Error"), ("11", "Error")}
    assert Campaign.objects.get(name="Expo 2026").channel.slug == "trade-show"


@pytest.mark.django_db
def test_the_same_file_again_creates_nothing(tmp_path):
    path = make_csv(tmp_path, "again.csv", people(5))
    imbuto("leads", str(path), "--campaign", "Lunch")
    code, out, err = imbuto("leads", str(path), "--campaign", "Lunch")
    assert code == 0 and out.startswith("created 0, merged 0, flagged 0, rejected 0 (again.csv, 5 rows")
    assert "already imported" in err and Lead.objects.count() == 5 and ImportJob.objects.count() == 1


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    path = make_csv(tmp_path, "dry.csv", people(4))
    code, out, err = imbuto("leads", str(path), "--campaign", "Nuova", "--dry-run")
    assert code == 0 and out.startswith("dry run, nothing written: created 4, merged 0")
    assert not Lead.objects.exists() and not ImportJob.objects.exists()
    assert not Campaign.objects.filter(name="Nuova").exists()
    assert not (tmp_path / "dry.csv.errors.csv").exists()


@pytest.mark.django_db
def test_manual_mapping_file_and_saved_mapping(tmp_path):
    mapping = str(FILES / "mapping.json")
    code, out, err = imbuto("leads", str(FILES / "custom_headers.csv"), "--mapping", mapping,
                            "--report", str(tmp_path / "r.csv"))
    assert code == 0 and out.startswith("created 2,") and "Ignored columns: Appunti" in err
    assert Lead.objects.filter(last_name="Bassi", company_name__icontains="Bassi", city="Ferrara").exists()
    code, out, err = imbuto("leads", str(FILES / "custom_headers.csv"), "--mapping", "no-such-mapping")
    assert code == 2 and "Mapping not found" in err


@pytest.mark.django_db
@pytest.mark.parametrize("args,code,message", [
    (["missing.csv"], 2, "File not found"),
    (["{hub}", "--channel", "carrier-pigeon"], 2, "Unknown channel"),
    (["{bad_mapping}", "--mapping", "{bad_mapping}"], 2, "Unknown lead field"),
    (["{garbage}"], 1, "not a CSV or XLSX"),
    (["{empty}"], 1, "empty"),
    (["{nothing}"], 1, "No column could be matched"),
])
def test_exit_codes(tmp_path, args, code, message):
    names = {"hub": FILES / "hubspot_contacts.csv", "garbage": tmp_path / "g.csv",
             "empty": tmp_path / "e.csv", "nothing": tmp_path / "n.csv", "bad_mapping": tmp_path / "m.json"}
    names["garbage"].write_bytes(os.urandom(2048))
    names["empty"].write_bytes(b"")
    names["nothing"].write_text("Colour;Size\nred;XL\n")
    names["bad_mapping"].write_text(json.dumps({"Email": "emial"}))
    args = [a.format(**names) if "{" in a else a for a in args]
    got, out, err = imbuto("leads", *args)
    assert got == code and message in err and out == ""


@pytest.mark.django_db
def test_header_only_and_xlsx_and_italian_exports(tmp_path):
    head = tmp_path / "head.csv"
    head.write_text("Email;Nome\n")
    code, out, err = imbuto("leads", str(head))
    assert code == 0 and out.startswith("created 0, merged 0, flagged 0, rejected 0 (head.csv, 0 rows")
    assert "no data rows" in err
    code, out, err = imbuto("leads", str(FILES / "italian_cp1252.csv"), "--report", str(tmp_path / "r.csv"))
    assert code == 0 and out.startswith("created 3,")
    lead = Lead.objects.get(email="niccolo@agricolabellini.it")
    assert (lead.first_name, lead.city, lead.company_name) == ("Niccolò", "Montalcino",
                                                               "Società Agricola Bellini S.s.")
    assert LeadSource.objects.get(lead=lead).row_number == 2


def _subprocess_env():
    env = dict(os.environ)
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return env


def _imbuto_bin():
    return shutil.which("imbuto", path=str(Path(sys.executable).parent)) or "imbuto"


def _wait_for_other_sessions_to_end() -> None:
    """A killed client's COMMIT may still be in flight in its server session: read the job only once
    that session is gone, or two reads may see the database before and after that commit."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_kill_9_loses_no_committed_row_and_the_rerun_resumes(tmp_path):
    path = make_csv(tmp_path, "kill.csv", people(2400))
    cmd = [_imbuto_bin(), "import", "leads", str(path), "--campaign", "Kill test", "--chunk-rows", "100"]
    proc = subprocess.Popen(cmd, env=_subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    job = None
    while time.monotonic() < deadline:
        job = ImportJob.objects.filter(file_name="kill.csv").first()
        if job and job.rows_committed >= 300:
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _wait_for_other_sessions_to_end()
    job.refresh_from_db()
    committed = job.rows_committed
    assert job.status == "running" and 300 <= committed < 2400
    sources = LeadSource.objects.filter(import_job=job)
    # exactly the committed rows are in: nothing lost, nothing half-written
    assert sources.count() == committed == job.created + job.merged + job.flagged + job.rejected
    assert set(sources.values_list("row_number", flat=True)) == set(range(2, committed + 2))

    done = subprocess.run(cmd, env=_subprocess_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"Resuming job {job.pk} after {committed} rows" in done.stderr
    assert done.stdout.startswith("created ") and "(kill.csv, 2400 rows" in done.stdout
    job.refresh_from_db()
    assert job.status == "done" and job.rows_committed == 2400
    rows = list(LeadSource.objects.filter(import_job=job).values_list("row_number", flat=True))
    assert sorted(rows) == list(range(2, 2402))  # every row once: no duplicates, no gaps
    assert Lead.objects.filter(merged_into__isnull=True).count() == job.created + job.flagged
