"""Properties over random books: one letter per customer and currency, never for nothing owed."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
from dunning_kit import customer, customers, history, invoice, invoices, policy, run, sent
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

POLICY = policy()
DAY = date(2026, 11, 25)
CUST = customers(
    *[
        customer(f"C{i}", f"Customer {chr(65 + i)}", segment=s)
        for i, s in enumerate(["standard", "good", "risky", "new", ""])
    ]
)
STATUSES = ["open", "open", "open", "paid", "cancelled", "credit_note"]

books = st.lists(
    st.tuples(
        st.integers(0, 4),  # customer
        st.sampled_from(["EUR", "USD"]),
        st.integers(-70, 10),  # due date relative to the run day
        st.sampled_from(STATUSES),
        st.sampled_from(["0.00", "0.01", "4.00", "120.00", "5000.00", "-80.00"]),
        st.booleans(),  # disputed
    ),
    min_size=1,
    max_size=25,
)
sends = st.lists(
    st.tuples(
        st.integers(0, 24),
        st.sampled_from(["pre_due", "friendly", "firm", "final"]),
        st.integers(1, 60),
    ),
    max_size=10,
)


def _book(rows: list[tuple]) -> pd.DataFrame:
    return invoices(
        *[
            invoice(
                f"I{n}",
                f"C{c}",
                str((pd.Timestamp(DAY) - pd.Timedelta(days=d)).date()),
                amount="5000.00",
                open=o,
                currency=ccy,
                status=s,
                disputed=disp,
            )
            for n, (c, ccy, d, s, o, disp) in enumerate(rows)
        ]
    )


def _history(inv: pd.DataFrame, rows: list[tuple]) -> pd.DataFrame:
    out = []
    for n, stage, ago in rows:
        if n < len(inv):
            r = inv.iloc[n]
            day = str((pd.Timestamp(DAY) - pd.Timedelta(days=ago)).date())
            out.append(
                sent(r["customer_id"], stage, r["invoice_id"], day, r["currency"], key=f"k{n}{ago}")
            )
    return history(*out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books, sends)
def test_one_letter_per_customer_and_currency_and_never_for_nothing_owed(book, past) -> None:
    inv = _book(book)
    hist = _history(inv, past)
    before = (inv.copy(), hist.copy(), CUST.copy())
    result = run(inv, CUST, hist, DAY, POLICY)
    assert inv.equals(before[0]) and hist.equals(before[1]) and CUST.equals(before[2])
    per = Counter((m.customer_id, m.currency) for m in result.messages)
    assert all(count == 1 for count in per.values())
    owed = inv.set_index("invoice_id")
    for m in result.messages:
        assert m.total > 0
        for line in m.lines:
            if line.stage == "credit_note":  # netted, never reminded of
                assert line.open_amount < 0
                continue
            assert line.open_amount > 0
            assert owed.loc[line.invoice_id, "status"] == "open"
            assert not owed.loc[line.invoice_id, "disputed"]
        assert m.total == sum(line.open_amount for line in m.lines)
    done = pd.concat(
        [
            hist,
            history(
                *[
                    {
                        "customer_id": m.customer_id,
                        "currency": m.currency,
                        "stage": m.stage,
                        "invoice_ids": " ".join(m.invoice_ids),
                        "sent_at": pd.Timestamp(m.not_before),
                        "key": m.key,
                    }
                    for m in result.messages
                ]
            ),
        ],
        ignore_index=True,
    )
    again = run(inv, CUST, done, DAY, POLICY)
    assert again.messages == []
