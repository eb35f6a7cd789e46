"""`imbuto demo`: seeded, reproducible, realistic, consistent with the lifecycle rules."""

import datetime as dt
from io import StringIO

import phonenumbers
import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone
from stdnum.eu import vat
from stdnum.it import iva

from imbuto.core.history import history_of
from imbuto.core.models import HistoryEntry
from imbuto.leads import lifecycle
from imbuto.leads.choices import DiscardReason, ParkReason, Stage
from imbuto.leads.demo import CHANNEL_WEIGHTS, DEMO_PASSWORD, DEMO_USERS, build_plan
from imbuto.leads.models import Campaign, Channel, Lead
from imbuto.users.models import User

pytestmark = pytest.mark.django_db


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded():
    demo("--leads", "120", "--seed", "7")
    return list(Lead.objects.select_related("channel", "owner", "account", "contact"))


def people() -> list[tuple[str, str, str, str]]:
    return sorted(Lead.objects.values_list("first_name", "last_name", "email", "company_name"))


def test_the_same_seed_gives_the_same_people_companies_and_stages():
    demo("--leads", "80", "--seed", "11")
    first = people()
    stages = sorted(Lead.objects.values_list("email", "stage", "channel__slug"))
    Lead.objects.all().delete()
    demo("--leads", "80", "--seed", "11")
    assert people() == first
    assert sorted(Lead.objects.values_list("email", "stage", "channel__slug")) == stages
    now = timezone.now()
    assert [lp.values["email"] for lp in build_plan(80, 12, now).leads] != [e for *_, e, _ in first]


def test_the_plan_is_pure_and_repeatable():
    now = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    a, b = build_plan(50, 5, now), build_plan(50, 5, now)
    assert [lp.values for lp in a.leads] == [lp.values for lp in b.leads]
    assert [lp.steps for lp in a.leads] == [lp.steps for lp in b.leads]


def test_every_stage_and_every_channel_is_present(loaded):
    assert {lead.stage for lead in loaded} == set(Stage.values)
    assert {lead.channel.slug for lead in loaded} == set(Channel.objects.values_list("slug", flat=True))
    assert set(CHANNEL_WEIGHTS) == set(Channel.objects.values_list("slug", flat=True))


def test_a_dozen_campaigns_with_dates_and_costs_and_leads(loaded):
    campaigns = list(Campaign.objects.all())
    assert len(campaigns) >= 12
    assert all(c.starts_on and c.ends_on and c.starts_on <= c.ends_on and c.cost > 0 for c in campaigns)
    assert any(lead.campaign_id for lead in loaded)
    for lead in loaded:
        if lead.campaign_id:
            assert lead.campaign.channel_id == lead.channel_id


def test_vat_ids_are_valid_for_stdnum(loaded):
    with_vat = [lead for lead in loaded if lead.vat_id]
    assert len(with_vat) > len(loaded) / 2
    for lead in with_vat:  # stored as intake normalises them: with or without the country prefix
        number = lead.vat_id if lead.vat_id[:2].isalpha() else lead.country + lead.vat_id
        assert vat.is_valid(number), (lead.country, lead.vat_id)
    italian = [lead.vat_id for lead in with_vat if lead.country == "IT"]
    assert italian and all(iva.is_valid(v) for v in italian)
    assert {lead.country for lead in with_vat} - {"IT"}, "some international VAT ids too"


def test_demo_leads_carry_intake_match_keys_and_no_quality_flags(loaded):
    from imbuto.intake.models import LeadSource, MatchKey
    from imbuto.intake.pipeline.matcher import lead_keys

    assert all(not lead.quality_flags for lead in loaded)
    assert all(lead.name_key and lead.company_key for lead in loaded)
    for lead in loaded[:10]:
        stored = set(MatchKey.objects.filter(lead=lead).values_list("key", flat=True))
        assert stored and lead_keys(lead) <= stored
    assert LeadSource.objects.filter(kind="demo").count() == len(loaded)


def test_phones_are_valid_e164_and_emails_unique(loaded):
    phones = [lead.phone for lead in loaded if lead.phone]
    assert len(phones) > len(loaded) / 2
    for p in phones:
        parsed = phonenumbers.parse(p)
        assert phonenumbers.is_valid_number(parsed), p
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == p
    emails = [lead.email for lead in loaded]
    assert all("@" in e for e in emails) and len(set(emails)) == len(emails)
    assert {lead.country for lead in loaded} >= {"IT", "DE"}


def test_leads_pass_model_validation(loaded):
    for lead in loaded[:30]:
        lead.full_clean()


def test_history_is_backdated_in_order_and_follows_the_lifecycle(loaded):
    now = timezone.now()
    window = now - dt.timedelta(days=560)
    for lead in loaded:
        entries = list(history_of(lead).order_by("at", "id"))
        assert entries[0].action == "created" and entries[0].at == lead.created_at
        assert window < lead.created_at <= now
        stage = Stage.SUSPECT
        for e in entries:
            assert e.at <= now
            if e.action == "transition":
                old, new = e.changes["stage"]
                assert old == stage and lifecycle.is_allowed(old, new), (lead.pk, old, new)
                stage = new
        assert stage == lead.stage
        moves = [e for e in entries if e.action == "transition"]
        assert lead.stage_changed_at == (moves[-1].at if moves else lead.created_at)


def test_exits_have_reasons_and_dates(loaded):
    discarded = [lead for lead in loaded if lead.stage == Stage.DISCARDED]
    parked = [lead for lead in loaded if lead.stage == Stage.PARKED]
    assert discarded and parked
    assert all(d.disposition_reason in DiscardReason.values and not d.parked_until for d in discarded)
    assert all(lead.disposition_reason in ParkReason.values and lead.parked_until for lead in parked)
    assert all(lead.parked_until > lead.stage_changed_at.date() for lead in parked)
    live = [lead for lead in loaded if lead.stage not in (Stage.DISCARDED, Stage.PARKED)]
    assert all(not lead.disposition_reason and not lead.parked_until for lead in live)


def test_temperature_follows_the_timeframe_unless_a_person_overrode_it(loaded):
    for lead in loaded:
        if not lead.temperature_overridden:
            assert lead.temperature == lifecycle.temperature_for(lead.purchase_timeframe)
        else:
            assert history_of(lead).filter(changes__has_key="temperature_overridden").exists()
    assert {lead.temperature for lead in loaded} == {"hot", "warm", "cold"}


def test_customers_have_accounts_and_contacts_and_referrals_a_referrer(loaded):
    customers = [lead for lead in loaded if lead.stage == Stage.CUSTOMER]
    assert customers and all(lead.account and lead.account.is_customer and lead.contact for lead in customers)
    assert all(lead.contact.account_id == lead.account_id for lead in customers)
    referrals = [lead for lead in loaded if lead.channel.slug == "referral"]
    assert referrals and all(lead.referrer_account_id and lead.referrer_contact_id for lead in referrals)
    assert all(lead.referrer_account.created_at <= timezone.now() for lead in referrals)
    # the customers part (customers.demo): feedback and profiles, and the referral rows intake reads
    from imbuto.customers.models import CustomerProfile, Feedback
    from imbuto.intake.models import Referral

    assert Feedback.objects.exists() and all(0 <= f.score <= 10 for f in Feedback.objects.all())
    assert CustomerProfile.objects.filter(account__in=[lead.account for lead in customers]).count() == len(
        {lead.account_id for lead in customers})
    assert Referral.objects.filter(lead__in=referrals).count() == len(referrals)


def test_demo_users_per_role_in_two_teams_with_the_documented_password(loaded):
    users = {u.username: u for u in User.objects.filter(username__in=[d[0] for d in DEMO_USERS])}
    assert len(users) == len(DEMO_USERS)
    assert {u.role for u in users.values()} == {"admin", "manager", "rep", "marketer"}
    assert {u.team.name for u in users.values() if u.team} == {"North", "South"}
    assert users["admin"].is_superuser
    assert authenticate(username="luca", password=DEMO_PASSWORD) == users["luca"]
    owners = {lead.owner.username for lead in loaded if lead.owner}
    assert owners <= {u for u, role, *_ in DEMO_USERS if role in ("rep", "manager")}
    assert all(lead.team_id == lead.owner.team_id for lead in loaded if lead.owner)


def test_if_empty_skips_and_a_second_plain_run_refuses(loaded):
    count = Lead.objects.count()
    assert "already has" in demo("--if-empty")
    with pytest.raises(CommandError, match="--add"):
        demo()
    assert Lead.objects.count() == count


def test_add_appends_new_people(loaded):
    before = set(Lead.objects.values_list("email", flat=True))
    demo("--add", "--leads", "30", "--seed", "7")
    after = set(Lead.objects.values_list("email", flat=True))
    assert len(after) == len(before) + 30
    assert Campaign.objects.count() == len({c.name for c in Campaign.objects.all()})


def test_bad_arguments_are_refused():
    for args in (["--leads", "0"], ["--leads", "many"], ["--seed", "x"], ["--if-empty", "--add"]):
        with pytest.raises(CommandError):
            demo(*args)
    assert not Lead.objects.exists()


def test_the_history_uses_bulk_rows_with_actors(loaded):
    assert HistoryEntry.objects.count() >= len(loaded) * 2
    assert HistoryEntry.objects.filter(actor__isnull=False).exists()


def test_subscribers_hear_of_the_demo_leads_after_commit(event_log, django_capture_on_commit_callbacks):
    from imbuto.leads.events import LeadCreated

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        demo("--leads", "25", "--seed", "2")
    assert event_log == []
    for callback in callbacks:
        callback()
    [heard] = [e for e in event_log if isinstance(e, LeadCreated)]  # deals' part tells of its deals
    assert isinstance(heard, LeadCreated) and heard.via == "demo" and heard.indexed is True
    assert sorted(heard.lead_ids) == sorted(Lead.objects.values_list("pk", flat=True))


def test_a_sequence_with_enrolled_leads(loaded):
    from imbuto.nurture.models import Enrolment, Message, Sequence

    sequence = Sequence.objects.get()
    assert sequence.steps.count() == 3
    assert Enrolment.objects.filter(sequence=sequence, state="active").count() >= 10
    assert Message.objects.filter(state="sent", opened_at__isnull=False).exists()


def test_the_demo_works_its_leads_with_activities_and_open_tasks(loaded):
    """The activities part (activities.demo): contacts logged on the worked leads, meetings on open
    deals, and open tasks for "My day"; none before its lead arrived."""
    from imbuto.activities.models import Activity

    worked = [lead for lead in loaded if lead.stage not in (Stage.SUSPECT,) and lead.owner_id]
    logged = Activity.objects.filter(kind__in=("call", "email", "meeting"), done_at__isnull=False)
    assert logged.exists() and logged.values("lead").distinct().count() >= len(worked) // 2
    assert all(a.occurred_at >= a.lead.created_at for a in logged.select_related("lead"))
    assert Activity.objects.filter(kind="task", done_at__isnull=True, due_at__isnull=False).exists()
