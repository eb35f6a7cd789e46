"""A real Chromium: a rep sees the unread count in the header, opens the notifications page, follows a
notification to the lead and marks the rest read; the header fits a phone's width."""

import pytest

from imbuto.notifications.messages import NEW_INFORMATION
from imbuto.notifications.services import Message, notifications_send
from tests.browser import chromium
from tests.factories import LeadFactory, TeamFactory, UserFactory
from tests.ui.test_browser import log_in, too_wide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(db):
    rita = UserFactory(username="rita", role="rep", team=TeamFactory(name="North", slug="north"))
    lead = LeadFactory(owner=rita, first_name="Sara", last_name="Gallo")
    params = {"lead_id": lead.pk, "lead": "Sara Gallo", "channel": {"en": "Web form", "it": "Modulo web"}}
    notifications_send(messages=[Message(recipient_id=rita.pk, code=NEW_INFORMATION, params=params,
                                         link=f"/leads/{lead.pk}/", key=f"k{i}") for i in range(2)])
    return rita, lead


@pytest.fixture
def browser(people):
    with chromium() as browser:
        yield browser


def test_a_rep_reads_notifications_in_a_real_browser(browser, live_server, people):
    _rita, lead = people
    page = browser.new_page()
    log_in(page, live_server.url)
    # the bar shows the count; the words are for screen readers (and the tooltip)
    assert page.locator(".notif-count").inner_text() == "2"
    assert page.get_by_role("link", name="Notifications 2 unread").count() == 1
    page.click(".notif-bell")
    assert page.locator(".notification.unread").count() == 2
    assert "New information arrived on lead Sara Gallo from Web form." in page.content()
    page.locator(".notification").first.locator("button[name=open]").click()
    page.wait_for_url(f"**/leads/{lead.pk}/")
    assert page.locator(".notif-count").inner_text() == "1"
    page.click(".notif-bell")
    page.click("#read-all")
    page.wait_for_load_state()
    assert page.locator(".notif-count").count() == 0 and page.locator(".notification.unread").count() == 0


def test_the_header_with_the_bell_fits_a_phone(browser, live_server, people):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    log_in(page, live_server.url)
    page.click("[data-toggle-nav]")
    assert page.locator(".notif-bell").is_visible()
    assert too_wide(page) == []
