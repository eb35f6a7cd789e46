"""lookup.candidates sends the batch's keys as one newline-separated text on PostgreSQL (an array
parameter is quoted element by element in Python); a key holding a newline goes as an array instead."""

from __future__ import annotations

import pytest

from imbuto.intake.models import MatchKey
from imbuto.intake.pipeline import lookup
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_keys_are_found_whichever_way_they_are_sent() -> None:
    leads = [LeadFactory() for _ in range(3)]
    pairs = [(0, "nc:MRK:MLN"), (1, "nc:MRK:MLN"), (2, "c:odd\nkey"), (2, "as:1:via")]
    MatchKey.objects.bulk_create([MatchKey(lead=leads[n], key=key) for n, key in pairs])
    plain, _ = lookup.candidates({"nc:MRK:MLN", "as:1:via", "nc:X"}, emails=set(), phones=set(), vats=set())
    assert {k: sorted(v) for k, v in plain.items()} == {"nc:MRK:MLN": sorted([leads[0].pk, leads[1].pk]),
                                                         "as:1:via": [leads[2].pk]}
    odd, _ = lookup.candidates({"c:odd\nkey", "as:1:via"}, emails=set(), phones=set(), vats=set())
    assert odd == {"c:odd\nkey": [leads[2].pk], "as:1:via": [leads[2].pk]}
    none, exact = lookup.candidates(set(), emails={leads[0].email}, phones=set(), vats=set())
    assert none == {} and leads[0].pk in exact
