"""The integer joins the matching engine is built on."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.matching.joins import equi_join, equi_join_shorter

KEYS = st.lists(st.integers(0, 6), max_size=40).map(lambda k: np.array(k, dtype=np.int64))


@settings(max_examples=300, deadline=None)
@given(left=KEYS, right=KEYS)
def test_a_join_indexing_the_shorter_side_gives_the_pairs_in_the_same_order(left, right):
    i, j = equi_join_shorter(left, right)
    expected_i, expected_j = equi_join(left, right)
    assert i.tolist() == expected_i.tolist()
    assert j.tolist() == expected_j.tolist()
    # and what equi_join gives is every equal pair, by left row, then right row
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == [
        (a, b) for a in range(len(left)) for b in range(len(right)) if left[a] == right[b]]
