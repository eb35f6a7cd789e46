"""A lead page names another lead only to who may see it (issue 8, finding 8), and a merged lead shows
where it went instead of stage buttons and Edit (issue 10, item 8)."""

import pytest

from imbuto.core.errors import Conflict
from imbuto.intake import services as intake_services
from imbuto.leads import services as lead_services
from imbuto.leads.models import Lead
from tests.api.conftest import assert_error
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(admin, rep, other_rep):
    """Rita's lead merged by an admin into Remo's (another team): (survivor, merged)."""
    survivor = LeadFactory(owner=other_rep, first_name="Sergio", last_name="Segreto",
                           email="sergio.segreto@example.com", company_name="Segreto Srl")
    gone = LeadFactory(owner=rep, first_name="Gina", last_name="Mia", email="gina@example.it")
    intake_services.lead_merge(actor=admin, survivor=survivor, merged=gone, reason="same person")
    gone.refresh_from_db()
    return survivor, gone


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_a_merged_lead_names_a_survivor_out_of_scope_only_by_its_id(request, client_as, merged, who):
    survivor, gone = merged
    html = _html(client_as(request.getfixturevalue(who)).get(f"/leads/{gone.pk}/"))
    assert f"#{survivor.pk}" in html
    assert f'href="/leads/{survivor.pk}/"' not in html
    for secret in ("Sergio", "Segreto", "sergio.segreto"):
        assert secret not in html, secret      # neither in the banner nor in the timeline


def test_a_merged_lead_links_to_a_survivor_in_scope_by_its_name(client_as, admin, merged):
    survivor, gone = merged
    html = _html(client_as(admin).get(f"/leads/{gone.pk}/"))
    assert f'<a href="/leads/{survivor.pk}/">Sergio Segreto</a>' in html


@pytest.mark.parametrize("who", ["rep", "admin"])
def test_a_merged_lead_shows_where_it_went_instead_of_moves_and_edit(request, client_as, merged, who):
    survivor, gone = merged
    html = _html(client_as(request.getfixturevalue(who)).get(f"/leads/{gone.pk}/"))
    assert f'href="/leads/{gone.pk}/edit/"' not in html
    assert 'class="button move"' not in html and "Discard…" not in html and "Park…" not in html
    assert 'id="merged-into-stage"' in html
    if who == "admin":  # the survivor itself still offers them to who may change it
        survivor_html = _html(client_as(request.getfixturevalue(who)).get(f"/leads/{survivor.pk}/"))
        assert 'class="button move"' in survivor_html
        assert f'href="/leads/{survivor.pk}/edit/"' in survivor_html


def test_a_merged_lead_cannot_be_edited_by_any_way_in(client_as, api_as, rep, merged):
    survivor, gone = merged
    response = client_as(rep).get(f"/leads/{gone.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/leads/{gone.pk}/"
    posted = client_as(rep).post(f"/leads/{gone.pk}/edit/", {"last_name": "Changed",
                                                              "purchase_timeframe": "unknown"})
    assert posted.status_code == 302
    assert_error(api_as(rep).patch(f"/api/v1/leads/{gone.pk}", {"city": "Roma"}), 409, "conflict")
    with pytest.raises(Conflict):
        lead_services.lead_update(actor=rep, lead=gone, values={"city": "Roma"})
    assert Lead.objects.get(pk=gone.pk).last_name == "Mia"


def test_the_merged_into_timeline_entry_is_translated(client_as, rep, merged):
    survivor, gone = merged
    html = _html(client_as(rep, "it").get(f"/leads/{gone.pk}/"))
    assert "Merged into" not in html and f"#{survivor.pk}" in html


def test_a_referring_lead_out_of_scope_is_shown_by_its_id_only(client_as, admin, rep, other_rep):
    referrer = LeadFactory(owner=other_rep, first_name="Renato", last_name="Riservato")
    lead = LeadFactory(owner=rep, first_name="Lia", last_name="Nuova")
    intake_services.referral_record(actor=admin, lead=lead, referrer_lead=referrer)
    html = _html(client_as(rep).get(f"/leads/{lead.pk}/"))
    assert "Riservato" not in html and "Renato" not in html
    assert f"#{referrer.pk}" in html and f'href="/leads/{referrer.pk}/"' not in html
    admin_html = _html(client_as(admin).get(f"/leads/{lead.pk}/"))
    assert f'<a href="/leads/{referrer.pk}/">Renato Riservato</a>' in admin_html


def test_a_possible_duplicate_out_of_scope_is_not_shown(client_as, rep, other_rep):
    from imbuto.intake.models import DuplicateCandidate

    mine = LeadFactory(owner=rep, first_name="Dino", last_name="Doppio")
    theirs = LeadFactory(owner=other_rep, first_name="Dina", last_name="Doppia")
    DuplicateCandidate.objects.create(lead=mine, candidate=theirs, score=0.8)
    html = _html(client_as(rep).get(f"/leads/{mine.pk}/"))
    assert "Doppia" not in html and 'id="lead-duplicates"' not in html
