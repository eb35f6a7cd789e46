"""A merge that fills a field whose name ends in `_id` (external_id) updates it: found by the
schemathesis run, it was a 500 (the suffix was cut as if it were a foreign key's attname)."""

from imbuto.leads.models import Lead


def test_a_merge_fills_the_external_id_of_the_lead_it_matched(api_as, admin):
    client = api_as(admin)
    first = client.post("/api/v1/leads", {"first_name": "Ida", "email": "ida@example.com"})
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/leads", {"first_name": "Ida", "email": "ida@example.com",
                                          "external_id": "crm-42"})
    assert again.status_code == 200, again.content
    assert again.json()["outcome"] == "merged"
    assert Lead.objects.get(pk=first.json()["id"]).external_id == "crm-42"
