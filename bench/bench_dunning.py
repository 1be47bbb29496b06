"""Benchmark: plan() for 100k customers and 1M open invoices must take under 60 s.

Runnable standalone: `.venv/bin/python bench/bench_dunning.py [customers] [invoices]`.
Frames are built vectorised here (with a fixed seed); prints the figures and
writes bench/out/dunning.json.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from dunwell.dunning import load_policy, plan, segment_customers

ROOT = Path(__file__).resolve().parent.parent
AS_OF = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
LIMIT_SECONDS = 60.0


def names(n: int, rng: np.random.Generator) -> np.ndarray:
    """Distinct-looking company names: two random syllable words and a legal form."""
    syll = np.array(["ka", "lo", "mi", "ra", "te", "zu", "ben", "dor", "fal", "gri", "hum", "vek"])
    words = [
        np.char.add(
            np.char.add(syll[rng.integers(0, 12, n)], syll[rng.integers(0, 12, n)]),
            syll[rng.integers(0, 12, n)],
        )
        for _ in range(2)
    ]
    forms = np.array(["GmbH", "Ltd", "SA", "PT", "SL"])[rng.integers(0, 5, n)]
    return np.char.add(np.char.add(np.char.add(np.char.add(words[0], " "), words[1]), " "), forms)


def customers(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Customers across five countries and timezones, a few pinned or opted out."""
    ids = np.char.add("C", np.arange(n).astype(str))
    places = np.array(
        [
            ("DE", "Europe/Berlin", "de"),
            ("FR", "Europe/Paris", "fr"),
            ("ES", "Europe/Madrid", "es"),
            ("ID", "Asia/Jakarta", "id"),
            ("GB", "Europe/London", "en"),
        ]
    )
    pick = places[rng.integers(0, len(places), n)]
    return pd.DataFrame(
        {
            "customer_id": ids,
            "name": names(n, rng),
            "email": np.char.add(np.char.lower(ids), "@example.com"),
            "iban": "",
            "segment": np.where(rng.random(n) < 0.02, "key_account", ""),
            "language": pick[:, 2],
            "country": pick[:, 0],
            "timezone": pick[:, 1],
            "do_not_contact": rng.random(n) < 0.01,
            "line": np.arange(2, n + 2),
        }
    )


def invoices(n: int, n_customers: int, rng: np.random.Generator) -> pd.DataFrame:
    """Open invoices due from 120 days ago to 30 days ahead; some disputed or promised."""
    due = pd.Timestamp("2026-11-24") + pd.to_timedelta(rng.integers(-120, 30, n), unit="D")
    amount = rng.integers(1_000, 500_000, n)
    promise = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    promised = rng.random(n) < 0.02
    promise[promised] = due[promised] + pd.Timedelta(days=20)
    return pd.DataFrame(
        {
            "invoice_id": np.char.add("INV", np.arange(n).astype(str)),
            "customer_id": np.char.add("C", rng.integers(0, n_customers, n).astype(str)),
            "customer_name": "",
            "currency": np.where(rng.random(n) < 0.9, "EUR", "USD"),
            "amount_minor": amount,
            "open_minor": amount,
            "issue_date": due - pd.Timedelta(days=30),
            "due_date": due,
            "status": "open",
            "email": "",
            "disputed": rng.random(n) < 0.01,
            "promise_to_pay_date": promise,
            "line": np.arange(2, n + 2),
        }
    )


def history(inv: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One earlier friendly reminder for a third of the overdue invoices."""
    overdue = inv[(inv["due_date"] < pd.Timestamp("2026-11-10"))].sample(frac=0.33, random_state=1)
    sent = overdue["due_date"] + pd.Timedelta(days=5)
    return pd.DataFrame(
        {
            "customer_id": overdue["customer_id"],
            "currency": overdue["currency"],
            "stage": "friendly",
            "invoice_ids": overdue["invoice_id"],
            "sent_at": sent.dt.tz_localize("UTC") + pd.Timedelta(hours=9),
            "key": np.char.add("k", np.arange(len(overdue)).astype(str)),
        }
    )


def payments(n_customers: int, rng: np.random.Generator) -> pd.DataFrame:
    """Last year's invoices with paid dates, for segmentation."""
    n = n_customers * 3
    due = pd.Timestamp("2026-06-01") + pd.to_timedelta(rng.integers(0, 150, n), unit="D")
    late = pd.to_timedelta(rng.choice([-2, 0, 3, 10, 30], n), unit="D")
    return pd.DataFrame(
        {
            "customer_id": np.char.add("C", rng.integers(0, n_customers, n).astype(str)),
            "due_date": due,
            "paid_date": due + late,
        }
    )


def main(n_customers: int = 100_000, n_invoices: int = 1_000_000) -> dict[str, float]:
    """Build the frames, time segmentation and plan(), print and write the figures."""
    rng = np.random.default_rng(7)
    policy = load_policy(yaml.safe_load((ROOT / "config" / "dunning.yaml").read_text()))
    cust, inv = customers(n_customers, rng), invoices(n_invoices, n_customers, rng)
    hist, pay = history(inv, rng), payments(n_customers, rng)
    unmatched = pd.DataFrame(
        {
            "transaction_id": [f"T{i}" for i in range(300)],
            "counterparty_name": cust["name"].to_numpy()[:3000:10],
            "counterparty_iban": "",
            "amount_minor": 1000,
            "currency": "EUR",
        }
    )
    t0 = time.perf_counter()
    seg = segment_customers(cust, inv, pay, AS_OF, policy)
    t1, c1 = time.perf_counter(), time.process_time()
    result = plan(inv, cust, hist, AS_OF, policy, unmatched_incoming=unmatched, segments=seg)
    t2, c2 = time.perf_counter(), time.process_time()
    figures = {
        "customers": n_customers,
        "open_invoices": n_invoices,
        "history_rows": len(hist),
        "segment_seconds": round(t1 - t0, 2),
        "plan_seconds": round(t2 - t1, 2),
        "plan_cpu_seconds": round(c2 - c1, 2),
        "actions": len(result.actions),
        "messages": len(result.messages),
        "limit_seconds": LIMIT_SECONDS,
        "ok": (t2 - t1) < LIMIT_SECONDS,
    }
    print(json.dumps(figures, indent=2))
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "dunning.json").write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:3]]
    sys.exit(0 if main(*sizes)["ok"] else 1)
