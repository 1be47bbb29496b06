"""`frames.positions`: where each wanted value stands among unique keys, -1 where absent,
the same whether both sides are Arrow text (integer codes) or anything else (objects)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.frames import positions

VALUES = st.sampled_from(["A", "B", "c", "é", "", " A", "INV-1", None])


def _by_objects(keys: pd.Series, wanted: pd.Series) -> list[int]:
    """The lookup as pandas' object index does it (the path for anything but Arrow text)."""
    index = pd.Index(keys.to_numpy(dtype=object), dtype=object)
    return index.get_indexer(wanted.to_numpy(dtype=object)).tolist()


@given(keys=st.lists(VALUES, unique=True, max_size=7), wanted=st.lists(VALUES, max_size=9))
@settings(max_examples=300, deadline=None)
def test_arrow_text_finds_what_an_object_index_finds(keys, wanted) -> None:
    keys_s, wanted_s = pd.Series(keys, dtype="str"), pd.Series(wanted, dtype="str")
    found = positions(keys_s, wanted_s)
    assert found.tolist() == _by_objects(keys_s, wanted_s)
    table = {k: i for i, k in enumerate(keys) if k is not None}
    assert [f for f, w in zip(found.tolist(), wanted, strict=True) if w is not None] == [
        table.get(w, -1) for w in wanted if w is not None]


def test_arrow_text_is_looked_up_on_codes_a_million_at_a_time() -> None:
    keys = pd.Series([f"INV-{i:07d}" for i in range(200_000)], dtype="str")
    wanted = pd.Series(["INV-0000007", "nope", "INV-0199999"] * 3, dtype="str")
    assert positions(keys, wanted).tolist() == [7, -1, 199_999] * 3
    assert positions(keys.iloc[::-1].reset_index(drop=True), wanted.iloc[:1]).tolist() == [
        199_992]
    assert np.array_equal(positions(keys.astype(object), wanted.astype(object)),
                          positions(keys, wanted))
