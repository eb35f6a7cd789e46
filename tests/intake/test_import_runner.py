"""The import job through the real pipeline: counts, report lines, dry run, idempotency, resume."""

import csv
import io
import os

import pytest

from imbuto.intake.importing import reader, report, runner
from imbuto.intake.models import ImportJob, ImportRowError, LeadSource
from imbuto.leads.models import Campaign, Lead

FILES = os.path.join(os.path.dirname(__file__), "files")


def make_csv(tmp_path, name, rows, header=("First Name", "Last Name", "Email", "Company"), delimiter=","):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


FIRST = ["Giulia", "Marco", "Sofia", "Luca", "Chiara", "Matteo", "Elena", "Davide", "Sara", "Paolo"]
LAST = ["Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti"]
FIRMS = ["Tessuti", "Meccanica", "Vini", "Arredi", "Ottica", "Ceramiche", "Logistica", "Serramenti"]
CITIES = ["Lecco", "Prato", "Asti", "Siena", "Trento", "Lucca", "Udine"]


def people(n):
    out = []
    for i in range(n):
        first, last = FIRST[i % 10], LAST[(i // 10) % 10]
        firm = f"{FIRMS[i % 8]} {CITIES[i % 7]} {LAST[(i * 3) % 10]}"
        out.append((first, last, f"{first}.{last}{i}@{firm.split()[0].lower()}{i}.it".lower(), firm))
    return out


def run(path, *, campaign="Fiera 2026", channel="", manual=None, chunk_rows=runner.CHUNK_ROWS, **kw):
    camp, chan = runner.import_target(actor=None, campaign_name=campaign, channel_slug=channel)
    job = runner.job_create(actor=None, path=path, campaign=camp, channel=chan, manual=manual)
    return job, runner.job_run(job, actor=None, chunk_rows=chunk_rows, **kw)


@pytest.mark.django_db
def test_a_file_is_imported_with_sources_and_row_numbers(tmp_path):
    path = make_csv(tmp_path, "fair.csv", people(30))
    job, summary = run(path, chunk_rows=7)
    assert (summary.created, summary.rejected, summary.rows) == (30, 0, 30)
    job.refresh_from_db()
    assert job.status == "done" and job.rows_committed == 30 and job.bytes_done == path.stat().st_size
    assert Lead.objects.count() == 30
    lead = Lead.objects.get(email=people(30)[7][2])
    assert lead.campaign.name == "Fiera 2026" and lead.channel.slug == "purchased-list"
    source = LeadSource.objects.get(lead=lead)
    assert (source.file_name, source.row_number, source.import_job_id) == ("fair.csv", 9, job.pk)
    assert summary.line().startswith("created 30, merged 0, flagged 0, rejected 0 (fair.csv, 30 rows, ")


@pytest.mark.django_db
def test_campaign_is_created_with_the_channel_or_reused(tmp_path):
    path = make_csv(tmp_path, "w.csv", people(2))
    run(path, campaign="Webinar marzo", channel="webinar")
    assert Campaign.objects.get(name="Webinar marzo").channel.slug == "webinar"
    assert Lead.objects.filter(channel__slug="webinar").count() == 2
    with pytest.raises(runner.ValidationFailed, match="Unknown channel"):
        runner.import_target(actor=None, campaign_name="x", channel_slug="carrier-pigeon")


@pytest.mark.django_db
def test_bad_rows_are_reported_and_good_rows_go_in(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "First Name,Last Name,Email,Company,Street,City\n"
        "Anna,Neri,anna@neri.it,Neri Srl,,\n"
        ",,,,Via Roma 1,Milano\n"                      # no identity
        "Luca,Verdi,luca@verdi.it\n"                   # ragged
        "Marta,Blu,marta@blu.it,Blu Srl,Via Po 2,Torino,extra\n"  # ragged
        '"=HYPERLINK(""http://evil.example"",""clic"")",Bianchi,gb@bianchi.it,Bianchi SpA,,\n'
        f"Giorgio,Lungo,giorgio@lungo.it,{'x' * 1_048_576},,\n"
        "Paolo,Fiera,,,Via Fiera 10,Bologna\n",        # trade-fair row: name and address only
        encoding="utf-8")
    job, summary = run(path)
    assert (summary.created, summary.rejected) == (3, 4)
    errors = {e.row_number: e for e in ImportRowError.objects.filter(job=job, message__contains="")}
    assert set(errors) >= {3, 4, 5, 7}
    assert "identity" in errors[3].message and "header has 6" in errors[4].message
    assert "1,048,576" in errors[7].message and errors[7].field == "company_name"
    assert {errors[n].level for n in (3, 4, 5, 7)} == {"error"}
    [formula_warning] = ImportRowError.objects.filter(job=job, row_number=6)
    assert formula_warning.level == "warning" and formula_warning.field == "first_name"
    assert "formula" in formula_warning.message and not formula_warning.message.startswith("Warning")
    formula = Lead.objects.get(email="gb@bianchi.it")
    assert formula.first_name.startswith("'=")
    assert Lead.objects.filter(first_name="Paolo", city="Bologna").exists()
    out = io.StringIO()
    report.write_job_report(job, out)
    text = out.getvalue()
    assert ",=HYPERLINK" not in text and "\n=" not in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["row", "field", "message", "data", "level"]
    assert [r[4] for r in rows if r[0] == "6"] == ["Warning"]
    for row in rows:
        assert not any(cell[:1] in "=+-@" and not cell[1:2].isdigit() for cell in row if cell), row


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_answers_like_the_real_run(tmp_path):
    path = make_csv(tmp_path, "d.csv", people(12) + [("", "", "", "")] + [("", "", "", "")] * 0)
    before = (Lead.objects.count(), ImportJob.objects.count(), Campaign.objects.count())
    camp, chan = runner.import_target(actor=None, channel_slug="trade-show")
    info, plan, summary, tally = runner.dry_run(actor=None, path=path, campaign=camp, channel=chan, limit=5)
    assert [p["row"] for p in tally.previews] == [2, 3, 4, 5, 6]
    info, plan, summary, tally = runner.dry_run(actor=None, path=path, campaign=camp, channel=chan)
    assert summary.created == 12 and summary.dry_run and summary.line().startswith("dry run")
    assert (Lead.objects.count(), ImportJob.objects.count(), Campaign.objects.count()) == before


@pytest.mark.django_db
def test_importing_the_same_rows_again_creates_nothing(tmp_path):
    path = make_csv(tmp_path, "a.csv", people(20))
    run(path)
    fiera = Campaign.objects.get(name="Fiera 2026")
    assert runner.previous_job(runner.file_sha256(path), fiera).status == "done"
    copy = make_csv(tmp_path, "copy.csv", people(20), header=("Nome", "Cognome", "E-mail", "Azienda"),
                    delimiter=";")
    _job, summary = run(copy, campaign="Another campaign")
    assert summary.created == 0 and summary.merged + summary.flagged == 20
    assert Lead.objects.filter(merged_into__isnull=True).count() == 20


@pytest.mark.django_db
def test_a_stopped_job_resumes_after_its_last_committed_row(tmp_path):
    path = make_csv(tmp_path, "big.csv", people(50))
    job, first = run(path, chunk_rows=8, stop_after_chunks=3)
    job.refresh_from_db()
    assert job.status == "running" and job.rows_committed == 24 and Lead.objects.count() == 24
    again = runner.previous_job(job.file_sha256, job.campaign)
    assert again.pk == job.pk
    summary = runner.job_run(again, actor=None, chunk_rows=8)
    assert (summary.created, summary.rows, summary.resumed_at_row) == (50, 50, 24)
    assert Lead.objects.count() == 50 and LeadSource.objects.values("row_number").distinct().count() == 50


@pytest.mark.django_db
def test_two_runs_of_one_job_never_commit_the_same_rows(tmp_path):
    path = make_csv(tmp_path, "race.csv", people(10))
    job, _s = run(path, chunk_rows=4, stop_after_chunks=1)
    other = []

    def second_process(progress_job):
        if not other:  # while run A is between chunks, run B takes the same job to the end
            other.append(runner.job_run(ImportJob.objects.get(pk=job.pk), actor=None, chunk_rows=4))

    with pytest.raises(runner.JobTaken):
        runner.job_run(ImportJob.objects.get(pk=job.pk), actor=None, chunk_rows=4, on_progress=second_process)
    job.refresh_from_db()
    assert other[0].created == 10 and job.status == "done" and job.rows_committed == 10
    assert Lead.objects.count() == 10 and LeadSource.objects.count() == 10


@pytest.mark.django_db
def test_unreadable_files_fail_clearly(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(os.urandom(3000))
    camp, chan = runner.import_target(actor=None)
    with pytest.raises(reader.FileProblem, match="not a CSV or XLSX"):
        runner.job_create(actor=None, path=path, campaign=camp, channel=chan)
    path.write_text("Colour,Size\nred,XL\n")
    with pytest.raises(reader.FileProblem, match="No column could be matched"):
        runner.job_create(actor=None, path=path, campaign=camp, channel=chan)
    assert not ImportJob.objects.exists()


def test_the_dry_run_report_file_has_the_same_columns_as_the_download():
    from imbuto.intake.importing.chunks import ReportLine

    out = io.StringIO()
    sink = report.ReportFile(out)
    sink.add([ReportLine(2, "", "No identity.", '{"City": "Roma"}'),
              ReportLine(3, "phone", "Kept as typed.", "", rejected=False)])
    rows = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert rows == [["row", "field", "message", "data", "level"],
                    ["2", "", "No identity.", '{"City": "Roma"}', "Error"],
                    ["3", "phone", "Kept as typed.", "", "Warning"]]
    assert sink.count == 2


@pytest.mark.django_db
@pytest.mark.parametrize("language,expected", [("en", "(not shown: longer than 8 MB)"),
                                               ("it", "(non mostrata: più lunga di 8 MB)")])
def test_an_overlong_line_is_reported_in_words_not_as_an_internal_marker(tmp_path, language, expected):
    from django.utils import translation

    path = tmp_path / "long.csv"
    path.write_bytes(b"Email,Company\n" + b"a@b.it," + b"x" * (9 * 2**20) + b"\nc@d.it,Rossi srl\n")
    with translation.override(language):
        job, summary = run(path)
        out = io.StringIO()
        report.write_job_report(job, out)
    assert (summary.created, summary.rejected) == (1, 1)
    [line] = ImportRowError.objects.filter(job=job)
    assert "\x00" not in line.raw and "overlong" not in line.raw and expected in line.raw
    assert "overlong" not in out.getvalue() and "\\u0000" not in out.getvalue()
