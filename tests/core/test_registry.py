"""core.registry: what lower apps show or ask of the apps above them, filled in each app's ready().

The lead page shows intake's panels, the navigation intake's pages, and the API mounts every app's
router, without leads, core or the base template naming intake (issue 9 section 4)."""

import pytest
from django.urls import reverse

from imbuto.core import registry
from imbuto.core.registry import Hook, Slot, Unavailable
from imbuto.intake.models import LeadSource
from imbuto.leads import extensions as leads_extensions


def test_a_slot_lists_by_order_then_by_arrival_and_keeps_one_of_each():
    slot: Slot[str] = Slot("test")
    slot.add("late", order=200)
    slot.add("first")
    slot.add("second")
    slot.add("first")  # a ready() run twice adds nothing
    slot.add("early", order=1)
    assert list(slot) == ["early", "first", "second", "late"]


def test_a_hook_nobody_provides_says_so():
    hook: Hook = Hook("nothing")
    assert not hook.available
    with pytest.raises(Unavailable, match="nothing"):
        hook.func()
    hook.provide(len)
    assert hook.func("abc") == 3


def test_the_installed_apps_fill_the_slots_in_their_ready():
    assert [r.module for r in registry.API_ROUTERS] == [
        "imbuto.leads.api", "imbuto.users.api", "imbuto.intake.api", "imbuto.notifications.api",
        "imbuto.routing.api", "imbuto.scoring.api", "imbuto.sla.api", "imbuto.prediction.api",
        "imbuto.deals.api", "imbuto.activities.api", "imbuto.customers.api", "imbuto.nurture.api",
        "imbuto.analytics.api"]
    assert [e.url_name for e in registry.NAV] == [
        "activities:my_day", "analytics:dashboard", "leads:list", "leads:unassigned", "deals:board",
        "sla:reps", "leads:account_list",
        "leads:contact_list", "customers:overview",
        "intake:duplicates", "intake:imports", "intake:chat_list", "intake:form_list", "scoring:rules",
        "nurture:sequences", "routing:overview", "users:user_list"]
    assert {e.url_name: e.group for e in registry.NAV if e.group} == {
        "intake:duplicates": "intake", "intake:imports": "intake", "intake:chat_list": "intake",
        "intake:form_list": "intake", "scoring:rules": "marketing", "routing:overview": "settings",
        "users:user_list": "settings", "customers:overview": "sales",
        "leads:account_list": "sales", "leads:contact_list": "sales", "nurture:sequences": "marketing"}
    assert [p.template for p in registry.panels("lead_detail")] == [
        "deals/panels/lead_convert.html", "deals/panels/lead_win_back.html", "sla/panels/lead_clock.html",
        "activities/panels/lead_detail.html",
        "prediction/panels/lead_prediction.html",
        "intake/panels/lead_sources.html", "intake/panels/lead_engagement.html",
        "intake/panels/lead_duplicates.html", "intake/capture/_lead_chats.html",
        "scoring/panels/lead_score.html", "routing/panels/lead_routing.html",
        "nurture/panels/lead_nurture.html"]
    assert [p.template for p in registry.panels("lead_detail.actions")] == [
        "intake/panels/lead_merges_button.html"]
    assert [p.template for p in registry.panels("user_detail")] == ["leads/panels/user_open_leads.html"]
    assert [p.template for p in registry.panels("account_detail")] == [
        "activities/panels/account_detail.html", "customers/panels/account_customer.html",
        "customers/panels/account_feedback.html",
        "customers/panels/account_problems.html", "customers/panels/account_referrals.html"]
    assert list(registry.STYLESHEETS) == ["imbuto/intake.css", "customers/customers.css",
                                          "nurture/nurture.css"]
    assert leads_extensions.CAPTURE_API.available and leads_extensions.CAPTURE_TYPED.available
    assert len(leads_extensions.DEMO_PARTS) == 6  # intake, customers, nurture, analytics, deals, activities


@pytest.mark.django_db
def test_the_navigation_shows_the_registered_pages_and_users_only_to_admins(client, rep, admin, manager):
    client.force_login(rep)
    html = client.get(reverse("leads:list")).content.decode()
    for name in ("leads:list", "leads:account_list", "intake:duplicates", "intake:chat_list"):
        assert f'href="{reverse(name)}"' in html
    for name in ("users:user_list", "intake:imports", "intake:form_list"):  # pages a rep may not use
        assert f'href="{reverse(name)}"' not in html
    assert "/static/imbuto/intake.css" in html
    assert html.count('<details class="nav-group') == 3  # Sales, Intake, Marketing; no Settings for a rep
    client.force_login(admin)
    html = client.get(reverse("leads:list")).content.decode()
    assert f'href="{reverse("users:user_list")}"' in html
    assert html.count('<details class="nav-group') == 4  # Sales, Intake, Marketing, Settings
    client.force_login(manager)  # Settings holds only Routing for a manager: a link, not a menu of one
    html = client.get(reverse("leads:list")).content.decode()
    assert f'href="{reverse("users:user_list")}"' not in html
    assert html.count('<details class="nav-group') == 3 and "Settings</summary>" not in html
    assert f'<a class="nav-link" href="{reverse("routing:overview")}"' in html


@pytest.mark.django_db
def test_the_lead_page_renders_the_panels_intake_registered(client, admin, rep_lead):
    LeadSource.objects.create(lead=rep_lead, original_lead_id=rep_lead.pk, kind="manual",
                              reference="ui:rita", outcome="created")
    client.force_login(admin)
    html = client.get(reverse("leads:detail", args=[rep_lead.pk])).content.decode()
    assert f'href="{reverse("intake:lead_merges", args=[rep_lead.pk])}"' in html  # the Merges button
    assert 'id="lead-sources"' in html and "ui:rita" not in html  # an internal reference is not shown


@pytest.mark.django_db
def test_the_user_page_lists_open_leads_through_the_panel_leads_registered(client, admin, rep, rep_lead):
    client.force_login(admin)
    html = client.get(reverse("users:user_detail", args=[rep.pk])).content.decode()
    assert 'id="open-leads"' in html and reverse("leads:detail", args=[rep_lead.pk]) in html
