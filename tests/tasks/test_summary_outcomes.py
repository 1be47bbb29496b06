"""The run summary's split of incoming payments into auto / review / unmatched, counted on
integer codes, against the plain pandas definition it replaced."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.tasks.summary import _outcomes

IDS = st.sampled_from(["T1", "T2", "T3", "T4"])


def _reference(transactions: pd.DataFrame, matches: pd.DataFrame) -> dict[str, list[str]]:
    incoming = transactions[transactions["amount_minor"] > 0]
    fresh = matches["decision"].map({"auto": "booked", "review": "waiting"})
    status = matches["status"] if "status" in matches else pd.Series(index=matches.index)
    known = status.map({"booked": "booked", "accepted": "booked", "proposed": "waiting",
                        "rejected": "rejected"})
    outcome = known.where(known.notna(), fresh).set_axis(matches["transaction_id"])
    waiting = (outcome == "waiting").groupby(level=0, sort=False).all()
    ids = incoming["transaction_id"].astype("object")
    auto = ids.isin(outcome.index[outcome == "booked"]).to_numpy()
    review = ids.isin(waiting.index[waiting.to_numpy()]).to_numpy()
    return {"auto": incoming[auto]["line"].tolist(), "review": incoming[review]["line"].tolist(),
            "unmatched": incoming[~(auto | review)]["line"].tolist()}


@given(payments=st.lists(st.tuples(IDS, st.integers(-5, 5)), max_size=8),
       links=st.lists(st.tuples(IDS, st.sampled_from(["auto", "review", "rejected"]),
                                st.sampled_from([None, "booked", "accepted", "proposed",
                                                 "rejected"])), max_size=8),
       with_status=st.booleans(), arrow=st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_split_is_the_pandas_one(payments, links, with_status, arrow) -> None:
    text = "str" if arrow else "object"
    transactions = pd.DataFrame({
        "transaction_id": pd.Series([t for t, _ in payments], dtype=text),
        "amount_minor": pd.Series([a for _, a in payments], dtype="int64"),
        "line": range(len(payments))})
    matches = pd.DataFrame({"transaction_id": pd.Series([t for t, _, _ in links], dtype=text),
                            "decision": pd.Series([d for _, d, _ in links], dtype=text)})
    if with_status:
        matches["status"] = pd.Series([s for _, _, s in links], dtype=object)
    parts = _outcomes(SimpleNamespace(transactions=transactions, matches=matches))
    assert {k: parts[k]["line"].tolist() for k in ("auto", "review", "unmatched")} == \
        _reference(transactions, matches)
