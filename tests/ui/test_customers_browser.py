"""A rep on a desktop, in English, in a real Chromium, on a customer account's page: records an NPS
answer, reports a problem and sends on a referral the customer's contact gave; each form returns to
its panel with a message and the new row in it."""

import pytest
from playwright.sync_api import expect

from imbuto.customers.models import Feedback, Problem
from imbuto.leads.models import Lead
from tests.browser import chromium
from tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory

from .test_browser import too_wide
from .test_daily_bugs_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def account(db):
    rita = UserFactory(username="rita", role="rep", team=TeamFactory(name="North", slug="north"),
                       first_name="Rita", last_name="Rossi")
    account = AccountFactory(name="Officine Verdi Srl", owner=rita, is_customer=True)
    ContactFactory(account=account, owner=rita, first_name="Ugo", last_name="Verdi")
    return account


@pytest.fixture
def browser(account):
    with chromium() as b:
        yield b


def test_a_rep_records_feedback_a_problem_and_a_referral(browser, live_server, account):
    page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(30_000)
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    contact = account.contacts.get()

    page.locator("#customer-feedback summary", has_text="Record feedback").click()
    expect(page.locator("#fb-score")).to_have_value("")  # nothing preselected
    page.select_option("#fb-score", "9")
    page.fill("#fb-comment", "Quick delivery, friendly people.")
    page.select_option("#fb-contact", str(contact.pk))
    page.click("#feedback-form button[type=submit]")
    expect(page.locator("#flash")).to_contain_text("Feedback recorded.")
    expect(page.locator("#customer-feedback")).to_contain_text("9/10")
    expect(page.locator("#customer-feedback")).to_contain_text("Quick delivery, friendly people.")

    page.locator("#customer-problems summary", has_text="Report a problem").click()
    page.fill("#pb-title", "Invoice sent twice")
    page.click("#problem-form button[type=submit]")
    expect(page.locator("#flash")).to_contain_text("Problem recorded.")
    problems = page.locator("#customer-problems")
    expect(problems.locator("h2")).to_contain_text("1 open")
    expect(problems).to_contain_text("Invoice sent twice")

    page.locator("#customer-referrals summary", has_text="Record a referral").click()
    page.fill("#rf-first_name", "Anna")
    page.fill("#rf-last_name", "Neri")
    page.fill("#rf-email", "anna@nerisistemi.it")
    page.fill("#rf-company_name", "Neri Sistemi Srl")
    page.select_option("#rf-contact", str(contact.pk))
    page.click("#referral-form button[type=submit]")
    expect(page.locator("#flash")).to_contain_text("Referral recorded: Anna Neri is a new lead.")
    expect(page.locator("#customer-referrals")).to_contain_text("1 person referred by this account.")
    expect(page.locator("#customer-referrals")).to_contain_text("by Ugo Verdi")
    assert too_wide(page) == []
    shot(page, "customer-account-rep-en-1280")

    feedback = Feedback.objects.get(account=account)
    assert (feedback.score, feedback.contact_id) == (9, contact.pk)
    assert Problem.objects.get(account=account).status == "open"
    referred = Lead.objects.get(email="anna@nerisistemi.it")
    assert (referred.referrer_account_id, referred.referrer_contact_id, referred.channel.slug) == (
        account.pk, contact.pk, "referral")
