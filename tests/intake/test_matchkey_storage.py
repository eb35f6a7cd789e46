"""Match key rows carry no database foreign key (its per-row check was half their write cost): the ORM
still removes a deleted lead's keys, and a key row whose lead is gone is skipped by every reader."""

from django.db import connection

from imbuto.intake.models import MatchKey
from imbuto.intake.pipeline import SourceRef, ingest
from imbuto.intake.pipeline.engagement import record_events
from imbuto.leads.models import Lead

API = SourceRef(kind="api", reference="api:test")


def _stray(key: str) -> int:
    """A key row pointing at a lead id that does not exist, as a raw delete of a lead would leave."""
    gone = (Lead.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 10_000
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(MatchKey._meta.db_table)
        cursor.execute(f"INSERT INTO {table} (lead_id, key) VALUES (%s, %s)", [gone, key])  # noqa: S608
    return gone


def test_deleting_a_lead_through_the_orm_removes_its_keys(admin):
    [r] = ingest([{"first_name": "Ada", "last_name": "Neri", "email": "ada.neri@example.com"}],
                 actor=admin, source=API)
    assert MatchKey.objects.filter(lead_id=r.lead_id).exists()
    Lead.objects.filter(pk=r.lead_id).delete()
    assert not MatchKey.objects.filter(lead_id=r.lead_id).exists()


def test_an_event_for_an_email_whose_only_key_row_is_stray_creates_a_suspect(admin):
    gone = _stray("e:orphan@example.com")
    [result] = record_events([{"type": "email_click", "email": "orphan@example.com"}], actor=admin)
    assert result["outcome"] == "recorded" and result["lead_outcome"] == "created"
    assert result["lead_id"] != gone and Lead.objects.filter(pk=result["lead_id"]).exists()


def test_an_import_sharing_keys_with_a_stray_row_is_not_matched_to_it(admin):
    record = {"first_name": "Bruno", "last_name": "Galli", "email": "bruno.galli@example.com",
              "phone": "+39 02 1234 5678", "company_name": "Galli Impianti S.r.l."}
    [first] = ingest([record], actor=admin, source=API)
    gone = (Lead.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 10_000
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(MatchKey._meta.db_table)
        cursor.execute(f"UPDATE {table} SET lead_id = %s WHERE lead_id = %s", [gone, first.lead_id])  # noqa: S608
    Lead.objects.filter(pk=first.lead_id).delete()  # its keys now point at a lead id that is gone
    assert MatchKey.objects.filter(lead_id=gone).count() > 3
    [again] = ingest([record], actor=admin, source=API)
    assert again.outcome == "created" and again.lead_id != gone
