"""A marketer on a 390 px phone, in Italian, in a real Chromium: opens Nurturing from the folded menu,
writes an email template, makes a sequence with that email as its step, and enrols a lead from the
lead's page. Each page fits the phone's width and says it in Italian."""

import pytest
from playwright.sync_api import expect

from imbuto.nurture.models import EmailTemplate, Enrolment, Sequence
from tests.browser import chromium
from tests.factories import LeadFactory, TeamFactory, UserFactory

from .test_browser import too_wide
from .test_daily_bugs_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead(db):
    UserFactory(username="marta", role="marketer", first_name="Marta", last_name="Galli")
    rita = UserFactory(username="rita", role="rep", team=TeamFactory(name="Nord", slug="nord"))
    return LeadFactory(owner=rita, stage="mql", first_name="Ugo", last_name="Verdi",
                       email="ugo@officineverdi.it", company_name="Officine Verdi Srl",
                       consent_basis="consent")


@pytest.fixture
def browser(lead):
    with chromium() as b:
        yield b


def test_a_marketer_writes_a_template_makes_a_sequence_and_enrols_a_lead(browser, live_server, lead):
    page = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(30_000)
    log_in(page, live_server.url, "marta")
    page.click("[data-toggle-nav]")
    page.locator("summary", has_text="Marketing").click()
    page.get_by_role("link", name="Nurturing").click()
    page.wait_for_url("**/nurture/")

    page.get_by_role("link", name="Modelli email").click()
    page.get_by_role("link", name="Nuovo modello").click()
    expect(page.locator("#template-form")).to_contain_text("(nome)")  # merge fields explained
    page.fill("#id_name", "Benvenuto in fiera")
    page.fill("#id_subject", "{{ first_name }}, grazie della visita")
    page.fill("#id_body", "Buongiorno {{ first_name }},\n\na presto.\n\n{{ unsubscribe_url }}")
    page.click("#template-form button[type=submit]")
    expect(page.locator("#flash")).to_contain_text("Modello salvato.")
    template = EmailTemplate.objects.get(name="Benvenuto in fiera")

    page.goto(f"{live_server.url}/nurture/")
    page.fill("#id_name", "Dopo la fiera")
    page.select_option("#id_rule", "")  # by hand only
    page.click("#sequence-form button[type=submit]")
    expect(page.locator("#flash")).to_contain_text("Sequenza creata")
    page.select_option("#id_kind", "wait")
    expect(page.locator("#id_days")).to_be_visible()
    expect(page.locator("#id_template")).to_be_hidden()  # a step shows only the fields its kind uses
    page.select_option("#id_kind", "email")
    expect(page.locator("#id_days")).to_be_hidden()
    page.select_option("#id_template", str(template.pk))
    page.click("#step-form button[type=submit]")
    expect(page.locator("#flash")).to_contain_text("Passi salvati.")
    expect(page.locator("#nurture-steps")).to_contain_text("Invia un'email: Benvenuto in fiera")
    assert too_wide(page) == []
    shot(page, "nurture-sequence-marketer-it-390")
    sequence = Sequence.objects.get(name="Dopo la fiera")

    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    page.select_option("#nurture-sequence", str(sequence.pk))
    page.click("#nurture-enrol-form button[type=submit]")
    expect(page.locator("#flash")).to_contain_text("Iscritto a Dopo la fiera.")
    panel = page.locator("#lead-nurture")
    expect(panel).to_contain_text("Dopo la fiera · Attivo")
    expect(page.locator("#nurture-enrol-form")).to_have_count(0)  # no other sequence to offer
    assert too_wide(page) == []
    shot(page, "nurture-lead-enrolled-marketer-it-390")
    enrolment = Enrolment.objects.get(lead=lead)
    assert (enrolment.sequence_id, enrolment.state) == (sequence.pk, "active")
