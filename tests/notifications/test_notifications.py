"""Notifications end to end: intake merges new information into a lead the caller may not see, a task
tells the lead's owner (or the team's managers), who reads it in the header, the page and the API."""

import pytest

from imbuto.notifications import tasks
from imbuto.notifications.messages import NEW_INFORMATION
from imbuto.notifications.models import Notification
from imbuto.notifications.services import Message, notifications_send
from tests.factories import LeadFactory

RECORD = {"first_name": "Sara", "last_name": "Gallo", "email": "sara@gallo.example"}


@pytest.fixture
def ritas_lead(rep):
    return LeadFactory(owner=rep, **RECORD)


@pytest.fixture
def post_record(api_as, django_capture_on_commit_callbacks):
    """POST /api/v1/leads as `user`, running the after-commit receivers as a real request would."""

    def run(user, record=RECORD):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(user).post("/api/v1/leads", record)
        assert response.status_code in (200, 201), response.content
        return response

    return run


def test_another_reps_record_merged_into_my_lead_tells_me(tasks_immediate, rep, other_rep, ritas_lead,
                                                          post_record, api_as):
    post_record(other_rep)
    [note] = Notification.objects.all()
    assert (note.recipient, note.code, note.link) == (rep, NEW_INFORMATION, f"/leads/{ritas_lead.pk}/")
    assert note.text == "New information arrived on lead Sara Gallo from API."
    assert not Notification.objects.filter(recipient=other_rep).exists()
    body = api_as(rep).get("/api/v1/notifications").json()
    assert body["unread"] == 1 and [n["id"] for n in body["items"]] == [note.pk]
    assert body["items"][0]["params"]["lead_id"] == ritas_lead.pk and body["items"][0]["read_at"] is None


def test_the_text_is_rendered_in_the_readers_language(tasks_immediate, rep, other_rep, ritas_lead,
                                                      post_record, api_as):
    post_record(other_rep)
    client = api_as(rep)
    response = client.client.get("/api/v1/notifications", headers={**client._headers(),
                                                                     "Accept-Language": "it"})
    assert response.json()["items"][0]["text"] == "Nuove informazioni sul lead Sara Gallo dal canale API."


def test_nobody_is_told_when_the_caller_sees_the_lead(tasks_immediate, rep, admin, ritas_lead, post_record):
    post_record(rep)
    post_record(admin)
    assert not Notification.objects.exists()


def test_an_unowned_team_lead_tells_the_teams_managers(tasks_immediate, manager, north, rep,
                                                       django_capture_on_commit_callbacks):
    from imbuto.intake.pipeline import SourceRef, ingest

    lead = LeadFactory(owner=None, team=north, **RECORD)
    with django_capture_on_commit_callbacks(execute=True):
        ingest([dict(RECORD)], actor=None, source=SourceRef(kind="chat", channel="website-chat"))
    [note] = Notification.objects.all()
    assert note.recipient == manager and note.params["lead_id"] == lead.pk


def test_a_public_web_form_merging_into_a_lead_tells_its_owner(tasks_immediate, rep, ritas_lead,
                                                               django_capture_on_commit_callbacks):
    from imbuto.intake.pipeline import SourceRef, ingest

    with django_capture_on_commit_callbacks(execute=True):
        [result] = ingest([dict(RECORD)], actor=None, source=SourceRef(kind="form", channel="web-form",
                                                                        reference="contact"))
    assert result.outcome == "merged"
    [note] = Notification.objects.all()
    assert note.recipient == rep and note.text.endswith("from Web form.")


def test_a_system_import_tells_nobody_and_queues_nothing(rep, ritas_lead, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from imbuto.intake.pipeline import SourceRef, ingest

    with django_capture_on_commit_callbacks(execute=True):
        ingest([dict(RECORD)], actor=None, source=SourceRef(kind="import", file_name="fair.csv"))
    assert not DBTaskResult.objects.filter(task_path__startswith="imbuto.notifications").exists()
    assert not Notification.objects.exists()


def test_without_a_worker_the_request_only_queues_the_task(rep, other_rep, ritas_lead, post_record):
    from django_tasks_db.models import DBTaskResult

    post_record(other_rep)
    assert not Notification.objects.exists()
    [queued] = DBTaskResult.objects.filter(task_path="imbuto.notifications.tasks.notify_new_information")
    merge_ids, actor_id, via = queued.args_kwargs["args"]
    assert actor_id == other_rep.pk and via == "api" and len(merge_ids) == 1


def test_the_task_is_idempotent(rep, other_rep, ritas_lead, post_record):
    from imbuto.intake.models import LeadMerge

    post_record(other_rep)
    merge_ids = list(LeadMerge.objects.values_list("pk", flat=True))
    assert tasks.notify_new_information.call(merge_ids, other_rep.pk, "api") == {"sent": 1}
    assert tasks.notify_new_information.call(merge_ids, other_rep.pk, "api") == {"sent": 0}
    assert Notification.objects.count() == 1


def _note(user, **kw):
    notifications_send(messages=[Message(recipient_id=user.pk, code=NEW_INFORMATION,
                                         params={"lead": "Sara Gallo", "channel": {"en": "API", "it": "API"}},
                                         link="/leads/1/", **kw)])
    return Notification.objects.filter(recipient=user).latest("id")


def test_only_the_recipient_may_read_or_mark_a_notification(rep, other_rep, api_as):
    mine = _note(rep)
    assert api_as(other_rep).get("/api/v1/notifications").json() == {"items": [], "unread": 0}
    assert api_as(other_rep).post(f"/api/v1/notifications/{mine.pk}/read").status_code == 404
    assert api_as(None).get("/api/v1/notifications").status_code == 401
    response = api_as(rep).post(f"/api/v1/notifications/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"]
    assert api_as(rep).get("/api/v1/notifications").json()["unread"] == 0


def test_mark_all_read_through_the_api(rep, other_rep, api_as):
    _note(rep, key="a"), _note(rep, key="b"), _note(other_rep)
    assert api_as(rep).post("/api/v1/notifications/read").json() == {"marked": 2}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_header_shows_the_unread_count_and_the_page_marks_read(rep, client_as):
    first, second = _note(rep, key="a"), _note(rep, key="b")
    client = client_as(rep)
    page = client.get("/leads/").content.decode()
    assert 'data-unread="2"' in page and "2 unread" in page
    listing = client.get("/notifications/").content.decode()
    assert "New information arrived on lead Sara Gallo from API." in listing
    response = client.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/leads/1/"
    assert 'data-unread="1"' in client.get("/leads/").content.decode()
    client.post("/notifications/read/")
    second.refresh_from_db()
    assert second.read_at is not None and 'data-unread' not in client.get("/leads/").content.decode()


def test_the_page_speaks_italian(rep, client_as):
    _note(rep)
    page = client_as(rep, language="it").get("/notifications/").content.decode()
    assert "Nuove informazioni sul lead Sara Gallo dal canale API." in page
    assert "Segna tutte come lette" in page and "1 non letta" in page


def test_another_users_notification_page_action_is_404(rep, other_rep, client_as):
    mine = _note(rep)
    assert client_as(other_rep).post(f"/notifications/{mine.pk}/read/").status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None
