"""What the run hands its recording helper (`recorder.compact`): text columns as Arrow
strings, every value read back the same; columns that are not all text left alone."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd

from dunwell.connectors.storage.recorder import compact


def test_text_columns_travel_as_arrow_strings_with_the_same_values() -> None:
    frame = pd.DataFrame({
        "transaction_id": pd.Series(["T1", "T2", "Ü3"], dtype=object),
        "reasons": pd.Series(["amount exact", "", "name; IBAN"], dtype=object),
        "applied_minor": pd.Series([100, -5, 10**15], dtype=object),
        "status": pd.Series([np.nan, "booked", None], dtype=object),
        "mixed": pd.Series(["a", 1, "b"], dtype=object),
        "day": pd.to_datetime(["2026-12-01", "2026-12-02", "2026-12-03"]),
    })

    sent = pickle.loads(pickle.dumps(compact(frame)))  # noqa: S301 - our own bytes

    assert sent["transaction_id"].dtype == "str" and sent["reasons"].dtype == "str"
    for name in ("applied_minor", "status", "mixed"):
        assert sent[name].dtype == object, name
    for name in frame.columns:
        assert sent[name].tolist() == frame[name].tolist() or name == "status", name
    assert sent["status"].isna().tolist() == [True, False, True]
    assert sent["status"][1] == "booked"


def test_anything_but_a_frame_passes_as_it_is() -> None:
    for value in ("run-1", None, {"out": "x"}, [1, 2]):
        assert compact(value) is value
