"""The deal page's edit form: the same service as PATCH /api/v1/deals/{id} (history, version), Italian
numbers, a stale version told plainly with the person's input kept, owners offered only as the
policy allows, products with their quantities, and refusals for whoever may not change the deal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from imbuto.core.history import history_of
from imbuto.deals import policies, selectors, services
from imbuto.deals.models import Deal, Product
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db




@pytest.fixture
def deal(rep):
    return services.deal_create(actor=rep, data={"name": "Impianto Nord", "amount": Decimal(5000)})


def form_data(deal, **changes):
    data = {
        "version": deal.version,
        "name": deal.name,
        "amount": "" if deal.amount is None else str(deal.amount),
        "expected_close": deal.expected_close.isoformat() if deal.expected_close else "",
        "probability": "" if deal.probability is None else deal.probability,
        "owner": deal.owner_id or "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": "",
        "lines-0-description": "",
        "lines-0-quantity": "",
        "lines-0-unit_price": "",
    }
    data.update(changes)
    return data


def url(deal):
    return f"/deals/{deal.pk}/edit/"


def test_a_rep_edits_her_deal_in_italian(client_as, rep, deal):
    page = client_as(rep, "it").get(f"/deals/{deal.pk}/")
    assert 'id="deal-edit-button"' in page.content.decode() and "Modifica" in page.content.decode()
    client = client_as(rep, "it")
    r = client.post(
        url(deal),
        form_data(
            deal, name="Impianto Nord e Sud", amount="12.500,50", expected_close="2027-03-31",
            probability="35",
        ),
    )
    assert r.status_code == 302 and r["Location"] == f"/deals/{deal.pk}/"
    deal.refresh_from_db()
    assert (deal.name, deal.amount, deal.expected_close, deal.probability, deal.version) == (
        "Impianto Nord e Sud",
        Decimal("12500.50"),
        dt.date(2027, 3, 31),
        35,
        2,
    )
    entry = history_of(deal).order_by("-at", "-id").first()
    assert entry.action == "updated" and entry.actor == rep
    assert set(entry.changes) == {"name", "amount", "expected_close", "probability"}
    html = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "Modifiche salvate" in html and "12.500,50" in html
    assert "Nome, Importo, Chiusura prevista, Probabilità (%)" in html  # the history says what changed


def test_htmx_gets_the_form_in_place_and_a_redirect_when_saved(client_as, htmx, rep, deal):
    client = client_as(rep, "it")
    fragment = client.get(url(deal), headers=htmx).content.decode()
    assert fragment.lstrip().startswith('<div id="deal-summary">') and "<html" not in fragment
    assert f'hx-post="/deals/{deal.pk}/edit/"' in fragment and "Salva le modifiche" in fragment
    r = client.post(url(deal), form_data(deal, amount="7000"), headers=htmx)
    assert r.status_code == 204 and r["HX-Redirect"] == f"/deals/{deal.pk}/"
    assert Deal.objects.get(pk=deal.pk).amount == 7000


def test_a_stale_version_is_told_and_nothing_is_overwritten(client_as, htmx, rep, manager, deal):
    seen = form_data(deal, name="Impianto Nord (rita)")
    services.deal_move(actor=manager, deal=deal, stage="proposal", version=1)  # meanwhile: version 2
    r = client_as(rep, "it").post(url(deal), seen, headers=htmx)
    assert r.status_code == 409
    html = r.content.decode()
    assert 'id="deal-edit-conflict"' in html and "Qualcun altro ha modificato" in html
    assert 'value="Impianto Nord (rita)"' in html  # her input is kept, to copy over after reloading
    assert "Ricarica la trattativa" in html
    deal.refresh_from_db()
    assert deal.name == "Impianto Nord" and deal.version == 2
    english = client_as(rep).post(url(deal), seen).content.decode()
    assert "Someone else changed this deal meanwhile" in english and "Reload the deal" in english


def test_who_may_not_change_the_deal_sees_no_form_and_gets_403(client_as, htmx, deal, marketer, other_rep):
    page = client_as(marketer).get(f"/deals/{deal.pk}/")
    assert page.status_code == 200 and 'id="deal-edit-button"' not in page.content.decode()
    assert client_as(marketer).get(url(deal)).status_code == 403
    assert client_as(marketer).post(url(deal), form_data(deal, name="Mine now")).status_code == 403
    r = client_as(marketer).post(url(deal), form_data(deal, name="Mine now"), headers=htmx)
    assert r.status_code == 403 and r["HX-Retarget"] == "#flash"
    assert client_as(other_rep).post(url(deal), form_data(deal, name="Mine now")).status_code == 404
    assert Deal.objects.get(pk=deal.pk).name == "Impianto Nord"


def test_owners_offered_are_those_the_policy_allows(
    client_as, admin, manager, rep, other_rep, marketer, deal
):
    north_rep = UserFactory(username="nina", role="rep", team=rep.team)
    everyone = [admin, manager, rep, other_rep, marketer, north_rep]
    for user in everyone:  # one rule: the choices are exactly whom the service accepts
        offered = {u.pk for u in selectors.owner_choices(user)}
        assert offered == {u.pk for u in everyone if policies.may_give_deal(user, u)}, user.username
    assert {u.username for u in selectors.owner_choices(manager)} == {"mara", "rita", "nina"}
    html = client_as(rep).get(url(deal)).content.decode()
    assert f'value="{rep.pk}"' in html and f'value="{other_rep.pk}"' not in html and "Nobody" not in html
    assert "Nobody" in client_as(admin).get(url(deal)).content.decode()
    # a rep giving her deal away: not a choice (422), and nothing changes
    r = client_as(rep).post(url(deal), form_data(deal, owner=other_rep.pk))
    assert r.status_code == 422 and Deal.objects.get(pk=deal.pk).owner == rep
    # a manager hands it to someone of the team; the deal's team follows the owner
    r = client_as(manager).post(url(deal), form_data(deal, owner=north_rep.pk))
    assert r.status_code == 302 and Deal.objects.get(pk=deal.pk).owner == north_rep


def test_products_lines_and_the_amount_they_make(client_as, rep, deal):
    mes = Product.objects.create(code="MES", name="MES", unit_price=1000)
    client = client_as(rep, "it")
    data = form_data(deal, **{"lines-0-product": mes.pk, "lines-0-quantity": "2,5"})
    assert client.post(url(deal), data).status_code == 302
    deal.refresh_from_db()
    line = deal.lines.get()
    assert (line.product, line.quantity, line.unit_price) == (mes, Decimal("2.5"), 1000)
    assert deal.amount == 2500  # the amount was left alone: the products' total
    # the line is shown in the form; removing it leaves the amount given
    html = client.get(url(deal)).content.decode()
    assert 'name="lines-0-DELETE"' in html and 'value="2,5"' in html and 'value="1000,00"' in html
    assert 'name="amount" value="2500,00"' in html
    data = form_data(
        deal,
        amount="2000",
        **{
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "1",
            "lines-0-product": mes.pk,
            "lines-0-quantity": "2.5",
            "lines-0-unit_price": "1000.00",
            "lines-0-DELETE": "on",
            "lines-1-product": "",
        },
    )
    data.update({"lines-1-description": "", "lines-1-quantity": "", "lines-1-unit_price": ""})
    assert client.post(url(deal), data).status_code == 302
    deal.refresh_from_db()
    assert deal.lines.count() == 0 and deal.amount == 2000


def test_unchanged_lines_and_values_write_nothing(client_as, rep, deal):
    assert client_as(rep).post(url(deal), form_data(deal)).status_code == 302
    deal.refresh_from_db()
    assert deal.version == 1 and history_of(deal).count() == 1  # only "created"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "This field is required."),
        ({"amount": "-5"}, "amount", "Negative."),
        ({"amount": "dodici"}, "amount", "Not a number."),
        ({"probability": "140"}, "probability", "Ensure this value is less than or equal to 100."),
        ({"lines-0-quantity": "0", "lines-0-description": "Setup"}, None, "positive quantity"),
    ],
)
def test_bad_input_is_a_422_with_the_reason(client_as, rep, deal, changes, field, message):
    r = client_as(rep).post(url(deal), form_data(deal, **changes))
    assert r.status_code == 422
    assert message in r.content.decode()
    if field:
        assert r.context["form"].errors.get(field), r.context["form"].errors
    assert Deal.objects.get(pk=deal.pk).version == 1


@pytest.mark.parametrize(
    "junk",
    [
        {"version": "x"},
        {"version": "99999999999999999999"},
        {"owner": "abc"},
        {"owner": "99999999999999999999"},
        {"amount": "NaN"},
        {"amount": "1e999999"},
        {"amount": "12,34,56"},
        {"expected_close": "2027-13-45"},
        {"probability": "1e9"},
        {"lines-TOTAL_FORMS": "abc"},
        {"lines-TOTAL_FORMS": "100000"},
        {"lines-0-product": "abc"},
        {"lines-0-product": "99999", "lines-0-quantity": "1"},
        {"lines-0-description": "x" * 201},
    ],
)
def test_junk_is_refused_with_422_never_500(client_as, rep, deal, junk):
    r = client_as(rep).post(url(deal), form_data(deal, **junk))
    assert r.status_code == 422, junk
    assert Deal.objects.get(pk=deal.pk).version == 1
