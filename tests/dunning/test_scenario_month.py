"""A simulated November 2026 of daily runs, with the exact actions expected each day.

Every customer is pinned to `standard`: pre_due 3 days before the due date,
friendly at +3, firm at +14, final at +28, human review at +42; at least 5
days between letters, at most 4 in any 30 days (F already had two in
October, hence its cap hold on the 15th), Monday to Friday, 08:00-18:00
local, no public holidays. Runs take a bare date (09:30 local time for each
customer). The expectations below are reasoned from that policy, day by day.
Nov 1 2026 is a Sunday; holidays: FR Nov 11, US Nov 11 and 26.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from dunning_kit import customer, customers, history, invoice, invoices, rows, run, sent

CUSTOMERS = customers(
    customer("A", "Alpha GmbH"),
    customer("B", "Bertrand SARL", language="fr", country="FR", timezone="Europe/Paris"),
    customer("C", "PT Cahaya", language="id", country="ID", timezone="Asia/Jakarta"),
    customer("D", "Delta Inc", country="US", timezone="America/New_York"),
    customer("E", "Echo LLC", country="US", timezone="America/New_York"),
    customer("F", "Foxtrot Ltd", country="GB", timezone="Europe/London"),
    customer("G", "Gamma Trading GmbH", iban="DE02100100109307118603"),
)

EXPECTED: dict[int, list[str]] = {
    1: ["C hold pre_due C1 not_before 2026-11-02T08:00+07:00"],
    2: ["A email pre_due A1", "C email pre_due C1"],
    3: ["F email firm F1"],
    4: ["F hold firm F1 F2 min_gap last message 2026-11-03"],
    5: ["B email pre_due B1", "F hold firm F1 F2 min_gap last message 2026-11-03"],
    6: [
        "C hold friendly C1 min_gap last message 2026-11-02",
        "F hold firm F1 F2 min_gap last message 2026-11-03",
    ],
    7: [
        "C hold friendly C1 not_before 2026-11-09T08:00+07:00",
        "F hold firm F1 F2 min_gap last message 2026-11-03",
        "G hold pre_due G1 not_before 2026-11-09T08:00+01:00",
    ],
    8: [
        "A hold friendly A1 not_before 2026-11-09T08:00+01:00",
        "C hold friendly C1 not_before 2026-11-09T08:00+07:00",
        "F hold firm F1 F2 not_before 2026-11-09T08:00+00:00",
        "G hold pre_due G1 not_before 2026-11-09T08:00+01:00",
    ],
    9: [
        "A email friendly A1",
        "C email friendly C1",
        "D email pre_due D1",
        "F email firm F1 F2",
        "G email pre_due G1",
    ],
    10: [],
    11: ["B hold friendly B1 not_before 2026-11-12T08:00+01:00"],
    12: ["B email friendly B1"],
    13: ["G hold friendly G1 unmatched_incoming TG1"],
    14: ["G hold friendly G1 unmatched_incoming TG1"],
    15: [
        "D hold friendly D1 promise_to_pay until 2026-11-20",
        "F hold firm F2 cap_30_days 4 messages",
        "G hold friendly G1 unmatched_incoming TG1",
    ],
    16: [
        "D hold friendly D1 promise_to_pay until 2026-11-20",
        "F email firm F2",
        "G hold friendly G1 unmatched_incoming TG1",
    ],
    17: [
        "C email pre_due C2",
        "C hold firm C1 disputed",
        "D hold friendly D1 promise_to_pay until 2026-11-20",
        "F hold final F1 paid",
        "G hold friendly G1 cleared_by_run",
    ],
    18: ["C hold firm C1 disputed", "D hold friendly D1 promise_to_pay until 2026-11-20"],
    19: [
        "A email firm A1",
        "C hold firm C1 disputed",
        "D hold friendly D1 promise_to_pay until 2026-11-20",
    ],
    20: [
        "C hold firm C1 disputed",
        "D hold friendly D1 promise_to_pay until 2026-11-20",
        "E email pre_due E1",
    ],
    21: ["C hold firm C1 disputed", "D hold friendly D1 not_before 2026-11-23T08:00-05:00"],
    22: [
        "B hold firm B1 paid",
        "C hold firm C1 disputed",
        "D hold friendly D1 not_before 2026-11-23T08:00-05:00",
    ],
    23: ["C email friendly C2", "C hold firm C1 disputed", "D email friendly D1"],
    24: ["C hold firm C1 disputed"],
    25: ["C hold firm C1 disputed"],
    26: [
        "C hold firm C1 disputed",
        "D hold firm D1 min_gap last message 2026-11-23",
        "E hold friendly E1 not_before 2026-11-27T08:00-05:00",
    ],
    27: [
        "C hold firm C1 disputed",
        "D hold firm D1 min_gap last message 2026-11-23",
        "E email friendly E1",
    ],
    28: ["C hold firm C1 disputed", "D hold firm D1 not_before 2026-11-30T08:00-05:00"],
    29: [
        "C hold firm C1 disputed",
        "D hold firm D1 not_before 2026-11-30T08:00-05:00",
        "F hold final F2 not_before 2026-11-30T08:00+00:00",
    ],
    30: ["C hold firm C1 disputed", "D email firm D1", "F email final F2"],
}


def _invoices_on(day: date) -> pd.DataFrame:
    """The ERP's view on a day: payments, a dispute and a promise appear as the month goes."""
    d = day.day
    paid_b, paid_f, paid_g = d >= 20, d >= 12, d >= 17
    rows_ = [
        invoice("A1", "A", "2026-11-05"),
        invoice(
            "B1",
            "B",
            "2026-11-08",
            status="paid" if paid_b else "open",
            open="0.00" if paid_b else "100.00",
            cleared_by_run=d == 20,
        ),
        invoice("C1", "C", "2026-11-03", disputed=d >= 10),
        invoice("C2", "C", "2026-11-20"),
        invoice(
            "D1",
            "D",
            "2026-11-12",
            currency="USD",
            promise_to_pay_date=pd.Timestamp("2026-11-20") if d >= 14 else pd.NaT,
        ),
        invoice("E1", "E", "2026-11-23"),
        invoice(
            "F1",
            "F",
            "2026-10-20",
            status="paid" if paid_f else "open",
            open="0.00" if paid_f else "100.00",
            cleared_by_run=d == 12,
        ),
        invoice("F2", "F", "2026-11-01"),
        invoice(
            "G1",
            "G",
            "2026-11-10",
            status="paid" if paid_g else "open",
            open="0.00" if paid_g else "100.00",
            cleared_by_run=d == 17,
        ),
    ]
    return invoices(*[{"cleared_by_run": False, **r} for r in rows_])


def _unmatched_on(day: date) -> pd.DataFrame:
    on = 13 <= day.day <= 16
    return pd.DataFrame(
        {
            "transaction_id": ["TG1"] if on else [],
            "counterparty_name": ["GAMMA TRADING LTD"] if on else [],
            "counterparty_iban": [""] if on else [],
            "amount_minor": [10000] if on else [],
            "currency": ["EUR"] if on else [],
        }
    )


def test_a_month_of_daily_runs_sends_exactly_the_reasoned_messages() -> None:
    hist = history(
        sent("F", "pre_due", "F1", "2026-10-17"), sent("F", "friendly", "F1", "2026-10-23")
    )
    day = date(2026, 11, 1)
    while day <= date(2026, 11, 30):
        result = run(_invoices_on(day), CUSTOMERS, hist, day, unmatched_incoming=_unmatched_on(day))
        assert rows(result) == sorted(EXPECTED[day.day]), day
        new = [
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
        hist = pd.concat([hist, history(*new)], ignore_index=True)
        day += timedelta(days=1)


def test_running_a_day_twice_sends_nothing_twice() -> None:
    hist = history(
        sent("F", "pre_due", "F1", "2026-10-17"), sent("F", "friendly", "F1", "2026-10-23")
    )
    day = date(2026, 11, 9)
    first = run(_invoices_on(day), CUSTOMERS, hist, day)
    done = history(
        *[
            {
                "customer_id": m.customer_id,
                "currency": m.currency,
                "stage": m.stage,
                "invoice_ids": " ".join(m.invoice_ids),
                "sent_at": pd.Timestamp(m.not_before),
                "key": m.key,
            }
            for m in first.messages
        ]
    )
    again = run(_invoices_on(day), CUSTOMERS, pd.concat([hist, done]), day)
    assert again.messages == []
    assert {a.reason for a in again.actions} == {"already_sent"}
    assert len(again.actions) == len(first.messages)
