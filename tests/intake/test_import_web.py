"""The web import: permissions, upload -> preview -> import task -> live progress -> row report CSV."""

import csv
import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from imbuto.intake.models import ColumnMapping, ImportJob
from imbuto.leads.models import Campaign, Lead

FILES = os.path.join(os.path.dirname(__file__), "files")
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

LIST = (
    "Nome;Cognome;E-mail;Azienda;Telefono\n"
    "Niccolò;Bellini;niccolo@bellini.it;Società Bellini;\n"
    "Chiara;Fontana;chiara@fontana-arredi.it;Fontana Arredi;\n"
    ";;;;\n"
    '"=HYPERLINK(""http://evil.example"")";;;;\n'
    "Luca;Verdi\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def upload(client, content=LIST, name="fiera.csv", **data):
    payload = {"file": SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content),
               "new_campaign": "Fiera Milano", **data}
    return client.post(reverse("intake:import_new"), payload)


@pytest.mark.django_db
def test_only_admins_managers_and_marketers_may_import(client, admin, manager, marketer, rep):
    assert client.get(reverse("intake:imports")).status_code == 302  # to the login page
    for user in (admin, manager, marketer):
        assert client_for(user).get(reverse("intake:imports")).status_code == 200
    c = client_for(rep)
    assert c.get(reverse("intake:imports")).status_code == 403
    assert c.get(reverse("intake:import_new")).status_code == 403
    assert upload(c).status_code == 403 and not ImportJob.objects.exists()


@pytest.mark.django_db
def test_upload_preview_import_progress_and_report(marketer, django_capture_on_commit_callbacks):
    c = client_for(marketer)
    response = upload(c)
    job = ImportJob.objects.get()
    detail = reverse("intake:import_detail", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == detail
    assert job.dry_run and job.campaign.name == "Fiera Milano" and job.channel.slug == "purchased-list"

    page = c.get(reverse("intake:import_detail", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "UTF-8" in html and "semicolon" in html
    assert html.count('class="badge stage-customer"') == 3 and "Niccolò" in html  # three would be created
    assert not Lead.objects.exists()  # the preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("intake:import_start", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.dry_run, job.status, job.created, job.rejected) == (False, "done", 3, 1)
    assert Lead.objects.filter(campaign__name="Fiera Milano").count() == 3

    partial = c.get(reverse("intake:import_progress", args=[job.pk]), headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in text and 'id="import-progress"' in text
    assert "every 1s" not in text and "100%" in text
    assert reverse("intake:import_errors", args=[job.pk]) in text

    report = c.get(reverse("intake:import_errors", args=[job.pk]))
    assert report["Content-Type"].startswith("text/csv") and "attachment" in report["Content-Disposition"]
    body = b"".join(report.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["row", "field", "message", "data", "level"]
    assert any(r[0] == "6" and "header has 5" in r[2] and r[4] == "Error" for r in rows)
    page = c.get(reverse("intake:import_detail", args=[job.pk])).content.decode()
    assert 'id="row-report"' in page and '<tr data-level="error">' in page and "header has 5" in page
    assert not any(cell.startswith("=") for r in rows for cell in r)

    # An Italian reader gets the report in Italian, with `;` so that Italian Excel opens it directly.
    italian = c.get(reverse("intake:import_errors", args=[job.pk]), headers={"Accept-Language": "it"})
    body = b"".join(italian.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0] == ["riga", "campo", "messaggio", "dati", "livello"]
    assert any(r[0] == "6" and r[4] == "Errore" for r in rows)


@pytest.mark.django_db
def test_a_running_job_page_polls_and_shows_progress(manager):
    campaign = Campaign.objects.create(name="Webinar", channel_id=1)
    job = ImportJob.objects.create(file_name="big.csv", file_path="/nonexistent", file_size=1000,
                                   file_sha256="x", campaign=campaign, status="running", bytes_done=420,
                                   rows_committed=2000, created=1900, rejected=100,
                                   created_by=manager)
    c = client_for(manager)
    html = c.get(reverse("intake:import_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "42%" in html and "1,900" in html
    assert "Resume if stuck" in html


@pytest.mark.django_db
def test_the_same_upload_again_goes_to_the_finished_job(admin, django_capture_on_commit_callbacks):
    c = client_for(admin)
    upload(c)
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("intake:import_start", args=[job.pk]))
    leads = Lead.objects.count()
    response = upload(c, campaign=job.campaign_id, new_campaign="")
    assert response["Location"] == reverse("intake:import_detail", args=[job.pk])
    assert ImportJob.objects.count() == 1 and Lead.objects.count() == leads
    follow = c.get(response["Location"])
    assert "already imported" in follow.content.decode()


@pytest.mark.django_db
def test_broken_uploads_get_a_clear_form_error(admin):
    c = client_for(admin)
    for content, message in [(os.urandom(3000), "not a CSV or XLSX"), (b"", "empty"),
                             (b"\xd0\xcf\x11\xe0" + os.urandom(500), "Excel 97-2003")]:
        response = upload(c, content=content)
        assert response.status_code == 422 and message in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_mapping_can_be_changed_and_saved(admin, django_capture_on_commit_callbacks):
    c = client_for(admin)
    upload(c, content="Cliente;Chi;Posta;Luogo\nFerramenta Bassi snc;Giovanni Bassi;info@bassi.it;Ferrara\n")
    job = ImportJob.objects.get()
    page = c.get(reverse("intake:import_detail", args=[job.pk]))
    assert page.status_code == 422 and "No column could be matched" in page.content.decode()
    assert "Import the whole file" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(reverse("intake:import_start", args=[job.pk])).status_code == 302
    assert ImportJob.objects.get().dry_run  # refused: nothing to import with
    # what the browser posts: each select is numbered as the page numbers it (not by jsonb key order)
    numbered = re.findall(r'<label for="col-(\d+)">([^<]+)</label>', page.content.decode())
    headers = [h.strip() for _, h in sorted(numbered, key=lambda m: int(m[0]))]
    assert sorted(headers) == sorted(job.mapping)
    fields = {"Cliente": "company_name", "Chi": "full_name", "Posta": "email"}
    data = {f"col-{i}": fields.get(h, "") for i, h in enumerate(headers)} | {"save_as": "Fiere venete"}
    c.post(reverse("intake:import_mapping", args=[job.pk]), data)
    job.refresh_from_db()
    assert job.mapping["Cliente"] == "company_name" and job.mapping["Luogo"] == ""
    assert ColumnMapping.objects.get(name="Fiere venete").mapping == fields
    html = c.get(reverse("intake:import_detail", args=[job.pk])).content.decode()
    assert "Ferramenta Bassi snc" in html and "Import the whole file" in html


@pytest.mark.django_db
def test_a_failed_job_is_resumed_from_the_web(manager, tmp_path, django_capture_on_commit_callbacks):
    from imbuto.intake.importing import runner

    path = tmp_path / "resume.csv"
    path.write_text("Nome,Cognome,Azienda\nGiulia,Ferrari,Tessuti Prato\nMarco,Esposito,Vini Asti\n"
                    "Sofia,Romano,Ottica Lecco\n", encoding="utf-8")
    campaign, channel = runner.import_target(actor=manager, campaign_name="Riprova")
    job = runner.job_create(actor=manager, path=path, campaign=campaign, channel=channel)
    runner.job_run(job, actor=manager, chunk_rows=1, stop_after_chunks=1)
    ImportJob.objects.filter(pk=job.pk).update(status="failed", error="worker lost")
    c = client_for(manager)
    assert "Resume" in c.get(reverse("intake:import_detail", args=[job.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(reverse("intake:import_resume", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created, job.rows_committed, job.error) == ("done", 3, 3, "")
    assert Lead.objects.filter(campaign=campaign).count() == 3
    assert c.post(reverse("intake:import_resume", args=[job.pk])).status_code == 409


@pytest.mark.django_db
def test_the_preview_is_computed_once_and_the_page_only_reads_it(marketer, monkeypatch):
    from imbuto.intake.importing import runner

    c = client_for(marketer)
    upload(c)
    job = ImportJob.objects.get()
    calls = []
    real = runner.dry_run
    monkeypatch.setattr(runner, "dry_run", lambda **kw: calls.append(kw) or real(**kw))
    for _ in range(3):
        page = c.get(reverse("intake:import_detail", args=[job.pk]))
        assert page.status_code == 200 and page.content.decode().count('class="badge stage-customer"') == 3
    assert calls == []  # computed at upload, read since
    mapping = {"col-0": "first_name", "col-1": "last_name", "col-2": "email", "col-3": "", "col-4": "phone"}
    c.post(reverse("intake:import_mapping", args=[job.pk]), mapping)
    page = c.get(reverse("intake:import_detail", args=[job.pk])).content.decode()
    assert len(calls) == 1 and "Società Bellini" not in page  # the new mapping: company ignored
    c.get(reverse("intake:import_detail", args=[job.pk]), headers={"Accept-Language": "it"})
    c.get(reverse("intake:import_detail", args=[job.pk]), headers={"Accept-Language": "it"})
    assert len(calls) == 2  # once more for a reader in Italian, then read


@pytest.mark.django_db
def test_a_run_of_blank_rows_ends_the_preview_scan_with_a_note(marketer, monkeypatch):
    from imbuto.intake.importing import preview, reader

    read = []
    real = reader.iter_rows

    def counting(*args, **kw):
        for row in real(*args, **kw):
            read.append(row.number)
            yield row

    monkeypatch.setattr(reader, "iter_rows", counting)
    blank_rows = 3 * preview.BOUNDS.blank_run
    content = ("Nome;Cognome;E-mail\nAnna;Neri;anna@neri.it\n" + ";;\n" * blank_rows
               + "Luca;Verdi;luca@verdi.it\n")
    c = client_for(marketer)
    upload(c, content)
    job = ImportJob.objects.get()
    page = c.get(reverse("intake:import_detail", args=[job.pk])).content.decode()
    assert 'id="preview-note"' in page and "more than 1,000 blank rows in a row" in page
    assert "Anna" in page and "Luca" not in page
    assert len(read) <= preview.BOUNDS.blank_run + 2  # the rest of the file was never read
    assert job.dry_run  # and the import, when started, reads the whole file


@pytest.mark.django_db
def test_the_preview_stops_after_its_row_bound(marketer, monkeypatch):
    from imbuto.intake.importing import preview, runner

    monkeypatch.setattr(preview, "BOUNDS", runner.ScanBounds(rows=50, blank_run=1_000, seconds=10.0))
    content = "Nome;Cognome;E-mail\n" + ";;\n" * 100 + "Luca;Verdi;luca@verdi.it\n"
    c = client_for(marketer)
    upload(c, content)
    page = c.get(reverse("intake:import_detail", args=[ImportJob.objects.get().pk])).content.decode()
    assert "stopped at row 52 to stay quick" in page and "Luca" not in page
