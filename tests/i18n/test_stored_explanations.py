"""What the system writes down is stored as a code with parameters and read in the reader's language:
an English reader never sees Italian, nor an Italian reader English, whoever caused the change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from imbuto.core.history import record
from imbuto.core.models import HistoryEntry
from imbuto.intake import services as intake
from imbuto.intake.explanations import flag_text, message_text
from imbuto.intake.importing import report, runner
from imbuto.intake.models import DuplicateCandidate, ImportRowError
from imbuto.leads import services as leads
from imbuto.leads.models import Channel
from imbuto.leads.timeline import timeline_for
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _notes(lead, user, language):
    with translation.override(language):
        return [(e.action, e.note, e.reason, e.actor) for e in timeline_for(lead, user)]


def test_an_intake_note_written_in_italian_reads_in_english_and_back(rep):
    with translation.override("it"):
        lead, _outcome, _dup = intake.lead_capture(actor=rep, data={"last_name": "Verdi",
                                                                    "email": "v@example.it"})
    entry = HistoryEntry.objects.get(object_id=lead.pk, action="created")
    assert (entry.reason, entry.reason_code) == ("", "intake.received")
    assert entry.reason_params == {"source": "manual"}
    assert _notes(lead, rep, "en")[0][1] == "Came in through: Manual entry."
    italian = _notes(lead, rep, "it")[0][1]
    assert italian.startswith("Arrivato tramite:") and "Manual" not in italian


def test_old_rows_that_hold_plain_text_are_still_read(rep, rep_lead):
    record(rep_lead, actor=None, action="created", reason="intake: import (list.csv)")
    record(rep_lead, actor=rep, action="updated", reason="Called him twice")
    notes = _notes(rep_lead, rep, "it")
    typed = next(n for n in notes if n[0] == "updated")
    system = next(n for n in notes if n[0] == "created")
    assert typed[1:3] == ("", "Called him twice")  # what a person typed stays as typed
    assert system[1].startswith("Arrivato tramite:") and system[2] == ""
    assert system[3] == "Imbuto (automatico)"  # never the raw actor "system"


def test_a_merge_stores_its_rule_and_reason_as_codes(rep):
    a = LeadFactory(owner=rep, last_name="Uno")
    b = LeadFactory(owner=rep, last_name="Due")
    pair = DuplicateCandidate.objects.create(lead=a, candidate=b, score=0.7)
    with translation.override("it"):
        merge = intake.duplicate_merge(actor=rep, candidate=pair)
    assert (merge.rule, merge.reason) == ("merge.stage_then_older", "merge.duplicate_confirmed")
    entry = HistoryEntry.objects.get(object_id=merge.survivor_id, action="merged")
    assert entry.reason == "" and entry.reason_code == "merge.duplicate_confirmed"
    assert ("merged", "possible duplicate confirmed") in [n[:2] for n in _notes(merge.survivor, rep, "en")]


def test_a_parking_reason_code_is_not_quoted_as_a_note(rep, rep_lead):
    leads.lead_transition(actor=rep, lead=rep_lead, to="parked", reason="no_budget",
                          parked_until=dt.date.today() + dt.timedelta(days=9))
    entry = HistoryEntry.objects.filter(object_id=rep_lead.pk, action="transition").last()
    assert entry.reason == "" and entry.changes["disposition_reason"][1] == "no_budget"


def test_refusals_name_stages_and_reasons_not_codes(rep, rep_lead):
    from imbuto.core.errors import DomainError

    with translation.override("it"), pytest.raises(DomainError) as refused:
        leads.lead_transition(actor=rep, lead=rep_lead, to="discarded", reason="")
    assert "no_purchase_intent" not in refused.value.message and "Nessuna intenzione" in refused.value.message
    with translation.override("en"), pytest.raises(DomainError) as refused:
        leads.lead_transition(actor=rep, lead=rep_lead, to="parked", reason="")
    assert "parked_until" not in refused.value.message


def test_import_row_messages_are_read_in_the_readers_language(admin, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("first_name;last_name;email\nAda;Neri;ada@example.it\nBice;Rossi;b@example.it;x;y\n"
                    "Carla;Bianchi;not-an-email\n")
    with translation.override("en"):
        job = runner.job_create(actor=admin, path=path, campaign=None,
                                channel=Channel.objects.get(slug="web-form"))
        runner.job_run(job, actor=admin)
    ragged = ImportRowError.objects.get(job=job, row_number=3)
    assert ragged.code.startswith("This row has %(n)s values") and ragged.params == {"n": 5, "width": 3}
    flag = ImportRowError.objects.get(job=job, row_number=4)
    def text(row):
        return message_text(row.code, row.params, row.message)

    with translation.override("en"):
        assert text(ragged) == "This row has 5 values but the header has 3 columns."
        assert text(flag) == "invalid email address"
    with translation.override("it"):
        assert text(ragged).startswith("Questa riga ha 5 valori")
        assert text(flag) == "indirizzo email non valido"
        csv_text = "".join(report.stream_job_report(job))
    assert "Questa riga ha 5 valori" in csv_text and "This row" not in csv_text


@pytest.mark.parametrize(("stored", "italian"), [
    ("unknown country: Narnia", "paese sconosciuto: Narnia"),
    ("too long, cut to 100 characters", "troppo lungo, tagliato a 100 caratteri"),
    ("invalid Partita IVA", "Partita IVA non valida"),
    ({"code": "invalid phone number", "params": {}}, "numero di telefono non valido"),
    ("something a future version wrote", "something a future version wrote"),
])
def test_quality_flags_are_read_in_the_readers_language(stored, italian):
    with translation.override("it"):
        assert flag_text(stored) == italian
