"""Benchmark: the workbench's review list, payment and customer pages with real volume.

1M invoices (50k customers), 50k payments waiting for review (two candidates
each) and 300k booked matches in PostgreSQL; each page is fetched over HTTP
through the app (query, template, response) and timed. Target: p95 under 200 ms.
The review list pages by keyset (a cursor from the previous page), so "deep"
pages start at cursors sampled across the whole queue.

    .venv/bin/python bench/bench_web.py [requests_per_page]

The database is BENCH_WEB_DATABASE_URL (default: database `dunwell_bench` on
127.0.0.1, created when missing); the data is loaded once and kept for reruns.
Writes bench/out/web.json.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_WEB_DATABASE_URL",
                     "postgresql+psycopg://postgres@127.0.0.1:5432/dunwell_bench")
CUSTOMERS, INVOICES, REVIEW, BOOKED = 50_000, 1_000_000, 50_000, 300_000
TARGET_MS = 200.0
PASSWORD = "bench password only"


def _ensure_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        known = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                   {"n": parsed.database}).first()
        if known is None:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def _copy(connection, table: str, columns: str, rows) -> None:  # noqa: ANN001
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _invoices():
    start = date(2025, 1, 1)
    for n in range(INVOICES):
        customer = n % CUSTOMERS
        issued = start + timedelta(days=n % 600)
        amount = f"{100 + (n * 37) % 9900}.{n % 100:02d}"
        yield (f"INV-{n:07d}", f"C{customer:05d}", f"Customer {customer:05d} GmbH", "EUR",
               amount, amount, issued, issued + timedelta(days=30), "open", False, "0",
               "2026-12-01T00:00:00+00")


def _transactions(import_id: int):
    for n in range(REVIEW + BOOKED):
        yield ("DE02120300000000202051", f"T{n:07d}", f"fp{n}", import_id, n + 2,
               date(2026, 11, 1) + timedelta(days=n % 30), f"{100 + n % 900}.00", "EUR",
               f"Customer {n % CUSTOMERS:05d} GmbH", f"DE{n:020d}", f"INV-{(n * 7) % INVOICES:07d}")


def _matches():
    for n in range(REVIEW):
        for rank in (1, 2):
            invoice = (n * 7 + rank - 1) % INVOICES
            yield ("bench", f"T{n:07d}", f"INV-{invoice:07d}", f"{100 + n % 900}.00", "EUR",
                   90 - rank * 10 - n % 40, "review", "amount; name", rank, "proposed",
                   "2026-12-01T00:00:00+00")
    for n in range(REVIEW, REVIEW + BOOKED):
        yield ("bench", f"T{n:07d}", f"INV-{(n * 7) % INVOICES:07d}", f"{100 + n % 900}.00",
               "EUR", 99, "auto", "reference", 1, "booked", "2026-12-01T00:00:00+00")


def load(engine) -> None:  # noqa: ANN001
    """Fill an empty database once; a rerun finds the data and keeps it."""
    with engine.begin() as connection:
        if connection.execute(text("SELECT count(*) FROM invoices")).scalar_one() >= INVOICES:
            return
        started = time.perf_counter()
        _copy(connection, "customers", "customer_id, name, language, do_not_contact, updated_at",
              ((f"C{c:05d}", f"Customer {c:05d} GmbH", "en", False, "2026-12-01T00:00:00+00")
               for c in range(CUSTOMERS)))
        _copy(connection, "invoices", "invoice_id, customer_id, customer_name, currency, amount, "
              "open_amount, issue_date, due_date, status, disputed, pending_applied, updated_at",
              _invoices())
        import_id = connection.execute(text(
            "INSERT INTO statement_imports (file_name, file_hash, format, imported_at, new_count,"
            " known_count, rejected_count) VALUES ('bench', 'bench', 'csv', now(), 0, 0, 0) "
            "RETURNING id")).scalar_one()
        connection.execute(text("INSERT INTO runs (id, kind, started_at, status, parameters) "
                                "VALUES ('bench', 'daily', now(), 'succeeded', '{}')"))
        _copy(connection, "bank_transactions", "account, transaction_id, fingerprint, import_id, "
              "line, booking_date, amount, currency, counterparty_name, counterparty_iban, "
              "remittance_info", _transactions(import_id))
        _copy(connection, "matches", "run_id, transaction_id, invoice_id, applied_amount, "
              "currency, confidence, decision, reasons, rank, status, created_at", _matches())
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))  # what autovacuum does after a bulk load


def _cursors(engine, rng: random.Random, count: int) -> list[str]:  # noqa: ANN001
    """Cursors (confidence:payment) of best proposals spread over the whole queue."""
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT DISTINCT ON (transaction_id) confidence, transaction_id FROM matches "
            "WHERE status = 'proposed' ORDER BY transaction_id, confidence DESC, id")).all()
    return [f"{c}:{t}" for c, t in rng.sample(rows, min(count, len(rows)))]


def _timed(client, paths: list[str]) -> dict[str, float]:  # noqa: ANN001
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return {"requests": len(times), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1), "max_ms": round(times[-1], 1)}


def main(per_page: int = 200) -> dict:
    """Load once, sign in, then time each page `per_page` times on random ids."""
    from fastapi.testclient import TestClient

    from dunwell import access
    from dunwell.connectors.storage import open_db
    from dunwell.web import create_app

    _ensure_database(URL)
    engine = open_db(URL)
    load(engine)
    access.add_user(engine, access.cli_actor(), "bench", "viewer", PASSWORD)
    rng = random.Random(7)
    client = TestClient(create_app(engine))
    login = client.get("/login").text
    token = login.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"csrf": token, "name": "bench", "password": PASSWORD})
    cursors = _cursors(engine, rng, per_page)
    pages = {
        "review list, first page": ["/review"] * (per_page // 4),
        "review list, next page from a cursor": [f"/review?after={quote(c)}" for c in cursors],
        "review list search (payer name)": [f"/review?q=customer+{rng.randint(0, 49999):05d}"
                                            for _ in range(per_page // 4)],
        "review list search (invoice number)": [
            f"/review?q=INV-{(rng.randint(0, REVIEW - 1) * 7) % INVOICES:07d}"
            for _ in range(per_page // 4)],
        "review list search (matches all: gmbh)": ["/review?q=gmbh"] * (per_page // 8),
        "one payment with candidates": [f"/review/payment?id=T{rng.randint(0, REVIEW - 1):07d}"
                                        for _ in range(per_page)],
        "customer page (20 invoices)": [f"/customer?id=C{rng.randint(0, CUSTOMERS - 1):05d}"
                                        for _ in range(per_page)],
    }
    _timed(client, ["/review", "/customer?id=C00001"])  # warm the templates and the pool
    results = [{"page": name, **_timed(client, paths)} for name, paths in pages.items()]
    report = {"invoices": INVOICES, "customers": CUSTOMERS, "review_payments": REVIEW,
              "booked_matches": BOOKED, "target_p95_ms": TARGET_MS, "results": results}
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "web.json").write_text(json.dumps(report, indent=2))
    for row in results:
        verdict = "ok" if row["p95_ms"] <= TARGET_MS else "OVER TARGET"
        print(f"{row['page']:<36} p50 {row['p50_ms']:>7} ms  p95 {row['p95_ms']:>7} ms  "
              f"max {row['max_ms']:>7} ms  {verdict}")
    engine.dispose()
    return report


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
