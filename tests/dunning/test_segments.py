"""Segments are recomputed from payment history each run, explained, and pinnable by hand."""

from __future__ import annotations

import pandas as pd
from dunning_kit import customer, customers, invoice, invoices, policy

from dunwell.dunning import segment_customers

AS_OF = pd.Timestamp("2026-11-25").date()


def _history(customer_id: str, days_late: list[int | None]) -> list[dict]:
    due = pd.Timestamp("2026-03-01")
    return [
        {
            "customer_id": customer_id,
            "due_date": due + pd.Timedelta(days=30 * i),
            "paid_date": pd.NaT if late is None else due + pd.Timedelta(days=30 * i + late),
        }
        for i, late in enumerate(days_late)
    ]


def test_segments_follow_history_balance_and_age_and_a_pin_wins() -> None:
    cust = customers(
        *[customer(c, segment="") for c in ("GOOD", "RISKY", "MID", "NEW", "BIG")],
        customer("PIN", segment="risky"),
    )
    hist = pd.DataFrame(
        _history("GOOD", [0, -2, 0, 0, 0, 0])
        + _history("RISKY", [20, 35, None, 10])
        + _history("MID", [0, 0, 0, 5, 0])
        + _history("BIG", [0] * 6)
        + _history("PIN", [0] * 6)
    )
    inv = invoices(
        invoice("N1", "NEW", "2026-11-20"),
        invoice("B1", "BIG", "2026-11-20", amount="60000.00"),
        *[invoice(f"{c}1", c, "2026-05-01") for c in ("GOOD", "RISKY", "MID", "PIN")],
    )
    seg = segment_customers(cust, inv, hist, AS_OF, policy()).set_index("customer_id")
    assert seg["segment"].to_dict() == {
        "GOOD": "good",
        "RISKY": "risky",
        "MID": "standard",
        "NEW": "new",
        "BIG": "key_account",
        "PIN": "risky",
    }
    assert seg.loc["GOOD", "likelihood"] == "high"
    assert seg.loc["RISKY", "likelihood"] == "low"
    assert seg.loc["MID", "likelihood"] == "medium"
    assert seg.loc["PIN", "reason"] == "pinned by hand"
    assert "100% paid on time" in seg.loc["GOOD", "reason"]
    assert seg.loc["NEW", "reason"].startswith("new by rule: new customer")
    assert list(segment_customers(cust, inv, None, AS_OF, policy()).columns) == [
        "customer_id",
        "segment",
        "reason",
        "likelihood",
    ]
