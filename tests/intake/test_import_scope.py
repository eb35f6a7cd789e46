"""Imports are scoped like the leads they create (issue 8, finding 2): an admin sees every import, a
manager their own and their team members', a marketer their own; any other import answers 404 on
every page and action, and is not listed."""

import pytest
from django.test import Client
from django.urls import reverse

from imbuto.core.errors import NotFound
from imbuto.core.models import AuditEvent
from imbuto.intake import import_services
from imbuto.intake.importing.selectors import visible_imports
from imbuto.intake.models import ImportJob
from imbuto.leads.models import Channel

from ..factories import UserFactory

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def job_of(user, name, *, dry_run=False, status="failed"):
    return ImportJob.objects.create(file_name=name, file_path="/nonexistent/" + name, file_size=10,
                                    file_sha256=name, channel=Channel.objects.get(slug="purchased-list"),
                                    mapping={"Email": "email"}, dry_run=dry_run, status=status,
                                    created_by=user)


@pytest.fixture
def people(admin, manager, marketer, south):
    return {"admin": admin, "mara": manager, "marco": marketer,
            "nico": UserFactory(username="nico", role="manager", team=manager.team),
            "sara": UserFactory(username="sara", role="manager", team=south),
            "mia": UserFactory(username="mia", role="marketer")}


@pytest.fixture
def jobs(people):
    made = {name: job_of(people[name], f"{name}.csv") for name in ("mara", "nico", "sara", "marco", "mia")}
    return made | {"cli": job_of(None, "cli.csv")}


EXPECTED = {
    "admin": {"mara", "nico", "sara", "marco", "mia", "cli"},
    "mara": {"mara", "nico"},  # a manager: their own and their team members'
    "nico": {"mara", "nico"},
    "sara": {"sara"},
    "marco": {"marco"},  # a marketer: their own
    "mia": {"mia"},
}


@pytest.mark.django_db
def test_each_role_sees_the_imports_of_its_scope(people, jobs, rep):
    names = {job.pk: name for name, job in jobs.items()}
    for user, expected in EXPECTED.items():
        assert {names[pk] for pk in visible_imports(people[user]).values_list("pk", flat=True)} == expected
        listed = client_for(people[user]).get(reverse("intake:imports")).content.decode()
        for name, job in jobs.items():
            link = f'href="{reverse("intake:import_detail", args=[job.pk])}"'
            assert (link in listed) == (name in expected)
    assert not visible_imports(rep).exists() and not visible_imports(None).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url,method", [("import_detail", "get"), ("import_progress", "get"),
                                        ("import_errors", "get"), ("import_mapping", "post"),
                                        ("import_start", "post"), ("import_resume", "post")])
def test_every_page_and_action_of_an_unseen_import_answers_404(people, jobs, url, method):
    c = client_for(people["marco"])
    before = {j.pk: (j.dry_run, j.status, j.mapping) for j in ImportJob.objects.all()}
    for name in ("mara", "sara", "mia", "cli"):
        response = getattr(c, method)(reverse(f"intake:{url}", args=[jobs[name].pk]), {"col-0": "phone"})
        assert response.status_code == 404, (url, name)
    assert {j.pk: (j.dry_run, j.status, j.mapping) for j in ImportJob.objects.all()} == before
    assert AuditEvent.objects.filter(action="denied", object_type="intake.importjob").count() == 4
    own = getattr(c, method)(reverse(f"intake:{url}", args=[jobs["marco"].pk]))
    assert own.status_code != 404


@pytest.mark.django_db
def test_an_unseen_preview_cannot_be_started_or_remapped_through_the_services(people):
    preview = job_of(people["sara"], "sara-preview.csv", dry_run=True, status="queued")
    for call in (lambda: import_services.import_start(actor=people["mara"], job=preview),
                 lambda: import_services.import_remap(actor=people["marco"], job=preview,
                                                      mapping={"Email": "phone"}),
                 lambda: import_services.import_resume(actor=people["mia"], job=preview)):
        with pytest.raises(NotFound):
            call()
    preview.refresh_from_db()
    assert preview.dry_run and preview.mapping == {"Email": "email"}


@pytest.mark.django_db
def test_a_teammate_manager_may_start_the_preview_of_a_team_member(people, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    path = tmp_path / "north.csv"
    path.write_text("Email,Company\nanna@rossi.it,Rossi srl\n", encoding="utf-8")
    preview = job_of(people["nico"], "north.csv", dry_run=True, status="queued")
    ImportJob.objects.filter(pk=preview.pk).update(file_path=str(path), mapping={"Email": "email",
                                                                                  "Company": "company_name"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["mara"]).post(reverse("intake:import_start", args=[preview.pk]))
    assert response.status_code == 302
    preview.refresh_from_db()
    assert (preview.dry_run, preview.status, preview.created) == (False, "done", 1)


@pytest.mark.django_db
def test_the_same_file_imported_by_another_team_is_not_imported_again_and_not_linked(people, jobs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"Email,Company\nanna@rossi.it,Rossi srl\n"
    c = client_for(people["sara"])
    c.post(reverse("intake:import_new"), {"file": SimpleUploadedFile("a.csv", content),
                                          "new_campaign": "Fiera"})
    first = ImportJob.objects.get(file_name="a.csv")
    c.post(reverse("intake:import_start", args=[first.pk]))
    first.refresh_from_db()
    assert not first.dry_run
    other = client_for(people["marco"])
    response = other.post(reverse("intake:import_new"), {"file": SimpleUploadedFile("a.csv", content),
                                                         "campaign": first.campaign_id})
    assert response.status_code == 302 and response["Location"] == reverse("intake:imports")
    page = other.get(response["Location"]).content.decode()
    assert "someone outside your team" in page and f"import {first.pk}" not in page
    assert ImportJob.objects.filter(file_name="a.csv").count() == 1
