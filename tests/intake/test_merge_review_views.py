"""The duplicate review queue: side by side, one-click merge or dismiss with htmx, merge inspection."""

import pytest
from django.test import Client
from django.urls import reverse

from imbuto.intake.models import DuplicateCandidate, LeadMerge
from imbuto.intake.pipeline import SourceRef, ingest
from tests.factories import LeadFactory

HTMX = {"HX-Request": "true"}


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pair(rep):
    a = LeadFactory(owner=rep, first_name="Gino", city="Parma", email="gino@example.it")
    b = LeadFactory(owner=rep, first_name="Gino", city="Modena", email="gino@example.it")
    return DuplicateCandidate.objects.create(lead=b, candidate=a, score=0.72, reasons={"first_name": "eq"})


def test_the_queue_shows_pairs_side_by_side_with_differences_marked(rep, pair):
    response = login(rep).get(reverse("intake:duplicates"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Parma" in html and "Modena" in html and 'class="differs"' in html
    assert reverse("intake:duplicate_merge", args=[pair.pk]) in html


def test_pairs_outside_scope_are_not_shown_or_actionable(other_rep, pair):
    client = login(other_rep)
    assert "Modena" not in client.get(reverse("intake:duplicates")).content.decode()
    assert client.post(reverse("intake:duplicate_merge", args=[pair.pk])).status_code == 404
    assert client.post(reverse("intake:duplicate_dismiss", args=[pair.pk])).status_code == 404


def test_one_click_merge_with_htmx_swaps_the_card(rep, pair):
    response = login(rep).post(reverse("intake:duplicate_merge", args=[pair.pk]), headers=HTMX)
    assert response.status_code == 200
    merge = LeadMerge.objects.get()
    assert f'id="pair-{pair.pk}"' in response.content.decode()
    assert reverse("intake:merge_detail", args=[merge.pk]) in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == "merged"


def test_merge_without_htmx_redirects_to_the_inspection_page(rep, pair):
    client = login(rep)
    response = client.post(reverse("intake:duplicate_merge", args=[pair.pk]))
    merge = LeadMerge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:merge_detail", args=[merge.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Parma" in page and "Modena" in page
    again = client.post(reverse("intake:duplicate_merge", args=[pair.pk]), headers={"HX-Request": "true"})
    assert again.status_code == 409


def test_dismiss_with_htmx(rep, pair):
    response = login(rep).post(reverse("intake:duplicate_dismiss", args=[pair.pk]), headers=HTMX)
    assert response.status_code == 200 and "not duplicates" in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == "dismissed"


def test_an_automatic_merge_can_be_inspected(admin):
    lead = LeadFactory(email="auto@example.com", city="Como")
    ingest([{"first_name": "A", "email": "auto@example.com", "city": "Lecco"}], actor=admin,
           source=SourceRef(kind="import", file_name="list.csv"), row_numbers=[4])
    merge = LeadMerge.objects.get(survivor=lead)
    page = login(admin).get(reverse("intake:merge_detail", args=[merge.pk])).content.decode()
    assert "Lecco" in page and "list.csv" in page
    listing = login(admin).get(reverse("intake:lead_merges", args=[lead.pk]))
    assert listing.status_code == 200
    assert reverse("intake:merge_detail", args=[merge.pk]) in listing.content.decode()


def test_anonymous_users_are_sent_to_login(db):
    assert Client().get(reverse("intake:duplicates")).status_code == 302


def test_the_lead_page_shows_sources_engagement_and_duplicates(rep, pair):
    from imbuto.intake.models import EngagementEvent

    [r] = ingest([{"first_name": "Gino", "email": "gino@example.it", "city": "Modena"}], actor=rep,
                 source=SourceRef(kind="import", file_name="fiera.csv"), row_numbers=[12])
    lead_id = r.lead_id
    EngagementEvent.objects.create(lead_id=lead_id, kind="content_view", content_ref="/v/demo")
    html = login(rep).get(reverse("leads:detail", args=[lead_id])).content.decode()
    assert "fiera.csv" in html and "/v/demo" in html
    assert reverse("intake:duplicate_merge", args=[pair.pk]) in html
