"""Issue #12: organisations through the same matcher as people. One test per cause (1-9; cause 10 and
cause 7 are in test_matching.py), each failing on the matcher before the issue."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from imbuto.intake.matching import FLAG, MERGE, NEW, MatchPolicy, blocking_keys, match_batch
from imbuto.intake.matching.batch import _Matcher
from imbuto.intake.matching.compare import company_similarity, prepare
from imbuto.intake.matching.frequency import Frequencies
from imbuto.intake.matching.streets import split_street
from imbuto.intake.normalize import normalize_record
from imbuto.intake.pipeline import Memo, SourceRef, ingest

POLICY = MatchPolicy()


def rec(**fields: str) -> dict[str, str]:
    return normalize_record(fields).match_record()


def firm(name: str, street: str = "Via Roma 12", postal: str = "20121", phone: str = "", **more: str
         ) -> dict[str, str]:
    return rec(company_name=name, street=street, postal_code=postal, city="Milano", phone=phone, country="IT",
               **more)


@pytest.mark.one_database
def test_cause1_a_local_phone_without_prefix_is_compared_by_its_digits():
    local = normalize_record({"company_name": "Ottica Neri", "phone": "2345678", "country": "IT"})
    assert local.flags["phone"] and local.keys["phone_local"] == "2345678"  # still flagged
    a = rec(company_name="Ottica Neri", phone="2345678", country="IT")
    b = rec(company_name="Ottica Neri Srl", phone="02 2345678", country="IT")
    assert blocking_keys(a) & blocking_keys(b)
    assert match_batch([a, b], [], POLICY)[1].action == MERGE


@pytest.mark.one_database
def test_cause2_organisations_are_blocked_on_address_phone_and_domain():
    a = firm("Istituto Comprensivo Statale Dante Alighieri")
    b = firm("Scuola Media Dante")
    shared = blocking_keys(a) & blocking_keys(b)
    assert any(k.startswith(("as:", "ap:", "ah:")) for k in shared)
    c = rec(company_name="Alfa", website="www.alfa-group.it")
    d = rec(company_name="Alfa Group Italia", website="https://alfa-group.it/contatti")
    assert "d:alfa-group.it" in blocking_keys(c) & blocking_keys(d)


@pytest.mark.one_database
def test_cause3_rare_words_carry_the_name_and_common_ones_hardly():
    names = [f"Istituto Comprensivo Statale {n}" for n in ("Manzoni", "Verdi", "Carducci", "Pascoli",
                                                         "Leopardi", "Galilei", "Fermi", "Volta")] * 4
    freq = Frequencies.of(prepare(rec(company_name=n)) for n in names)
    full, short, other = (prepare(rec(company_name=n)) for n in (
        "Istituto Comprensivo Statale Dante Alighieri", "Dante Alighieri",
        "Istituto Comprensivo Statale Verdi"))
    same_site = company_similarity(full.company, short.company, full.company_words, short.company_words,
                                   freq)
    other_site = company_similarity(full.company, other.company, full.company_words, other.company_words,
                                    freq)
    assert same_site >= 0.92 > 0.7 > other_site
    # without frequencies the common words won: the other school looked closer than the same one
    assert company_similarity(full.company, other.company, full.company_words, other.company_words) > (
        company_similarity(full.company, short.company, full.company_words, short.company_words))


@pytest.mark.one_database
def test_cause4_street_abbreviations_and_house_numbers_per_country():
    assert split_street("V.le G. Mazzini, 12/A", "IT") == ("12a", "viale g mazzini")
    assert split_street("P.zza Duomo 3 bis", "IT") == ("3bis", "piazza duomo")
    assert split_street("C.so Buenos Aires snc", "IT") == ("", "corso buenos aires")
    assert split_street("435 S. La Cienega Blv.", "US") == ("435", "south la cienega boulevard")
    a = firm("Farmacia Centrale", street="P.zza Garibaldi, 4/A")
    b = firm("Farmacia Centrale", street="Piazza Garibaldi 4")
    assert match_batch([a, b], [], POLICY)[1].action == MERGE


@pytest.mark.one_database
def test_cause5_a_value_everyone_shares_says_nothing():
    everyone = [prepare(rec(company_name=f"Ditta {i}", city="Milano")) for i in range(40)]
    freq = Frequencies.of(everyone)
    assert freq.factor("city", "milano") == 0.0
    rare = Frequencies.of([*everyone, *(prepare(rec(company_name=f"X{i}", city=f"Comune{i}"))
                                       for i in range(200))])
    assert rare.factor("city", "comune7") == 1.0 and rare.factor("city", "milano") < 0.5
    batch = [rec(first_name="Anna", last_name=f"Verdi{i}", city="Milano") for i in range(30)]
    a, b = rec(first_name="Anna", last_name="Neri", city="Milano"), rec(first_name="Anna", last_name="Nero",
                                                                      city="Milano")
    decisions = match_batch([*batch, a, b], [], POLICY)
    assert decisions[-1].reasons.get("city") == 0.0


@pytest.mark.one_database
def test_the_instance_counts_are_kept_and_each_batch_added_to_a_copy():
    """The pipeline counts its lead sample once and adds each batch to a copy (was: the sample counted
    again for every 2,000-row chunk, about 0.6 s each)."""
    sample = Frequencies.of(prepare(rec(company_name=f"Ditta {i}", city="Milano")) for i in range(40))
    batch = [rec(company_name="Ditta Nuova", city="Roma"), rec(company_name="Ditta Nuova Srl", city="Roma")]
    counted = sample.plus(prepare(r) for r in batch)
    assert (sample.total, counted.total) == (40, 42) and "roma" not in sample.values["city"]
    assert counted.words["ditta"] == 42 and sample.words["ditta"] == 40
    by_copy = match_batch(batch, [], POLICY, instance=sample)
    assert [(d.action, d.reasons) for d in by_copy] == [
        (d.action, d.reasons) for d in match_batch(batch, [], POLICY, counted)]


@pytest.mark.one_database
def test_cause6_another_building_postcode_vat_or_domain_never_auto_merges():
    base = firm("Agenzia Viaggi Sole", phone="02 4455667")
    for other in (firm("Agenzia Viaggi Sole", street="Via Roma 14", phone="02 4455667"),
                  firm("Agenzia Viaggi Sole", postal="20135", phone="02 4455667"),
                  firm("Agenzia Viaggi Sole", phone="02 4455667", vat_id="29141770619"),
                  firm("Agenzia Viaggi Sole", phone="02 4455667", website="sole-viaggi.it")):
        first = {**base, "vat_id": "IT00743110157"} if other.get("vat_id") else base
        first = {**first, "domain": "agenziasole.it"} if other.get("domain") else first
        assert match_batch([first, other], [], POLICY)[1].action == FLAG
    far = firm("Agenzia Viaggi Sole", street="Corso Italia 3", postal="20122", phone="02 9988776")
    assert match_batch([base, far], [], POLICY)[1].action == NEW  # another branch


@pytest.mark.one_database
def test_cause8_the_shortlist_takes_the_rarest_keys_first():
    crowd = [rec(company_name=f"Impianti Elettrici {w}", city="Torino")
             for w in ("Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta")] * 5
    target = firm("Impianti Elettrici Quarzo", street="Via Nizza 150", postal="10126")
    existing = [{**r, "id": i + 1} for i, r in enumerate([*crowd, target])]
    probe = firm("Quarzo Impianti", street="Via Nizza, 150", postal="10126")
    matcher = _Matcher([probe], MatchPolicy(max_candidates=3))
    matcher.add_existing(existing)
    chosen, _ = matcher.candidates(0)
    assert ("existing", len(existing)) in {matcher.nodes[n].ref for n in chosen}


@pytest.mark.one_database
def test_cause8_a_single_shared_key_brings_few_candidates_the_rarest_first():
    """Leads sharing a single fuzzy key with a record are weak hints: only `max_single_key` of them are
    scored, those sharing the rarest key first. Scoring every lead that shares one common word made an
    import of people with companies compare 25 leads a record instead of 5 (2.4 times slower)."""
    crowd = [rec(company_name=f"Impianti {w}", city="Torino")
             for w in ("Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa",
                       "Lambda", "Sigma", "Omega", "Rho", "Tau", "Phi", "Chi", "Psi", "Mu", "Nu")]
    target = rec(company_name="Quarzo Elettrica", city="Torino")
    existing = [{**r, "id": i + 1} for i, r in enumerate([*crowd, target])]
    probe = rec(company_name="Impianti Quarzo Nord", city="Torino")
    matcher = _Matcher([probe], MatchPolicy(max_candidates=30, max_single_key=3))
    matcher.add_existing(existing)
    chosen = {matcher.nodes[n].ref for n in matcher.candidates(0)[0]}
    assert len(chosen) == 3 and ("existing", len(existing)) in chosen


def test_cause9_the_dry_run_sees_what_earlier_chunks_would_create(admin, settings):
    from imbuto.intake.pipeline import matcher

    settings.IMBUTO_MATCH_AUTO_MERGE, settings.IMBUTO_MATCH_REVIEW = 0.95, 0.6
    policy = matcher.default_policy()
    assert (policy.auto_merge, policy.review) == (0.95, 0.6)
    source = SourceRef(kind="import", file_name="x.csv")
    row = {"company_name": "Cartoleria Riva", "street": "Via Po 3", "postal_code": "10123", "city": "Torino",
           "phone": "011 5551234", "country": "IT"}
    memo = Memo()
    first = ingest([row], actor=admin, source=source, dry_run=True, memo=memo)
    second = ingest([{**row, "company_name": "Cartoleria Riva S.r.l."}], actor=admin, source=source,
                    dry_run=True, memo=memo)
    assert first[0].outcome == "created" and second[0].outcome == "merged"
    assert second[0].lead_id is None  # nothing was written


def test_the_review_queue_trains_the_matcher(admin, client):
    """Merged and dismissed pairs refit the weights; the version is kept with its figures, the command
    says what happened, and the review page says how many decisions the weights learned from."""
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from imbuto.intake.models import DuplicateCandidate, MatchModel
    from tests.factories import LeadFactory

    def pair(i: int, same: bool) -> None:
        a = LeadFactory(first_name="", last_name="", company_name=f"Bottega {i} Alfa", city="Lecce",
                        street=f"Via Roma {i}", phone=f"+39083212{i:04d}")
        b = LeadFactory(first_name="", last_name="", company_name=f"Bottega {i} Alfa" if same
                        else f"Bottega {i} Beta", city="Lecce", street=f"Via Roma {i if same else i + 1}",
                        phone=f"+39083212{i:04d}" if same else f"+39083299{i:04d}")
        DuplicateCandidate.objects.create(lead=a, candidate=b, score=0.7, resolved_at=timezone.now(),
                                          status="merged" if same else "dismissed")

    for i in range(20):
        pair(i, same=i % 2 == 0)
    out = io.StringIO()
    call_command("matching", "learn", stdout=out)
    model = MatchModel.objects.get()
    assert model.decisions == 20 and "20 decisions" in out.getvalue()
    assert set(model.figures) == {"current_logloss", "refit_logloss"}
    client.force_login(admin)
    from django.urls import reverse

    page = client.get(reverse("intake:duplicates"))
    expected = "learned from 20" if model.adopted else "default weights"
    assert expected in page.content.decode()
    out = io.StringIO()
    call_command("matching", "learn", stdout=out)
    assert "nothing learned" in out.getvalue() and MatchModel.objects.count() == 1


DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


def _eval_module():
    spec = importlib.util.spec_from_file_location(
        "dedupe_eval", Path(__file__).resolve().parents[2] / "bench" / "dedupe_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.datasets
@pytest.mark.one_database
@pytest.mark.skipif(not (DATASETS / "restaurants").is_dir(), reason="../shared/datasets not present")
def test_organisation_figures_stay_above_the_measured_floor():
    """Restaurants (measured: auto P 1.0, m+f F1 0.9955; the issue's aims 0.99 and 0.97) and the generated
    Italian B2B file (0.9905)."""
    evaluation = _eval_module()
    for rows, floor in ((evaluation.restaurant_rows(DATASETS / "restaurants"), 0.99),
                        (evaluation.b2b_rows(), 0.98)):
        result = evaluation.evaluate("orgs", rows, MatchPolicy(), "batch")
        assert result["auto"]["precision"] >= 0.99
        assert result["merge_or_flag"]["f1"] >= floor



TOWNS = ("Trieste", "Udine", "Gorizia", "Pordenone", "Monfalcone", "Sacile", "Cervignano", "Codroipo")
SCHOOLS = [rec(company_name=f"{kind} {name}", city=TOWNS[i % 8], country="IT")
           for i, name in enumerate(("Manzoni", "Carducci", "Pascoli", "Leopardi", "Galilei", "Fermi",
                                     "Volta", "Marconi", "Verga", "Foscolo"))
           for kind in ("Istituto Comprensivo", "Scuola Primaria", "Scuola Secondaria di Primo Grado")]


@pytest.mark.one_database
def test_two_names_each_with_words_of_their_own_are_two_organisations_at_one_site():
    """The primary and the secondary school of one institute share its address and switchboard. Their
    own words are common ("Primaria", "Secondaria di Primo Grado") and the institute's name is rare,
    but neither name is the other plus a prefix: two organisations (new), not one written two ways."""
    def school(name: str) -> dict[str, str]:
        return rec(company_name=name, street="Via Giulia 3", postal_code="34126", city="Trieste",
                   phone="040 362000", country="IT")

    primary = school("Istituto Comprensivo Dante Alighieri - Scuola Primaria")
    secondary = school("Istituto Comprensivo Dante Alighieri - Scuola Secondaria di Primo Grado")
    assert match_batch([*SCHOOLS, primary, secondary], [], POLICY)[-1].action == NEW
    # one name within the other (the institute's name left out) is still the same school
    same = school("Scuola Primaria Dante Alighieri")
    assert match_batch([*SCHOOLS, primary, same], [], POLICY)[-1].action == MERGE


@pytest.mark.one_database
def test_a_town_named_in_a_name_is_a_qualifier():
    """ "Gelateria Lucchesi (Udine)" is the shop another list has as "Gelateria Lucchesi" in Tavagnacco: the
    town in the name says nothing the town field does not; two names naming two towns do differ."""
    freq = Frequencies.of(prepare(r) for r in SCHOOLS)
    plain = prepare(rec(company_name="Gelateria Lucchesi", city="Tavagnacco", country="IT"))
    qualified = prepare(rec(company_name="Gelateria Lucchesi (Udine)", city="Udine", country="IT"))
    other_town = prepare(rec(company_name="Gelateria Lucchesi Tavagnacco", city="Tavagnacco", country="IT"))

    def sim(a, b) -> float:
        return company_similarity(a.company, b.company, a.company_words, b.company_words, freq,
                                  (a.town, b.town))

    assert sim(plain, qualified) >= 0.92
    assert sim(qualified, other_town) < 0.7
    # a long town in the name outweighed the name itself: one shop, one record with its town appended
    a, b = (rec(company_name=name, street="Via Roma 5", city="San Giorgio di Nogaro", phone="0431 65123",
                country="IT")
            for name in ("Pasticceria Lucchesi", "Pasticceria Lucchesi - San Giorgio di Nogaro"))
    assert match_batch([*SCHOOLS, a, b], [], POLICY)[-1].action == MERGE
