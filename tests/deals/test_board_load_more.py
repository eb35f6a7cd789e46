"""A board column with more deals than it shows: "Show N more" appends the next cards in place (htmx),
keyset-paged on (time in stage, id), so cards with the same time are neither skipped nor repeated;
the pages keep the board's filters and the reader's scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from imbuto.deals import selectors
from imbuto.deals.models import Deal, Pipeline

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def make_deals(owner, n, *, start=0, same_time_every=3):
    """n deals in qualification; every third shares its time in stage with the one before."""
    pipeline = Pipeline.objects.get(is_default=True)
    stage = pipeline.stages.get(key="qualification")
    base = timezone.now() - dt.timedelta(days=5)
    deals = []
    for i in range(start, start + n):
        minute = i - 1 if i % same_time_every == 0 and i else i
        deals.append(
            Deal(name=f"D{i:03}", pipeline=pipeline, stage=stage, owner=owner, team_id=owner.team_id,
                 amount=100, stage_changed_at=base + dt.timedelta(minutes=minute))
        )
    Deal.objects.bulk_create(deals)
    return pipeline, stage


def board_order(qs):
    return list(qs.order_by("stage_changed_at", "id").values_list("pk", flat=True))


def test_the_selector_pages_through_a_column_without_gaps_or_repeats(rep):
    pipeline, stage = make_deals(rep, 11)
    column = next(c for c in selectors.board(rep, pipeline, {}, per_column=4) if c.stage == stage)
    seen, cursor = [d.pk for d in column.cards], column.next_cursor
    assert column.count == 11 and column.more == 7 and cursor
    remaining = []
    while cursor:
        page = selectors.board_cards(rep, pipeline, stage, {}, cursor=cursor, limit=4)
        seen += [d.pk for d in page.cards]
        remaining.append(page.remaining)
        cursor = page.next_cursor
    assert seen == board_order(Deal.objects.all())
    assert remaining == [3, 0]


def _more_url(html, stage="qualification"):
    match = re.search(rf'id="more-{stage}"[^>]*>.*?hx-get="([^"]+)"', html, re.S)
    return match.group(1).replace("&amp;", "&") if match else None


def test_show_more_appends_the_next_cards_in_place(rep, other_rep, django_assert_max_num_queries):
    make_deals(rep, 120)
    make_deals(other_rep, 5, start=200)  # not rita's: never on her board
    client = Client(headers={"Accept-Language": "it"})
    client.force_login(rep)
    html = client.get("/deals/board/").content.decode()
    first = re.findall(r'data-deal="(\d+)"', html)
    assert len(first) == 50 and "Mostra altre 70" in html
    url = _more_url(html)
    ids = [int(i) for i in first]
    for expected_left in (20, None):
        with django_assert_max_num_queries(12):
            r = client.get(url, headers=HTMX)
        assert r.status_code == 200
        fragment = r.content.decode()
        assert "<html" not in fragment and 'hx-swap-oob="true"' in fragment
        ids += [int(i) for i in re.findall(r'data-deal="(\d+)"', fragment)]
        url = _more_url(fragment)
        if expected_left:
            assert f"Mostra altre {expected_left}" in fragment
        else:
            assert url is None  # the last page: the button goes
    assert ids == board_order(Deal.objects.filter(owner=rep))


def test_the_pages_keep_the_filters_and_bad_input_is_refused(admin, rep, other_rep):
    make_deals(rep, 60)
    make_deals(other_rep, 60, start=100)
    client = Client()
    client.force_login(admin)
    html = client.get("/deals/board/", {"owner": "rita"}).content.decode()
    url = _more_url(html)
    assert "owner=rita" in url
    fragment = client.get(url, headers=HTMX).content.decode()
    names = set(re.findall(r">(D\d{3})</a>", fragment))
    assert len(names) == 10 and all(int(n[1:]) < 100 for n in names)  # rita's only
    pipeline = Pipeline.objects.get(is_default=True).pk
    bad = client.get("/deals/board/cards/", {"pipeline": pipeline, "stage": "qualification", "cursor": "x"})
    assert bad.status_code == 422
    assert client.get("/deals/board/cards/", {"pipeline": pipeline, "stage": "nowhere"}).status_code == 404
