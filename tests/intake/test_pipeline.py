"""The intake pipeline at service level: outcomes per record, normalisation kept and flagged, exact and
within-batch merges, possible duplicates, rejections with reasons, sources, history, events."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imbuto.core.history import history_of
from imbuto.intake.models import DuplicateCandidate, LeadMerge, LeadSource, MatchKey
from imbuto.intake.pipeline import SourceRef, ingest, summarize
from imbuto.leads.models import Lead
from tests.factories import CampaignFactory, LeadFactory

API = SourceRef(kind="api", reference="api:test")


def run(records, actor=None, **kwargs):
    kwargs.setdefault("source", API)
    return ingest(records, actor=actor, **kwargs)


def test_a_new_record_becomes_a_suspect_with_normalised_values(admin):
    [r] = run([{"first_name": "  mario ", "last_name": "ROSSI", "email": "Mario.Rossi@EXAMPLE.IT",
                "phone": "02 1234 5678", "country": "Italia", "company_name": "Rossi S.r.l."}], admin)
    assert r.outcome == "created" and r.errors == {} and r.duplicate_of is None
    lead = Lead.objects.get(pk=r.lead_id)
    assert (lead.first_name, lead.last_name) == ("Mario", "Rossi")
    assert lead.email.endswith("@example.it") and lead.phone == "+390212345678" and lead.country == "IT"
    assert lead.stage == "suspect" and lead.temperature == "cold" and lead.created_by == admin
    assert lead.company_key and lead.name_key
    assert MatchKey.objects.filter(lead=lead, key__startswith="e:").exists()
    source = LeadSource.objects.get(lead=lead)
    assert (source.kind, source.reference, source.outcome) == ("api", "api:test", "created")
    assert source.payload["email"] == "Mario.Rossi@EXAMPLE.IT"
    assert history_of(lead).get().action == "created"


def test_invalid_values_are_kept_as_typed_and_flagged_not_dropped(admin):
    [r] = run([{"last_name": "Bianchi", "email": "not-an-email", "phone": "12"}], admin)
    assert r.outcome == "created"
    lead = Lead.objects.get(pk=r.lead_id)
    assert lead.email == "not-an-email" and lead.phone == "12"
    assert {"email", "phone"} <= set(lead.quality_flags) and {"email", "phone"} <= set(r.warnings)


def test_rejected_records_say_why_and_good_records_still_go_in(admin):
    results = run([
        {"first_name": "Anna"},
        {"city": "Milano", "postal_code": "20121"},               # no identity
        {"first_name": "Ugo", "favourite_colour": "red"},          # unknown field
        {"first_name": "x" * 101},                                 # too long
        "not an object",
        {"first_name": "Eva", "stage": "customer"},                # not a starting stage
        {"first_name": "Ivo", "channel": "no-such-channel"},
        {"first_name": "Lia", "phone": {"nested": 1}},
        {"first_name": "Ada", "email": "ada@example.com"},
    ], admin)
    assert [r.outcome for r in results] == ["created"] + ["rejected"] * 7 + ["created"]
    assert "__all__" in results[1].errors and "favourite_colour" in results[2].errors
    assert "100" in results[3].errors["first_name"][0] and "__all__" in results[4].errors
    assert "stage" in results[5].errors and "channel" in results[6].errors and "phone" in results[7].errors
    assert Lead.objects.count() == 2 and LeadSource.objects.count() == 2
    assert summarize(results) == {"created": 2, "merged": 0, "flagged": 0, "rejected": 7}


def test_a_trade_fair_list_with_only_names_and_addresses_is_valid(admin):
    [r] = run([{"first_name": "Carla", "last_name": "Neri", "street": "Via Po 3", "city": "Torino"}], admin)
    assert r.outcome == "created"


def test_the_same_person_twice_in_one_batch_is_one_lead(admin):
    results = run([{"first_name": "Marta", "email": "marta@example.com"},
                   {"first_name": "Marta", "last_name": "Galli", "email": "MARTA@example.com",
                    "city": "Bergamo"}], admin)
    assert [r.outcome for r in results] == ["created", "merged"]
    assert results[1].lead_id == results[0].lead_id == results[1].duplicate_of
    lead = Lead.objects.get()
    assert lead.last_name == "Galli" and lead.city == "Bergamo"  # empty fields filled by the later record
    assert LeadSource.objects.filter(lead=lead).count() == 2
    assert LeadMerge.objects.get().survivor == lead


def test_an_exact_email_merges_into_the_existing_lead_keeping_differing_values(admin):
    old = LeadFactory(first_name="Paolo", last_name="Verdi", email="paolo.verdi@example.it", city="Roma",
                      phone="")
    [r] = run([{"first_name": "Paolo", "last_name": "Verdi", "email": "paolo.verdi@example.it",
                "city": "Milano", "phone": "+39 333 1234567"}], admin)
    assert r.outcome == "merged" and r.lead_id == old.pk and r.duplicate_of == old.pk
    old.refresh_from_db()
    assert old.city == "Roma" and old.phone == "+393331234567"      # kept / filled
    merge = LeadMerge.objects.get(survivor=old)
    assert merge.merged is None and merge.automatic and merge.differing_values["city"] == ["Roma", "Milano"]
    assert merge.filled_values["phone"] == "+393331234567"
    entry = history_of(old).get(action="merged")
    assert entry.changes["phone"] == ["", "+393331234567"]
    assert entry.data["merges"][0]["differing"]["city"] == ["Roma", "Milano"]
    assert Lead.objects.count() == 1
    assert LeadSource.objects.get().outcome == "merged"


def test_a_possible_duplicate_is_created_and_flagged_for_review(admin):
    address = {"last_name": "Rossi", "street": "Via Roma 1", "postal_code": "20121", "city": "Milano"}
    [old] = run([{"first_name": "Mario", **address}], admin)
    [r] = run([{"first_name": "Giovanni", **address}], admin)
    assert r.outcome == "flagged" and r.duplicate_of == old.lead_id and r.score is not None
    pair = DuplicateCandidate.objects.get()
    assert (pair.lead_id, pair.candidate_id, pair.status) == (r.lead_id, old.lead_id, "open")
    assert Lead.objects.count() == 2


def test_leads_created_elsewhere_are_indexed_for_matching_after_commit(admin, tasks_immediate,
                                                                       django_capture_on_commit_callbacks):
    from imbuto.leads.services import lead_create

    with django_capture_on_commit_callbacks(execute=True):
        old = lead_create(actor=admin, data={"first_name": "Mario", "last_name": "Rossi", "city": "Milano",
                                             "street": "Via Roma 1", "postal_code": "20121"})
    assert MatchKey.objects.filter(lead=old).exists()
    [r] = run([{"first_name": "Mario", "last_name": "Rossi", "city": "Milano", "postal_code": "20121"}],
              admin)
    assert r.outcome in ("merged", "flagged") and r.duplicate_of == old.pk


def test_a_dry_run_answers_the_same_words_and_writes_nothing(admin):
    LeadFactory(email="known@example.com")
    records = [{"first_name": "New"}, {"first_name": "Mario", "email": "known@example.com"}, {}]
    before = Lead.objects.count()
    results = run(records, admin, dry_run=True)
    assert [r.outcome for r in results] == ["created", "merged", "rejected"]
    assert Lead.objects.count() == before and not LeadSource.objects.exists()
    assert not MatchKey.objects.exists() and not LeadMerge.objects.exists()


def test_classification_stage_temperature_and_owner(rep, admin):
    results = run([{"first_name": "A", "purchase_timeframe": "immediate"},
                   {"first_name": "B", "purchase_timeframe": "within_2_months", "stage": "mql"},
                   {"first_name": "C", "temperature": "hot"}], rep)
    a, b, c = (Lead.objects.get(pk=r.lead_id) for r in results)
    assert (a.stage, a.temperature, a.owner, a.team_id) == ("suspect", "hot", rep, rep.team_id)
    assert (b.stage, b.temperature) == ("mql", "warm")
    assert c.temperature == "hot" and c.temperature_overridden
    [d] = run([{"first_name": "D"}], admin, owner=rep)
    assert Lead.objects.get(pk=d.lead_id).owner == rep


def test_sources_keep_channel_campaign_file_and_row(admin):
    campaign = CampaignFactory(name="Fiera 2026")
    source = SourceRef(kind="import", campaign_id=campaign.pk, file_name="fiera.csv")
    results = run([{"first_name": "A"}, {"first_name": "B", "channel": "trade-show"}], admin,
                  source=source, row_numbers=[2, 3])
    a, b = (LeadSource.objects.get(lead_id=r.lead_id) for r in results)
    assert (a.file_name, a.row_number, a.campaign_id, a.channel.slug) == ("fiera.csv", 2, campaign.pk,
                                                                          "email-campaign")
    assert (b.row_number, b.channel.slug) == (3, "trade-show")
    assert Lead.objects.get(pk=results[0].lead_id).campaign_id == campaign.pk


def test_events_are_emitted_with_ids_only_after_commit(admin, event_log, django_capture_on_commit_callbacks):
    from imbuto.leads.events import LeadCreated, LeadMerged

    old = LeadFactory(email="old@example.com")
    event_log.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        results = run([{"first_name": "N"}, {"first_name": "Mario", "email": "old@example.com"}], admin)
    assert event_log == []
    for callback in callbacks:
        callback()
    created, merged = event_log
    assert isinstance(created, LeadCreated) and created.lead_ids == (results[0].lead_id,)
    assert isinstance(merged, LeadMerged) and merged.lead_ids == (old.pk,) and merged.actor_id == admin.pk


def test_a_system_actor_may_ingest_and_a_person_without_rights_may_not(outsider):
    [r] = run([{"first_name": "Web"}], None, source=SourceRef(kind="form", reference="f1"))
    lead = Lead.objects.get(pk=r.lead_id)
    assert lead.channel.slug == "web-form" and lead.created_by is None
    from imbuto.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run([{"first_name": "X"}], outsider)


def _word(seed: str) -> str:
    import hashlib

    return "".join(chr(97 + b % 26) for b in hashlib.sha256(seed.encode()).digest()[:9]).capitalize()


def test_query_count_is_the_same_for_70_and_300_records(admin):
    """Both sizes above bulk.SMALL (up to which rows go as one INSERT ... VALUES instead of COPY)."""
    for tag in "ab":
        LeadFactory(first_name="Dup", last_name=f"Zero{tag}", email=f"dup.{tag}@example.com")
    run([{"first_name": "Warm", "last_name": "Up"}], admin)  # content types cached, like in a server

    def batch(n, tag):
        rows = [{"first_name": _word(f"f{tag}{i}"), "last_name": _word(f"l{tag}{i}"),
                 "email": f"{_word(tag + str(i)).lower()}@example.com"} for i in range(n)]
        rows[0] = {"first_name": "Dup", "last_name": f"Zero{tag}", "email": f"dup.{tag}@example.com"}
        rows[2] = dict(rows[1])                                                            # within batch
        return rows

    with CaptureQueriesContext(connection) as small:
        a = run(batch(70, "a"), admin)
    with CaptureQueriesContext(connection) as big:
        b = run(batch(300, "b"), admin)
    assert [r.outcome for r in a[:3]] == [r.outcome for r in b[:3]] == ["merged", "created", "merged"]
    assert len(big) == len(small), ([q["sql"][:60] for q in small], [q["sql"][:60] for q in big])


def test_channel_ids_are_cached_per_process_and_follow_changes_made_here(admin):
    from imbuto.leads.models import Channel

    first = run([{"first_name": "Cache", "last_name": "One", "channel": "web-form"}], admin)[0]
    assert first.outcome == "created"
    with CaptureQueriesContext(connection) as queries:
        run([{"first_name": "Cache", "last_name": "Two", "channel": "web-form"}], admin)
    assert not any("leads_channel" in q["sql"] for q in queries), "second lookup came from the cache"
    unknown = run([{"first_name": "Cache", "last_name": "Three", "channel": "fiera-bari"}], admin)[0]
    assert unknown.outcome == "rejected"
    Channel.objects.create(slug="fiera-bari", name="Fiera di Bari")  # a slug not found was not cached
    assert run([{"first_name": "Cache", "last_name": "Four", "channel": "fiera-bari"}], admin)[0].lead_id
    channel = Channel.objects.get(slug="web-form")
    channel.slug = "web-form-old"
    channel.save()  # a save in this process clears the cache at once
    gone = run([{"first_name": "Cache", "last_name": "Five", "channel": "web-form"}], admin)[0]
    assert gone.outcome == "rejected" and "channel" in gone.errors
