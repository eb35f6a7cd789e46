"""The import's garbage-collector settings: survivors of a between-chunk collection are frozen out of
later scans, and everything is as before once the import ends."""

import gc

from imbuto.intake.importing.runner import _fewer_collections


def test_survivors_are_frozen_between_chunks_and_released_at_the_end():
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    with _fewer_collections() as between_chunks:
        kept = [[i] for i in range(1_000)]  # what outlives a chunk: a cache, the memo
        at_start = gc.get_freeze_count()
        between_chunks()
        assert gc.get_freeze_count() >= at_start + len(kept)
        assert gc.get_threshold()[0] == 50_000
    assert gc.get_threshold() == threshold and gc.get_freeze_count() <= frozen
