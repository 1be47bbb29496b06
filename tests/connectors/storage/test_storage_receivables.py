"""Customers and invoices: upserted from frames, read back with manual decisions applied."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine
from storage_samples import customers_frame, invoices_frame

from dunwell.connectors.storage import (
    load_customers,
    load_invoices,
    pause_customer,
    pin_segment,
    record_dispute,
    record_promise,
    resolve_dispute,
    resume_customer,
    transaction,
    upsert_customers,
    upsert_invoices,
)
from dunwell.connectors.storage.columns import amounts, dates, decimals
from dunwell.frames import CUSTOMER_COLUMNS, INVOICE_COLUMNS


def test_invoices_round_trip_in_minor_units(db_engine: Engine) -> None:
    frame = invoices_frame([("INV-1", "C1", "EUR", 123456), ("INV-2", "C2", "JPY", 5000),
                            ("INV-3", "C1", "BHD", 1234)])
    with transaction(db_engine) as session:
        assert upsert_invoices(session, frame) == 3
    with transaction(db_engine) as session:
        loaded = load_invoices(session)
    assert list(loaded.columns) == list(INVOICE_COLUMNS)
    assert loaded["amount_minor"].tolist() == [123456, 5000, 1234]
    assert loaded["open_minor"].dtype == "int64"
    assert loaded["due_date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-10-31"] * 3
    assert loaded["promise_to_pay_date"].isna().all()
    assert not loaded["disputed"].any()


def test_upserting_again_updates_instead_of_duplicating(db_engine: Engine) -> None:
    with transaction(db_engine) as session:
        upsert_invoices(session, invoices_frame([("INV-1", "C1", "EUR", 10000)]))
    changed = invoices_frame([("INV-1", "C1", "EUR", 10000), ("INV-2", "C1", "EUR", 500)])
    changed.loc[0, "open_minor"] = 2500
    with transaction(db_engine) as session:
        upsert_invoices(session, changed)
    with transaction(db_engine) as session:
        loaded = load_invoices(session)
        open_only = load_invoices(session, open_only=True)
    assert loaded["open_minor"].tolist() == [2500, 500]
    assert len(open_only) == 2


def test_customers_round_trip_and_manual_pins_and_pauses_apply(db_engine: Engine) -> None:
    frame = customers_frame("C1", "C2")
    frame.loc[0, "iban"] = "de89 3704 0044 0532 0130 00"
    with transaction(db_engine) as session:
        upsert_customers(session, frame)
        pin_segment(session, "C1", "strategic", note="CFO asked")
        pause_customer(session, "C2", note="moving offices")
    with transaction(db_engine) as session:
        loaded = load_customers(session)
    assert list(loaded.columns) == [*CUSTOMER_COLUMNS, "paused"]
    assert loaded["iban"].tolist() == ["DE89370400440532013000", ""]
    assert loaded["segment"].tolist() == ["strategic", ""]
    assert loaded["paused"].tolist() == [False, True]
    with transaction(db_engine) as session:
        resume_customer(session, "C2")
        pin_segment(session, "C1", None)
        loaded = load_customers(session)
    assert loaded["paused"].tolist() == [False, False]
    assert loaded["segment"].tolist() == ["", ""]


def test_disputes_and_promises_recorded_by_hand_override_the_export(db_engine: Engine) -> None:
    with transaction(db_engine) as session:
        upsert_invoices(session, invoices_frame([("INV-1", "C1", "EUR", 100), ("INV-2", "C1",
                                                                              "EUR", 200)]))
        record_dispute(session, "INV-1", who="ar@example.com", text="goods damaged")
        record_promise(session, "INV-2", date(2026, 12, 1), who="phone")
        record_promise(session, "INV-2", date(2026, 12, 15), who="phone")
    with transaction(db_engine) as session:
        loaded = load_invoices(session).set_index("invoice_id")
    assert bool(loaded.loc["INV-1", "disputed"]) is True
    assert loaded.loc["INV-2", "promise_to_pay_date"] == pd.Timestamp("2026-12-15")
    with transaction(db_engine) as session:
        resolve_dispute(session, "INV-1", text="credit note issued")
        assert not load_invoices(session).set_index("invoice_id").loc["INV-1", "disputed"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(-10**15, 10**15)),
                          st.sampled_from(["EUR", "JPY", "BHD", "CLF", "KWD", "USD"])),
                max_size=40))
def test_amounts_for_sqlite_are_the_floats_sqlalchemy_would_store_of_the_decimals(rows) -> None:
    minor = pd.Series([m for m, _ in rows], dtype="object")
    currencies = [c for _, c in rows]
    expected = [None if d is None else float(d) for d in decimals(minor, currencies)]
    with create_engine("sqlite://").connect() as connection:
        got = amounts(connection, minor, currencies)
    assert got == expected
    assert all(g is None or type(g) is float for g in got)


def test_amounts_keep_decimals_for_a_database_with_a_decimal_type() -> None:
    engine = create_engine("postgresql+psycopg://u@localhost/x")  # never connected
    assert amounts(engine, pd.Series([1234, None]), ["EUR", "EUR"]) == [Decimal("12.34"), None]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2100, 12, 31))),
                max_size=30))
def test_dates_are_each_rows_day_and_none_for_a_missing_one(days) -> None:
    column = pd.Series(pd.to_datetime(pd.Series(days, dtype="object")))
    assert dates(column) == days
