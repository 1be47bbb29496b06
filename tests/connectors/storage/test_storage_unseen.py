"""`_unseen` keeps the first row of each key not stored yet, whichever way it gets there
(the fast path for fresh keys, or row by row when some are stored)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.connectors.storage.reconciliation import _unseen


def _reference(columns: dict[str, list], key: tuple[str, ...], seen: set) -> dict[str, list]:
    keep = []
    for i, value in enumerate(zip(*(columns[k] for k in key), strict=True)):
        if value not in seen:
            seen.add(value)
            keep.append(i)
    return {name: [cells[i] for i in keep] for name, cells in columns.items()}


pairs = st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from(["i1", "i2", None])),
                 max_size=12)


stored_pairs = st.sets(st.tuples(st.sampled_from("ABCD"), st.sampled_from(["i1", "i3"])))


@given(rows=pairs, stored=stored_pairs)
@settings(max_examples=300, deadline=None)
def test_unseen_keeps_what_a_row_by_row_pass_keeps(rows: list, stored: set) -> None:
    columns = {"transaction_id": [t for t, _ in rows], "invoice_id": [i for _, i in rows],
               "n": list(range(len(rows)))}
    key = ("transaction_id", "invoice_id")
    seen, expected_seen = set(stored), set(stored)

    kept = _unseen(columns, key, seen)

    assert kept == _reference(columns, key, expected_seen)
    assert seen == expected_seen


@given(rows=st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from(["i1", "i2", "i3"])),
                     max_size=12), stored=stored_pairs)
@settings(max_examples=300, deadline=None)
def test_first_unseen_keeps_what_a_row_by_row_pass_keeps(rows: list, stored: set) -> None:
    import pandas as pd

    from dunwell.connectors.storage.reconciliation import _first_unseen

    columns = {"transaction_id": [t for t, _ in rows], "invoice_id": [i for _, i in rows],
               "n": list(range(len(rows)))}
    keep = _first_unseen(pd.Series(columns["transaction_id"], dtype="str"),
                         pd.Series(columns["invoice_id"], dtype="str"), set(stored))
    expected = _reference(columns, ("transaction_id", "invoice_id"), set(stored))
    assert [n for n, k in zip(columns["n"], keep, strict=True) if k] == expected["n"]
