"""Search finds a company whatever the spelling of its legal form."""

import pytest

from imbuto.leads import selectors
from imbuto.leads.search_words import search_words
from tests.factories import AccountFactory, LeadFactory


@pytest.mark.parametrize("text,words", [
    ("Rossi srls", ["Rossi"]),
    ("Rossi S.r.l.s.", ["Rossi"]),
    ("ROSSI S. R. L. S.", ["ROSSI"]),
    ("Verdi S.p.A.", ["Verdi"]),
    ("Bianchi & C. snc", ["Bianchi", "&", "C."]),
    ("srl", ["srl"]),
    ("A. B. Rossi", ["A.", "B.", "Rossi"]),
])
def test_legal_forms_are_left_out_of_the_words(text, words):
    assert search_words(text) == words


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["ferri srls", "Ferri S.r.l.s.", "ferri srl", "FERRI S.R.L."])
def test_a_lead_and_an_account_are_found_whatever_the_legal_form(admin, typed):
    lead = LeadFactory(company_name="Ferri S.r.l.s.", first_name="Ugo", last_name="Neri", email="ugo@neri.it")
    LeadFactory(company_name="Verdi S.p.A.", first_name="Ada", last_name="Bruni", email="ada@verdi.it")
    assert [ld.pk for ld in selectors.lead_list(admin, {"search": typed}).items] == [lead.pk]
    account = AccountFactory(name="Ferri S.r.l.s.")
    from imbuto.leads.account_selectors import account_search

    assert list(account_search(admin, typed)) == [account]


@pytest.mark.django_db
def test_spa_finds_the_s_p_a(admin):
    lead = LeadFactory(company_name="Verdi S.p.A.")
    assert [ld.pk for ld in selectors.lead_list(admin, {"search": "verdi spa"}).items] == [lead.pk]
