"""Properties of any reconciliation: money is neither created nor applied twice."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.builders import CUSTOMERS, invoices, payments, run

OPEN_AMOUNTS = st.sampled_from([5000, 12345, 12345, 20000, 33333, 50000, 99999])


@st.composite
def worlds(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A few invoices with colliding amounts and payments that name, sum or miss them."""
    n_inv = draw(st.integers(1, 7))
    rows = [(f"INV-2026-{100 + i:06d}", draw(st.sampled_from([c[0] for c in CUSTOMERS])),
             draw(OPEN_AMOUNTS), None, f"2026-10-{1 + i:02d}",
             draw(st.sampled_from(["open", "open", "open", "paid"])), draw(st.booleans()))
            for i in range(n_inv)]
    rows = [(r[0], r[1], 0 if r[5] == "paid" else r[2], *r[3:]) for r in rows]
    names = [c[1] for c in CUSTOMERS] + ["ACME Treasury", ""]
    pays = []
    for j in range(draw(st.integers(1, 7))):
        named = draw(st.lists(st.sampled_from([r[0] for r in rows]), max_size=3))
        amount = draw(st.one_of(OPEN_AMOUNTS, st.integers(1, 200000),
                                st.just(sum(r[2] for r in rows[:2]) or 1)))
        pays.append((f"T{j}", amount, draw(st.sampled_from(names)), " ".join(named),
                     None, None, f"2026-11-{10 + j:02d}"))
    return invoices(*rows), payments(*pays)


def _check_money(inv: pd.DataFrame, pay: pd.DataFrame) -> None:
    rec = run(inv, pay)
    auto = rec.matches[rec.matches["decision"] == "auto"]
    assert (rec.matches["applied_minor"] >= 0).all()
    paid = pay.set_index("transaction_id")["amount_minor"]
    spent = auto.groupby("transaction_id")["applied_minor"].sum()
    unapplied = rec.unapplied.set_index("transaction_id")["unapplied_minor"]
    assert (spent.reindex(unapplied.index, fill_value=0) + unapplied
            == paid[unapplied.index]).all()
    assert (spent <= paid[spent.index]).all()
    before = inv.set_index("invoice_id")["open_minor"]
    per_invoice = auto.groupby("invoice_id")["applied_minor"].sum()
    assert (per_invoice <= before[per_invoice.index]).all()
    after = rec.invoices_after.set_index("invoice_id")["open_minor"]
    assert (after >= 0).all() and (after <= before).all()
    review = rec.matches[rec.matches["decision"] == "review"]
    assert (review["applied_minor"].to_numpy()
            <= paid[review["transaction_id"]].to_numpy()).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_applied_never_exceeds_payment_or_open_amount(world: tuple) -> None:
    _check_money(*world)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_same_input_gives_same_output(world: tuple) -> None:
    first, second = run(*world), run(*world)
    assert first.matches.equals(second.matches)
    assert first.discrepancies.equals(second.discrepancies)
