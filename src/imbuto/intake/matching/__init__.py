"""Pure lead matching (issue #3): blocking keys, pair scores and batch decisions over plain dicts.

The intake pipeline normalises records (imbuto.intake.normalize), stores `blocking_keys` in
intake.MatchKey, fetches the leads sharing a key with the batch and calls `match_batch`.
See docs/matching.md for the method and the measured precision and recall.
"""

from .batch import FLAG, MERGE, NEW, Decision, MatchPolicy, match_batch
from .blocking import blocking_keys, is_exact
from .compare import company_similarity, prepare, score_pair
from .text import company_key, fold, person_name_key, phonetic

__all__ = [
    "FLAG", "MERGE", "NEW", "Decision", "MatchPolicy", "blocking_keys", "company_key", "company_similarity",
    "fold", "is_exact", "match_batch", "person_name_key", "phonetic", "prepare", "score_pair",
]
