"""A routing world: pool IT-North (team North: giulia weight 2, rita weight 1) gets Italian leads by
rule 'Nord Italia'; pool South (team South: remo) is the default pool."""

from __future__ import annotations

import pytest

from imbuto.routing.models import Pool, PoolMember, Rule
from tests.factories import UserFactory


@pytest.fixture
def giulia(north):
    return UserFactory(username="giulia", first_name="Giulia", last_name="Verdi", role="rep", team=north)


@pytest.fixture
def it_north(north, giulia, rep):
    pool = Pool.objects.create(name="IT-North", team=north)
    PoolMember.objects.create(pool=pool, user=giulia, weight=2)
    PoolMember.objects.create(pool=pool, user=rep, weight=1)
    return pool


@pytest.fixture
def south_pool(south, other_rep):
    pool = Pool.objects.create(name="South", team=south, is_default=True)
    PoolMember.objects.create(pool=pool, user=other_rep, weight=1)
    return pool


@pytest.fixture
def nord_italia(it_north):
    return Rule.objects.create(name="Nord Italia", position=1, pool=it_north, countries=["IT"])


@pytest.fixture
def routing_world(it_north, south_pool, nord_italia):
    return {"north": it_north, "south": south_pool, "rule": nord_italia}
