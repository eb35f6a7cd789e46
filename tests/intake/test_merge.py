"""Manual merges, duplicate review, referrals and re-engagement at service level."""

import datetime as dt

import pytest
from django.utils import timezone

from imbuto.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from imbuto.core.history import history_of
from imbuto.intake import selectors, services
from imbuto.intake.models import (
    ChatSession,
    DuplicateCandidate,
    EngagementEvent,
    LeadMerge,
    LeadSource,
    MatchKey,
    Referral,
)
from imbuto.intake.pipeline import SourceRef, ingest
from imbuto.intake.pipeline.merge import choose_survivor
from imbuto.leads.models import Lead
from tests.factories import AccountFactory, ContactFactory, LeadFactory


@pytest.fixture
def pair(rep):
    old = LeadFactory(owner=rep, first_name="Luca", last_name="Neri", email="luca@example.it",
                      city="Pavia", phone="", stage="lead")
    new = LeadFactory(owner=rep, first_name="Luca", last_name="Neri", email="luca.neri@example.com",
                      city="Milano", phone="+393331112222")
    return old, new


def test_the_further_stage_then_the_older_lead_survives(rep):
    older = LeadFactory(created_at=timezone.now() - dt.timedelta(days=3))
    newer = LeadFactory()
    assert choose_survivor(newer, older) == (older, newer)
    newer.stage = "sql"
    assert choose_survivor(older, newer) == (newer, older)
    older.stage, newer.stage = "parked", "suspect"
    assert choose_survivor(older, newer) == (newer, older)


def test_a_manual_merge_keeps_every_value_source_event_and_history(rep, pair):
    survivor, merged = pair
    ingest([{"first_name": "Luca", "email": "luca.neri@example.com"}], actor=rep,
           source=SourceRef(kind="form", reference="f-1"))            # lands on `merged`
    EngagementEvent.objects.create(lead=merged, kind="content_view", content_type="blog")
    chat = ChatSession.objects.create(lead=merged)
    third = LeadFactory(owner=rep)
    DuplicateCandidate.objects.create(lead=merged, candidate=third, score=0.6)
    DuplicateCandidate.objects.create(lead=merged, candidate=survivor, score=0.7)
    merge = services.lead_merge(actor=rep, survivor=survivor, merged=merged, reason="same person")
    survivor.refresh_from_db()
    merged.refresh_from_db()
    assert merged.merged_into == survivor and survivor.merged_into is None
    assert survivor.phone == "+393331112222" and survivor.city == "Pavia"
    assert merge.differing_values["email"] == ["luca@example.it", "luca.neri@example.com"]
    assert merge.differing_values["city"] == ["Pavia", "Milano"]
    assert LeadSource.objects.filter(lead=survivor).count() >= 1
    assert not LeadSource.objects.filter(lead=merged).exists()
    assert EngagementEvent.objects.filter(lead=survivor).count() == 1
    chat.refresh_from_db()
    assert chat.lead == survivor
    assert DuplicateCandidate.objects.get(candidate=third).lead == survivor
    assert DuplicateCandidate.objects.get(candidate=survivor).status == "merged"
    assert not MatchKey.objects.filter(lead=merged).exists()
    assert MatchKey.objects.filter(lead=survivor, key="e:luca.neri@example.com").exists()
    assert history_of(survivor).filter(action="merged").get().data["merged_lead"] == merged.pk
    assert history_of(merged).filter(action="merged_into").exists()
    ids = set(selectors.lead_history_with_merged(rep, survivor.pk).values_list("object_id", flat=True))
    assert ids == {survivor.pk, merged.pk}
    # a later record with the merged lead's email lands on the survivor
    [r] = ingest([{"first_name": "Luca", "email": "luca.neri@example.com"}], actor=rep,
                 source=SourceRef(kind="api"))
    assert r.outcome == "merged" and r.lead_id == survivor.pk


def test_a_merge_is_refused_twice_with_itself_and_outside_scope(rep, other_rep, pair, other_lead):
    survivor, merged = pair
    with pytest.raises(ValidationFailed):
        services.lead_merge(actor=rep, survivor=survivor, merged=survivor)
    with pytest.raises(PermissionDenied):
        services.lead_merge(actor=rep, survivor=survivor, merged=other_lead)
    services.lead_merge(actor=rep, survivor=survivor, merged=merged)
    with pytest.raises(Conflict):
        services.lead_merge(actor=rep, survivor=survivor, merged=merged)
    assert LeadMerge.objects.count() == 1


def test_confirming_a_possible_duplicate_merges_by_the_rule(admin, pair):
    survivor, merged = pair  # survivor is further along (lead > suspect)
    candidate = DuplicateCandidate.objects.create(lead=merged, candidate=survivor, score=0.7)
    merge = services.duplicate_merge(actor=admin, candidate=candidate)
    assert (merge.survivor, merge.merged) == (survivor, merged)
    candidate.refresh_from_db()
    assert candidate.status == "merged"
    with pytest.raises(Conflict):
        services.duplicate_dismiss(actor=admin, candidate=candidate)


def test_dismissing_a_pair_closes_it_with_history_on_both(admin, pair):
    a, b = pair
    candidate = DuplicateCandidate.objects.create(lead=b, candidate=a, score=0.6)
    services.duplicate_dismiss(actor=admin, candidate=candidate, reason="colleagues")
    candidate.refresh_from_db()
    assert candidate.status == "dismissed" and candidate.resolved_by == admin
    assert history_of(a).filter(action="duplicate_dismissed").exists()
    assert history_of(b).filter(action="duplicate_dismissed").exists()
    assert selectors.duplicate_list(admin) == []


def test_duplicates_are_listed_only_when_both_leads_are_visible(rep, other_rep, manager, pair):
    a, b = pair
    foreign = LeadFactory(owner=other_rep)
    DuplicateCandidate.objects.create(lead=b, candidate=a, score=0.6)
    DuplicateCandidate.objects.create(lead=b, candidate=foreign, score=0.8)
    assert len(selectors.duplicate_list(rep)) == 1
    assert len(selectors.duplicate_list(manager)) == 1
    assert len(selectors.duplicate_list(other_rep)) == 0
    with pytest.raises(NotFound):
        selectors.duplicate_get(other_rep, DuplicateCandidate.objects.get(candidate=a).pk)


def test_a_referral_is_linked_on_both_records_and_countable(rep, rep_lead):
    contact = ContactFactory()
    account = AccountFactory(is_customer=True)
    ref = services.referral_record(actor=rep, lead=rep_lead, referrer_contact=contact,
                                   referrer_account=account, note="met at dinner")
    rep_lead.refresh_from_db()
    assert rep_lead.referrer_contact == contact and rep_lead.referrer_account == account
    assert list(contact.referrals_made.all()) == [ref] and account.referrals_made.count() == 1
    assert selectors.referrals_made(contact).count() == 1
    assert history_of(contact).filter(action="referral_made").exists()
    assert history_of(rep_lead).filter(action="referral_recorded").exists()
    assert LeadSource.objects.filter(lead=rep_lead, kind="referral").exists()
    other = LeadFactory(owner=rep)
    services.referral_record(actor=rep, lead=other, referrer_lead=rep_lead)
    made = selectors.lead_referrals(rep, rep_lead.pk)["made"][0]["lead"]
    assert made.id == other.pk and made.visible and made.label == str(other)
    with pytest.raises(ValidationFailed):
        services.referral_record(actor=rep, lead=other)
    assert Referral.objects.count() == 2


def test_a_parked_or_lost_lead_is_reengaged_in_the_lost_opportunity_channel(rep, rep_lead):
    from imbuto.leads.services import lead_transition

    with pytest.raises(InvalidTransition):
        services.lead_reengage(actor=rep, lead=rep_lead, reason="new product")
    lead_transition(actor=rep, lead=rep_lead, to="parked", reason="competitor",
                    parked_until=timezone.localdate() + dt.timedelta(days=30))
    rep_lead.refresh_from_db()
    lead = services.lead_reengage(actor=rep, lead=rep_lead, reason="new product line")
    assert lead.stage == "lead" and lead.channel.slug == "lost-opportunity"
    source = LeadSource.objects.get(lead=lead, kind="reengagement")
    assert source.channel.slug == "lost-opportunity" and source.payload["from"]["stage"] == "parked"
    assert history_of(lead).filter(action="transition").count() == 2


def test_someone_elses_lead_cannot_be_reengaged(other_rep, rep_lead):
    rep_lead.stage = "discarded"
    rep_lead.save()
    with pytest.raises(PermissionDenied):
        services.lead_reengage(actor=other_rep, lead=rep_lead)
    assert Lead.objects.get(pk=rep_lead.pk).stage == "discarded"
