"""Invoice sources beyond the canonical CSV: Excel exports and SQL queries, mapped by profiles.

Every workbook and database here is made by the test; expected frames are built by hand
from the values written, not from the reader.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from dunwell.connectors.sources.invoice_sources import PROFILES_DIR, float_text, read_invoice_source
from dunwell.errors import ConfigError, InputError, InputErrors

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "invoices"
COMPARED = ["invoice_id", "customer_id", "customer_name", "currency", "amount_minor",
            "open_minor", "issue_date", "due_date", "status", "line"]
SAP_HEADER = ["Belegnummer", "Konto", "Name 1", "Belegwährung", "Betrag in Belegwährung",
              "Offener Betrag", "Belegdatum", "Nettofälligkeit"]


def _expected(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in ("invoice_id", "customer_id", "customer_name", "currency", "status"):
        frame[column] = frame[column].astype("str")
    for column in ("amount_minor", "open_minor", "line"):
        frame[column] = frame[column].astype("int64")
    for column in ("issue_date", "due_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    return frame[COMPARED]


def _assert_same_frame(frame: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(frame[COMPARED].reset_index(drop=True), expected,
                                  check_dtype=True)


def _errors(call) -> list[InputError]:  # noqa: ANN001
    with pytest.raises((InputError, InputErrors)) as caught:
        call()
    return caught.value.errors if isinstance(caught.value, InputErrors) else [caught.value]


def _workbook(path: Path, rows: list[list[object]], title: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


# --- Excel ---------------------------------------------------------------------------------

def test_float_text_is_what_excel_shows_without_float_noise():
    assert float_text(1234.5) == "1234.5"
    assert float_text(0.1 + 0.2) == "0.3"
    assert float_text(19.99 * 3) == "59.97"
    assert float_text(1e16) == "10000000000000000"
    assert float_text(1.5e-7) == "0.00000015"
    assert float_text(-12.0) == "-12"


def test_xlsx_with_canonical_header_numbers_and_dates_as_excel_stores_them(tmp_path):
    path = tmp_path / "invoices.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["invoice_id", "customer_id", "customer_name", "currency", "amount",
                  "open_amount", "issue_date", "due_date", "status"])
    sheet.append([10001, 4711, "Acme GmbH", "EUR", 1234.5, 1000, date(2026, 10, 1),
                  datetime(2026, 10, 31), "open"])
    sheet.append([])  # a blank row is skipped, and the next keeps its Excel row number
    sheet.append(["R-2", "C2", "Bee SA", "eur", 0.1 + 0.2, None, datetime(2026, 10, 2, 14, 30),
                  date(2026, 11, 1), None])
    sheet.append(["R-3", "C3", "Yen KK", "JPY", 5000, 4999.0, date(2026, 10, 3),
                  date(2026, 11, 2), "paid"])
    sheet["B2"].number_format = "000000"  # a customer number shown with leading zeros
    book.save(path)

    frame = read_invoice_source(path)

    _assert_same_frame(frame, _expected([
        {"invoice_id": "10001", "customer_id": "004711", "customer_name": "Acme GmbH",
         "currency": "EUR", "amount_minor": 123450, "open_minor": 100000,
         "issue_date": "2026-10-01", "due_date": "2026-10-31", "status": "open", "line": 2},
        {"invoice_id": "R-2", "customer_id": "C2", "customer_name": "Bee SA",
         "currency": "EUR", "amount_minor": 30, "open_minor": 30,
         "issue_date": "2026-10-02", "due_date": "2026-11-01", "status": "open", "line": 4},
        {"invoice_id": "R-3", "customer_id": "C3", "customer_name": "Yen KK",
         "currency": "JPY", "amount_minor": 5000, "open_minor": 4999,
         "issue_date": "2026-10-03", "due_date": "2026-11-02", "status": "paid", "line": 5},
    ]))
    from dunwell.connectors.sources.canonical import invoices_csv_frame

    assert invoices_csv_frame(frame)["amount"].tolist() == ["1234.50", "0.30", "5000"]


def _sap_rows() -> list[list[object]]:
    return [
        SAP_HEADER,
        [1800001, "100200", "Müller & Söhne", "EUR", 1234.5, 1234.5, date(2026, 10, 1),
         date(2026, 10, 31)],
        ["1800002", "100200", "Müller & Söhne", "EUR", "1.234,56", "234,56", "02.10.2026",
         "01.11.2026"],
        ["1800003", "100300", "Gutschrift AG", "EUR", "50,00-", "50-", "03.10.2026",
         datetime(2026, 11, 2)],
    ]


def test_sap_export_with_german_headers_and_decimal_comma_is_recognised(tmp_path):
    path = _workbook(tmp_path / "fbl5n.xlsx", _sap_rows(), title="Tabelle1")
    frame = read_invoice_source(path)
    _assert_same_frame(frame, _expected([
        {"invoice_id": "1800001", "customer_id": "100200", "customer_name": "Müller & Söhne",
         "currency": "EUR", "amount_minor": 123450, "open_minor": 123450,
         "issue_date": "2026-10-01", "due_date": "2026-10-31", "status": "open", "line": 2},
        {"invoice_id": "1800002", "customer_id": "100200", "customer_name": "Müller & Söhne",
         "currency": "EUR", "amount_minor": 123456, "open_minor": 23456,
         "issue_date": "2026-10-02", "due_date": "2026-11-01", "status": "open", "line": 3},
        {"invoice_id": "1800003", "customer_id": "100300", "customer_name": "Gutschrift AG",
         "currency": "EUR", "amount_minor": -5000, "open_minor": -5000,
         "issue_date": "2026-10-03", "due_date": "2026-11-02", "status": "open", "line": 4},
    ]))
    named = read_invoice_source(path, profile="sap_fbl5n")
    pd.testing.assert_frame_equal(named, frame)


def test_bad_excel_cell_names_the_excel_row_and_column(tmp_path):
    rows = _sap_rows()
    rows.insert(2, [None] * len(SAP_HEADER))  # blank row 3: row numbers stay Excel's
    rows[3][4] = "12,34,5"  # row 4
    rows.append(["1800004", "100300", "X", "EUR", 10, 10, "2026-10-05", "31.02.2026"])  # row 6
    path = _workbook(tmp_path / "fbl5n.xlsx", rows)
    errors = _errors(lambda: read_invoice_source(path))
    assert [e.message for e in errors] == [
        f"{path}:4: column amount: '12,34,5' is not an amount as 1.234,56 (profile sap_fbl5n)",
        f"{path}:6: column due_date: '31.02.2026' is not a date as DD.MM.YYYY "
        "(profile sap_fbl5n)",
        f"{path}:6: column issue_date: '2026-10-05' is not a date as DD.MM.YYYY "
        "(profile sap_fbl5n)",
    ]


def test_a_sheet_full_of_bad_cells_stops_after_twenty_problems(tmp_path):
    rows = _sap_rows()[:1] + [[f"R{i}", "1", "X", "EUR", "1,2,3", "1,2,3", "1.1.1", "x"]
                              for i in range(50)]
    errors = _errors(lambda: read_invoice_source(_workbook(tmp_path / "f.xlsx", rows)))
    assert len(errors) == 21 and [e.line for e in errors[:3]] == [2, 2, 2]
    assert errors[-1].line is None and errors[-1].problem.startswith("stopped after 20 problems")


def test_canonical_checks_name_the_excel_row(tmp_path):
    path = _workbook(tmp_path / "invoices.xlsx", [
        ["invoice_id", "customer_id", "currency", "amount", "issue_date", "due_date"],
        ["R-1", "C1", "EUR", 10, date(2026, 10, 1), date(2026, 10, 31)],
        ["R-2", "C1", "EURO", 1.234, date(2026, 10, 1), None],
    ])
    assert [(e.line, e.column, e.problem) for e in _errors(lambda: read_invoice_source(path))] == [
        (3, "amount", "'1.234' has more decimals than the currency allows"),
        (3, "currency", "'EURO' is not an ISO 4217 currency code"),
        (3, "due_date", "required value is empty"),
    ]
    first = str(_errors(lambda: read_invoice_source(path))[0])
    assert first.startswith(f"{path}:3: column amount: ")


def test_missing_mapped_column_names_the_column_and_the_profile(tmp_path):
    rows = [[c for c in row] for row in _sap_rows()]
    for row in rows:
        del row[SAP_HEADER.index("Nettofälligkeit")]
    path = _workbook(tmp_path / "fbl5n.xlsx", rows)
    errors = _errors(lambda: read_invoice_source(path, profile="sap_fbl5n"))
    assert [(e.line, e.column) for e in errors] == [(1, "Nettofälligkeit")]
    assert "profile sap_fbl5n" in errors[0].problem and "due_date" in errors[0].problem


def test_unrecognised_sheet_names_the_missing_canonical_columns(tmp_path):
    path = _workbook(tmp_path / "other.xlsx", [["Nummer", "Betrag"], ["1", 2]])
    errors = _errors(lambda: read_invoice_source(path))
    assert [(e.line, e.column) for e in errors] == [(1, c) for c in
                                                    ["invoice_id", "customer_id", "currency",
                                                     "amount", "issue_date", "due_date"]]
    assert "no invoice profile" in errors[0].problem


def test_not_a_workbook_and_missing_file_are_one_line(tmp_path):
    fake = tmp_path / "invoices.xlsx"
    fake.write_text("invoice_id,customer_id\n", encoding="utf-8")
    [error] = _errors(lambda: read_invoice_source(fake))
    assert error.message.startswith(f"{fake}: not an Excel workbook (.xlsx)")
    assert "\n" not in error.message
    [error] = _errors(lambda: read_invoice_source(tmp_path / "missing.xlsx"))
    assert error.message == f"{tmp_path / 'missing.xlsx'}: file not found"


def test_unknown_profile_names_it_and_lists_the_known_ones():
    [error] = _errors(lambda: read_invoice_source("profile:nope"))
    assert "unknown invoice profile 'nope'" in error.message
    assert "erp_sql_example" in error.message and "sap_fbl5n" in error.message
    [error] = _errors(lambda: read_invoice_source("x.xlsx", profile="../secrets"))
    assert "unknown invoice profile" in error.message


def test_csv_is_still_the_canonical_reader(tmp_path):
    path = tmp_path / "invoices.csv"
    path.write_text("invoice_id,customer_id,currency,amount,issue_date,due_date\n"
                    "R-1,C1,EUR,12.50,2026-10-01,2026-10-31\n", encoding="utf-8")
    frame = read_invoice_source(path)
    assert frame["amount_minor"].tolist() == [1250] and frame["line"].tolist() == [2]


# --- SQL -----------------------------------------------------------------------------------

ROWS = [
    # doc_no, debtor_no, debtor_name, currency, gross, open, doc_date, due_date, status
    ("R-1", "C1", "Acme GmbH", "EUR", "1234.50", "1234.50", date(2026, 10, 1),
     date(2026, 10, 31), "open"),
    ("R-2", "C2", "Bee SA", "EUR", "99.99", "49.99", date(2026, 10, 2), date(2026, 11, 1),
     "open"),
    ("R-3", "C2", "Bee SA", "CHF", "1000.00", "0.00", date(2026, 10, 3), date(2026, 11, 2),
     "paid"),
]


def _erp(url: str, rows=ROWS) -> None:  # noqa: ANN001
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE ar_open_items (doc_no VARCHAR(20), debtor_no VARCHAR(20), "
            "debtor_name VARCHAR(80), currency_code VARCHAR(3), gross_amount NUMERIC(15, 2), "
            "open_amount NUMERIC(15, 2), doc_date DATE, due_date DATE, doc_status VARCHAR(10))"))
        connection.execute(text(
            "INSERT INTO ar_open_items VALUES (:a, :b, :c, :d, CAST(:e AS NUMERIC(15, 2)), "
            "CAST(:f AS NUMERIC(15, 2)), :g, :h, :i)"),
            [dict(zip("abcdefghi", row, strict=True)) for row in rows])
    engine.dispose()


def test_sql_profile_reads_the_query_result(db_url):
    _erp(db_url)
    frame = read_invoice_source("profile:erp_sql_example", env={"ERP_DATABASE_URL": db_url})
    _assert_same_frame(frame, _expected([
        {"invoice_id": "R-1", "customer_id": "C1", "customer_name": "Acme GmbH",
         "currency": "EUR", "amount_minor": 123450, "open_minor": 123450,
         "issue_date": "2026-10-01", "due_date": "2026-10-31", "status": "open", "line": 1},
        {"invoice_id": "R-2", "customer_id": "C2", "customer_name": "Bee SA",
         "currency": "EUR", "amount_minor": 9999, "open_minor": 4999,
         "issue_date": "2026-10-02", "due_date": "2026-11-01", "status": "open", "line": 2},
        {"invoice_id": "R-3", "customer_id": "C2", "customer_name": "Bee SA",
         "currency": "CHF", "amount_minor": 100000, "open_minor": 0,
         "issue_date": "2026-10-03", "due_date": "2026-11-02", "status": "paid", "line": 3},
    ]))


def test_sql_bad_cell_names_the_query_row(db_url):
    rows = [ROWS[0], ("R-2", "C2", "Bee SA", "ABC", "1.00", "1.00", date(2026, 10, 2),
                      date(2026, 11, 1), "unknown")]
    _erp(db_url, rows)
    errors = _errors(lambda: read_invoice_source("profile:erp_sql_example",
                                                 env={"ERP_DATABASE_URL": db_url}))
    assert [e.message for e in errors] == [
        "profile:erp_sql_example: query row 2: column currency: 'ABC' is not an ISO 4217 "
        "currency code",
        "profile:erp_sql_example: query row 2: column status: 'unknown' is not one of "
        "cancelled, credit_note, open, paid",
    ]


def test_sql_with_the_url_variable_unset_says_which_variable():
    [error] = _errors(lambda: read_invoice_source("profile:erp_sql_example", env={}))
    assert error.message.startswith("profile:erp_sql_example: environment variable "
                                    "ERP_DATABASE_URL is not set")


def _profiles(tmp_path: Path, **changes: str) -> Path:
    """A profile folder with a copy of erp_sql_example, lines replaced as asked."""
    folder = tmp_path / "profiles"
    folder.mkdir(exist_ok=True)
    body = (PROFILES_DIR / "erp_sql_example.yaml").read_text(encoding="utf-8")
    for old, new in changes.items():
        body = body.replace(old, new)
    (folder / "erp.yaml").write_text(body, encoding="utf-8")
    return folder


def test_failing_query_is_one_clear_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'erp.db'}"
    [error] = _errors(lambda: read_invoice_source("profile:erp_sql_example",
                                                  env={"ERP_DATABASE_URL": url}))
    assert error.message == ("profile:erp_sql_example: the query failed: no such table: "
                             "ar_open_items")


def test_unreachable_database_never_shows_the_password(tmp_path):
    url = "postgresql+psycopg://reader:s3cret-pw@127.0.0.1:1/erp?connect_timeout=2"
    [error] = _errors(lambda: read_invoice_source("profile:erp_sql_example",
                                                  env={"ERP_DATABASE_URL": url}))
    assert error.message.startswith("profile:erp_sql_example: the query failed: ")
    assert "s3cret-pw" not in error.message and "\n" not in error.message


def test_query_without_a_mapped_column_names_it(tmp_path, db_url):
    _erp(db_url)
    folder = _profiles(tmp_path, **{"doc_status\n  FROM": "'open' AS state\n  FROM"})
    errors = _errors(lambda: read_invoice_source("profile:erp", profiles_dir=folder,
                                                 env={"ERP_DATABASE_URL": db_url}))
    assert [(e.column, e.source) for e in errors] == [("doc_status", "profile:erp")]
    assert "the query returns no column 'doc_status' (for status)" in errors[0].problem


@pytest.mark.parametrize("line", ["password: hunter2",
                                  "url: sqlite:///erp.db",
                                  "note: postgresql://reader:hunter2@db/erp"])
def test_a_secret_in_the_profile_is_refused(tmp_path, line):
    folder = _profiles(tmp_path, **{"url_env: ERP_DATABASE_URL":
                                    f"url_env: ERP_DATABASE_URL\n{line}"})
    with pytest.raises(ConfigError) as caught:
        read_invoice_source("profile:erp", profiles_dir=folder, env={})
    assert "hunter2" not in str(caught.value)
    assert "environment" in str(caught.value)


def test_url_env_must_name_a_variable_not_hold_the_url(tmp_path):
    folder = _profiles(tmp_path, **{"url_env: ERP_DATABASE_URL": "url_env: sqlite:///erp.db"})
    with pytest.raises(ConfigError, match="url_env: the name of an environment variable"):
        read_invoice_source("profile:erp", profiles_dir=folder, env={})


def test_excel_profile_given_for_a_sql_spec_is_refused():
    [error] = _errors(lambda: read_invoice_source("profile:sap_fbl5n", env={}))
    assert "describes an Excel export" in error.message


# --- wired into the run's inputs -----------------------------------------------------------

def test_load_inputs_reads_xlsx_and_sql_sources(tmp_path, monkeypatch):
    from dunwell.tasks.inputs import load_inputs

    bank = tmp_path / "bank.csv"
    bank.write_text("transaction_id,booking_date,amount,currency\nT1,2026-11-02,1234.50,EUR\n",
                    encoding="utf-8")
    xlsx = _workbook(tmp_path / "fbl5n.xlsx", _sap_rows())
    assert load_inputs(str(xlsx), None, [bank]).invoices["invoice_id"].tolist() == [
        "1800001", "1800002", "1800003"]
    url = f"sqlite:///{tmp_path / 'erp.db'}"
    _erp(url)
    monkeypatch.setenv("ERP_DATABASE_URL", url)
    inputs = load_inputs("profile:erp_sql_example", None, [bank])
    assert inputs.invoices["invoice_id"].tolist() == ["R-1", "R-2", "R-3"]
    assert inputs.customers["customer_id"].tolist() == ["C1", "C2"]
    monkeypatch.delenv("ERP_DATABASE_URL")
    with pytest.raises(InputErrors) as caught:
        load_inputs("profile:erp_sql_example", None, [tmp_path / "missing.csv"])
    assert [e.source for e in caught.value.errors] == ["profile:erp_sql_example",
                                                       str(tmp_path / "missing.csv")]


def _dunwell(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real `python -m dunwell.cli` in `folder`, with its own database and Prefect home."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("PREFECT_") and k != "ERP_DATABASE_URL"}
    clean.update(DUNWELL_DATABASE_URL=f"sqlite:///{folder / 'dunwell.db'}", COLUMNS="200",
                 PREFECT_HOME=str(folder / ".prefect"), **env)
    return subprocess.run([sys.executable, "-m", "dunwell.cli", *args], cwd=folder, env=clean,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_reconcile_with_a_sql_source_and_a_bad_workbook(tmp_path):
    url = f"sqlite:///{tmp_path / 'erp.db'}"
    _erp(url)
    (tmp_path / "bank.csv").write_text(
        "transaction_id,booking_date,amount,currency,counterparty_name,remittance_info\n"
        "T1,2026-11-02,1234.50,EUR,Acme GmbH,R-1\n", encoding="utf-8")
    done = _dunwell(tmp_path, "reconcile", "--invoices", "profile:erp_sql_example",
                    "--bank", "bank.csv", "--out", "out", ERP_DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    matches = pd.read_csv(tmp_path / "out" / "matches.csv", dtype=str)
    assert matches[["transaction_id", "invoice_id", "applied_amount", "decision"]
                   ].values.tolist() == [["T1", "R-1", "1234.50", "auto"]]

    rows = _sap_rows()
    rows[2][4] = "12,34,5"
    _workbook(tmp_path / "fbl5n.xlsx", rows)
    refused = _dunwell(tmp_path, "reconcile", "--invoices", "fbl5n.xlsx", "--bank", "bank.csv",
                       "--out", "out2")
    assert refused.returncode == 2
    assert refused.stderr.strip() == ("error: fbl5n.xlsx:3: column amount: '12,34,5' is not an "
                                      "amount as 1.234,56 (profile sap_fbl5n)")
    assert not (tmp_path / "out2").exists()
    unset = _dunwell(tmp_path, "reconcile", "--invoices", "profile:erp_sql_example",
                     "--bank", "bank.csv", "--out", "out3")
    assert unset.returncode == 2 and "Traceback" not in unset.stderr
    assert "ERP_DATABASE_URL is not set" in unset.stderr


def test_profile_with_title_rows_named_sheet_and_fixed_currency(tmp_path):
    """tests/fixtures/invoices/profiles/datev_like.yaml: header in row 3 of sheet OPOS."""
    book = openpyxl.Workbook()
    book.active.title = "Deckblatt"
    sheet = book.create_sheet("OPOS")
    sheet.append(["Offene Posten zum 31.10.2026"])
    sheet.append([])
    sheet.append(["Rechnungsnr.", "Kundennr.", "Kunde", "Betrag", "Offen", "Datum", "Fällig"])
    sheet.append(["2026-0815", 10001, "Kühn KG", "2.500,00", 2500, "15.10.2026",
                  date(2026, 11, 14)])
    path = tmp_path / "opos.xlsx"
    book.save(path)
    folder = FIXTURES / "profiles"
    frame = read_invoice_source(path, profiles_dir=folder)  # recognised from row 3 of OPOS
    _assert_same_frame(frame, _expected([
        {"invoice_id": "2026-0815", "customer_id": "10001", "customer_name": "Kühn KG",
         "currency": "EUR", "amount_minor": 250000, "open_minor": 250000,
         "issue_date": "2026-10-15", "due_date": "2026-11-14", "status": "open", "line": 4},
    ]))
    del book["OPOS"]
    book.save(path)
    [error] = _errors(lambda: read_invoice_source(path, "datev_like", profiles_dir=folder))
    assert error.message == (f"{path}: has no sheet 'OPOS' (profile datev_like); "
                             "its sheets: Deckblatt")
