"""The lead list's tools in the UI: total count, previous page, sorting by owner, temperature and
channel, export buttons, bulk actions with a summary, saved views; account and contact exports."""

import csv
import io

import pytest

from imbuto.leads.models import Lead, SavedView
from tests.factories import LeadFactory, UserFactory, channel

pytestmark = pytest.mark.django_db
URL = "/leads/"


def csv_rows(response, sep):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=sep))


def test_the_list_shows_the_total_of_the_filtered_set(client_as, admin, rep):
    for i in range(3):
        LeadFactory(owner=rep, temperature="hot", last_name=f"Caldo{i}")
    LeadFactory(owner=rep, temperature="cold")
    page = client_as(admin).get(URL, {"temperature": "hot"})
    assert page.context["total"] == 3
    assert b"3 leads" in page.content
    page = client_as(admin, "it").get(URL, {"temperature": "hot"})
    assert "3 lead" in page.content.decode()


def test_the_list_goes_back_as_well_as_forward(client_as, admin, rep, settings, monkeypatch):
    from imbuto.leads import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(5):
        LeadFactory(owner=rep, last_name=f"N{i}")
    client = client_as(admin)
    first = client.get(URL, {"ordering": "last_name"})
    assert [ld.last_name for ld in first.context["leads"]] == ["N0", "N1"]
    assert first.context["previous_cursor"] is None
    second = client.get(URL, {"ordering": "last_name", "cursor": first.context["next_cursor"]})
    assert [ld.last_name for ld in second.context["leads"]] == ["N2", "N3"]
    assert b'rel="prev"' in second.content
    back = client.get(URL, {"ordering": "last_name", "before": second.context["previous_cursor"]})
    assert [ld.last_name for ld in back.context["leads"]] == ["N0", "N1"]
    assert back.context["previous_cursor"] is None and back.context["next_cursor"]


@pytest.mark.parametrize("ordering,expected", [
    ("owner", ["Nessuno", "Alba", "Zeta"]),
    ("-temperature", ["Alba", "Zeta", "Nessuno"]),
    ("channel", ["Nessuno", "Zeta", "Alba"]),
])
def test_the_list_sorts_by_owner_temperature_and_channel(client_as, admin, ordering, expected):
    alba = UserFactory(username="alba", role="rep")
    zeta = UserFactory(username="zeta", role="rep")
    LeadFactory(owner=alba, last_name="Alba", temperature="hot", channel=channel("webinar"))
    LeadFactory(owner=zeta, last_name="Zeta", temperature="warm", channel=channel("referral"))
    LeadFactory(owner=None, last_name="Nessuno", temperature="cold", channel=None)
    page = client_as(admin).get(URL, {"ordering": ordering})
    assert [ld.last_name for ld in page.context["leads"]] == expected


def test_the_export_button_carries_the_filters_and_italian_gets_semicolons(client_as, admin, rep):
    LeadFactory(owner=rep, temperature="hot", last_name="Caldi", company_name="-2+3")
    LeadFactory(owner=rep, temperature="cold", last_name="Freddi")
    page = client_as(admin, "it").get(URL, {"temperature": "hot"})
    assert b"/leads/export/?format=csv&amp;temperature=hot" in page.content
    response = client_as(admin, "it").get("/leads/export/", {"format": "csv", "temperature": "hot"})
    rows = csv_rows(response, ";")
    assert rows[0][2] == "Cognome"
    assert [r[2] for r in rows[1:]] == ["Caldi"]
    assert rows[1][5] == "'-2+3"
    rows = csv_rows(client_as(admin).get("/leads/export/", {"format": "csv"}), ",")
    assert len(rows) == 3


def test_account_and_contact_exports(client_as, admin):
    from tests.factories import AccountFactory, ContactFactory

    AccountFactory(name="Rossi Srl")
    ContactFactory(last_name="Bianchi")
    assert csv_rows(client_as(admin).get("/accounts/export/", {"format": "csv"}), ",")[1][1] == "Rossi Srl"
    assert csv_rows(client_as(admin).get("/contacts/export/", {"format": "csv"}), ",")[1][2] == "Bianchi"
    assert client_as(admin).get("/accounts/").content.count(b"/accounts/export/") == 2


def test_a_manager_bulk_assigns_ticked_rows_and_sees_what_was_refused(client_as, manager, north, rep):
    mate = UserFactory(username="nino", role="rep", team=north)
    a = LeadFactory(owner=rep)
    b = LeadFactory(owner=rep)
    client = client_as(manager)
    response = client.post("/leads/bulk/", {"action": "assign", "assignee": f"user:{mate.pk}",
                                            "ids": [a.pk, b.pk], "query": "temperature=hot"}, follow=True)
    assert response.redirect_chain[-1][0] == "/leads/?temperature=hot"
    assert "2 leads changed." in [str(m) for m in response.context["messages"]]
    assert set(Lead.objects.filter(owner=mate).values_list("pk", flat=True)) == {a.pk, b.pk}


def test_bulk_discard_all_matching_with_refusals_named(client_as, marketer, rep):
    a = LeadFactory(owner=rep, stage="lead", temperature="cold")
    b = LeadFactory(owner=rep, stage="sql", temperature="cold")  # past marketing: refused
    LeadFactory(owner=rep, stage="lead", temperature="hot")  # not matching
    response = client_as(marketer, "it").post(
        "/leads/bulk/", {"action": "discard", "reason": "spam", "all_matching": "on",
                         "query": "temperature=cold"}, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert texts[0] == "1 lead modificato; 1 rifiutato."
    assert texts[1].startswith(f"Lead #{b.pk}:")
    assert Lead.objects.get(pk=a.pk).stage == "discarded"
    assert Lead.objects.get(pk=b.pk).stage == "sql"
    assert Lead.objects.filter(stage="discarded").count() == 1


def test_bulk_without_a_selection_or_a_reason_changes_nothing(client_as, admin, rep):
    a = LeadFactory(owner=rep)
    response = client_as(admin).post("/leads/bulk/", {"action": "discard", "ids": [a.pk]}, follow=True)
    assert any("Required" in str(m) for m in response.context["messages"])
    response = client_as(admin).post("/leads/bulk/", {"action": "discard", "reason": "spam"}, follow=True)
    assert any("Tick the leads" in str(m) for m in response.context["messages"])
    assert Lead.objects.get(pk=a.pk).stage != "discarded"


def test_saved_views_are_per_user_and_keep_only_filters(client_as, admin, rep):
    client = client_as(rep)
    response = client.post("/leads/views/", {"name": "Caldi", "query": "temperature=hot&evil=1&cursor=x"})
    assert response["Location"] == "/leads/?temperature=hot"
    view = SavedView.objects.get(owner=rep)
    assert view.query == "temperature=hot"
    assert b"Caldi" in client.get(URL).content
    assert b"Caldi" not in client_as(admin).get(URL).content
    assert client_as(admin).post(f"/leads/views/{view.pk}/delete/").status_code == 404
    client.post(f"/leads/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_phones_read_in_the_national_format_and_call_on_tap(client_as, admin, rep, settings):
    settings.IMBUTO_DEFAULT_REGION = "IT"
    lead = LeadFactory(owner=rep, phone="+390212345678", email="a@b.it")
    foreign = LeadFactory(owner=rep, phone="+442071234567")
    page = client_as(admin).get(f"/leads/{lead.pk}/").content.decode()
    assert '<a href="tel:+390212345678">02 1234 5678</a>' in page
    assert 'id="contact-quick"' in page and page.index('id="contact-quick"') < page.index("stage-panel")
    page = client_as(admin).get(f"/leads/{foreign.pk}/").content.decode()
    assert '<a href="tel:+442071234567">+44 20 7123 4567</a>' in page


def test_a_phone_that_is_not_a_number_is_not_linked(client_as, admin, rep):
    lead = LeadFactory(owner=rep, phone="chiedere in portineria")
    page = client_as(admin).get(f"/leads/{lead.pk}/").content.decode()
    assert "chiedere in portineria" in page and 'href="tel:' not in page


def test_the_timeline_names_a_bulk_change_in_the_readers_language(client_as, admin, rep):
    lead = LeadFactory(owner=rep)
    client_as(admin).post("/leads/bulk/", {"action": "assign", "assignee": f"user:{admin.pk}",
                                           "ids": [lead.pk]})
    page = client_as(admin, "it").get(f"/leads/{lead.pk}/").content.decode()
    assert "Azione multipla" in page and "“bulk”" not in page
