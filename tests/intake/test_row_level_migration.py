"""Migration 0003: report lines written with a "Warning: " prefix become level=warning, and back."""

import importlib

import pytest
from django.apps import apps

from imbuto.intake.models import ImportJob, ImportRowError

migration = importlib.import_module("imbuto.intake.migrations.0003_importrowerror_level")


@pytest.mark.django_db
def test_prefixed_messages_become_warnings_and_the_reverse_puts_the_prefix_back():
    job = ImportJob.objects.create(file_name="old.csv", file_path="/x", file_sha256="x")
    for n, message in enumerate(["Warning: Column “Company” was cut", "Avviso: Valore ripulito",
                                 "No identity.", "A Warning: in the middle stays an error"], start=2):
        ImportRowError.objects.create(job=job, row_number=n, message=message)
    migration.to_level(apps, None)
    rows = list(ImportRowError.objects.order_by("row_number").values_list("level", "message"))
    assert rows == [("warning", "Column “Company” was cut"), ("warning", "Valore ripulito"),
                    ("error", "No identity."), ("error", "A Warning: in the middle stays an error")]
    migration.to_prefix(apps, None)
    assert list(ImportRowError.objects.filter(level="warning").order_by("row_number")
                .values_list("message", flat=True)) == ["Warning: Column “Company” was cut",
                                                          "Warning: Valore ripulito"]
