"""Web forms and imports may name a default owner or team for the leads they create (issue 10,
item 4); without one, the leads wait in the unassigned queue every manager sees."""

import time

import pytest
from django.core.cache import cache

from imbuto.core.errors import ValidationFailed
from imbuto.intake.capture import services as capture
from imbuto.intake.capture import spam
from imbuto.intake.importing import runner
from imbuto.intake.models import WebForm
from imbuto.leads.models import Lead
from tests.factories import channel
from tests.intake.test_import_runner import make_csv, people

pytestmark = pytest.mark.django_db
SHOP = "https://shop.example.com"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()



def _form(**extra):
    return WebForm.objects.create(name="Contact us", channel=channel("web-form"), allowed_origins=SHOP,
                                  fields=[{"name": "email", "required": True}], min_fill_seconds=0,
                                  **extra)


def _submit(client, form, email):
    data = {"email": email, "consent": "1",
            spam.TOKEN_FIELD: spam.issue_token(form.key, now=time.time() - 10)}
    response = client.post(f"/f/{form.key}", data, headers={"Origin": SHOP})
    assert response.status_code in (200, 201, 302), response.content.decode()[-1500:]
    return Lead.objects.get(email=email)


def test_a_form_without_default_leaves_the_lead_to_the_queue(client, client_as, manager):
    lead = _submit(client, _form(), "nobody@example.com")
    assert (lead.owner_id, lead.team_id) == (None, None)
    assert f'href="/leads/{lead.pk}/"' in client_as(manager).get("/leads/unassigned/").content.decode()
    assert client_as(manager).get(f"/leads/{lead.pk}/").status_code == 200


def test_a_form_with_a_default_owner_gives_the_lead_to_them(client, rep):
    lead = _submit(client, _form(default_owner=rep), "owned@example.com")
    assert (lead.owner_id, lead.team_id) == (rep.pk, rep.team_id)


def test_a_form_with_a_default_team_puts_the_lead_in_that_team_queue(client, client_as, manager, north,
                                                                      other_rep):
    lead = _submit(client, _form(default_team=north), "team@example.com")
    assert (lead.owner_id, lead.team_id) == (None, north.pk)
    assert f'href="/leads/{lead.pk}/"' in client_as(manager).get("/leads/unassigned/").content.decode()


def test_a_manager_may_not_name_another_teams_rep_or_team(manager, other_rep, south):
    data = {"name": "F", "channel": channel("web-form"), "fields": [{"name": "email"}]}
    with pytest.raises(ValidationFailed):
        capture.webform_save(actor=manager, data={**data, "default_owner": other_rep})
    with pytest.raises(ValidationFailed):
        capture.webform_save(actor=manager, data={**data, "default_team": south})


def test_the_form_settings_page_offers_the_defaults(client_as, admin):
    body = client_as(admin).get("/forms/new/").content.decode()
    assert 'name="default_owner"' in body and 'name="default_team"' in body


def test_an_import_with_a_default_owner_gives_its_leads_to_them(tmp_path, rep):
    path = make_csv(tmp_path, "list.csv", people(3))
    camp, chan = runner.import_target(actor=None, campaign_name="Fiera", channel_slug="")
    job = runner.job_create(actor=None, path=path, campaign=camp, channel=chan, default_owner=rep)
    runner.job_run(job, actor=None)
    assert set(Lead.objects.values_list("owner_id", flat=True)) == {rep.pk}
