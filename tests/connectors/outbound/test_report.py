"""Controller report: figures checked against the data, sent to a real SMTP server and parsed."""

from __future__ import annotations

import csv
import io
import re
import socket
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from email import message_from_bytes, policy
from html import unescape

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.connectors.outbound.mail import FileOutbox, SmtpTransport
from dunwell.connectors.outbound.report import ReportInputs, build_report, dso, send_report
from dunwell.connectors.quality.validation import check
from dunwell.errors import DeliveryError

AS_OF = date(2026, 11, 20)


class Sink:
    """An SMTP handler answering 451 to the first `refuse` messages, keeping the rest."""

    def __init__(self) -> None:
        self.refuse, self.attempts, self.messages = 0, 0, []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.attempts += 1
        if self.attempts <= self.refuse:
            return "451 4.3.0 try again later"
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    """A real SMTP server on 127.0.0.1 with a free port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


# (transaction_id, booking_date, amount text, currency)
BANK = [
    ("T1", "2026-11-18", "1200.00", "EUR"),
    ("T2", "2026-11-18", "350.50", "EUR"),
    ("T3", "2026-11-19", "99.99", "EUR"),
    ("T4", "2026-11-19", "-40.00", "EUR"),
    ("T5", "2026-11-19", "500.00", "USD"),
    ("T6", "2026-11-19", "75.25", "USD"),
]
MATCHES = [("T1", "I1", "auto", 120000), ("T2", "I2", "review", 35050), ("T5", "I5", "auto", 50000)]
# (invoice_id, customer, currency, amount, open, due_date, status)
INVOICES = [
    ("I1", "C1", "EUR", "1200.00", "0.00", "2026-11-01", "paid"),
    ("I2", "C2", "EUR", "350.50", "350.50", "2026-11-25", "open"),
    ("I3", "C1", "EUR", "800.00", "800.00", "2026-11-05", "open"),
    ("I4", "C3", "EUR", "1000.10", "1000.10", "2026-08-01", "open"),
    ("I5", "C4", "USD", "500.00", "0.00", "2026-11-10", "paid"),
    ("I6", "C4", "USD", "2500.00", "2500.00", "2026-09-30", "open"),
    ("I7", "C5", "EUR", "10.00", "10.00", "2026-11-30", "open"),
]
DISCREPANCIES = [
    ("unmatched_payment", "T3", "", "99.99", "no invoice found"),
    ("unmatched_payment", "T6", "", "75.25", "no invoice found"),
    ("short_payment", "T1", "I1", "12.40", "paid 12.40 less"),
    ("bank_fee", "T2", "I2", "3.10", "fee deducted"),
]


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


def _inputs(tmp_path) -> ReportInputs:
    txns = pd.DataFrame(BANK, columns=["transaction_id", "booking_date", "amount", "currency"])
    txns["booking_date"] = pd.to_datetime(txns["booking_date"])
    txns["amount_minor"] = txns["amount"].map(_cents)
    txns = txns.assign(
        counterparty_name="",
        counterparty_iban="",
        remittance_info="",
        account="",
        line=range(2, 2 + len(txns)),
    )
    inv = pd.DataFrame(
        INVOICES,
        columns=[
            "invoice_id",
            "customer_id",
            "currency",
            "amount",
            "open_amount",
            "due_date",
            "status",
        ],
    )
    inv = inv.assign(
        amount_minor=inv["amount"].map(_cents),
        open_minor=inv["open_amount"].map(_cents),
        customer_name=inv["customer_id"] + " Ltd",
        issue_date=pd.Timestamp("2026-07-01"),
        due_date=pd.to_datetime(inv["due_date"]),
        email="",
        disputed=False,
        promise_to_pay_date=pd.NaT,
        line=range(2, 2 + len(inv)),
    )
    inv.loc[inv["invoice_id"] == "I7", "currency"] = "EURO"  # a quarantined row
    quality = (check("invoices", inv, as_of=AS_OF, out_dir=tmp_path),)
    matches = pd.DataFrame(
        MATCHES, columns=["transaction_id", "invoice_id", "decision", "applied_minor"]
    )
    disc = pd.DataFrame(
        DISCREPANCIES, columns=["kind", "transaction_id", "invoice_id", "amount", "detail"]
    )
    review = pd.DataFrame({"transaction_id": ["T2"], "invoice_id": ["I2"], "confidence": [72]})
    actions = pd.DataFrame(
        [
            ("2026-11-20", "C1", "EUR", "I3", "friendly", "email", "friendly", "en", "", "<m1@x>"),
            (
                "2026-11-20",
                "C3",
                "EUR",
                "I4",
                "human_review",
                "human_review",
                "",
                "en",
                "final unanswered",
                "",
            ),
            ("2026-11-20", "C4", "USD", "I6", "firm", "hold", "firm", "en", "promise_to_pay", ""),
        ],
        columns=[
            "run_date",
            "customer_id",
            "currency",
            "invoice_ids",
            "stage",
            "channel",
            "template",
            "language",
            "reason",
            "message_id",
        ],
    )
    history = ((date(2026, 11, 6), Decimal("51.0")), (date(2026, 11, 13), Decimal("48.5")))
    return ReportInputs(
        AS_OF,
        "Acme <Trading> GmbH",
        txns,
        quality[0].clean,
        matches,
        disc,
        review,
        actions,
        quality,
        None,
        history,
        None,
    )


def _eur(amount: Decimal) -> str:
    return f"EUR\u00a0{amount:,.2f}"


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_report_figures_match_the_data(tmp_path):
    inputs = _inputs(tmp_path)
    report = build_report(inputs, tmp_path)
    text = _text(report.html_path.read_text(encoding="utf-8"))
    received = sum(Decimal(a) for _, _, a, c in BANK if c == "EUR" and Decimal(a) > 0)
    auto = sum(Decimal(a) for t, _, a, c in BANK if c == "EUR" and t == "T1")
    unmatched = sum(Decimal(a) for t, _, a, c in BANK if c == "EUR" and t == "T3")
    for figure in (received, auto, unmatched):
        assert _eur(figure) in text
    assert "3 payments" in text and "USD\u00a0575.25" in text
    # aging, EUR: I2 not yet due, I3 15 days, I4 111 days; I7 quarantined, I1 paid
    assert re.search(
        r"EUR\s+EUR\u00a0350\.50\s+EUR\u00a0800\.00\s+EUR\u00a00\.00\s+EUR\u00a00\.00"
        r"\s+EUR\u00a01,000\.10\s+EUR\u00a02,150\.60",
        text,
    )
    unmatched_total = sum(
        Decimal(a) for k, _, _, a, _ in DISCREPANCIES if k == "unmatched_payment" and a == "99.99"
    )
    assert _eur(unmatched_total) in text and "USD\u00a075.25" in text
    assert "Acme &lt;Trading&gt; GmbH" in report.html_path.read_text(encoding="utf-8")
    assert "C3 Ltd" in text and "final unanswered" in text
    assert "currency is not an ISO 4217 code" in text and "48.5" in text
    assert "<script" not in report.email_html and "http" not in report.email_html


def test_report_files_are_saved_next_to_report_html(tmp_path):
    report = build_report(_inputs(tmp_path), tmp_path)
    names = {p.name for p in report.files}
    assert names == {
        "report.html",
        "aging.png",
        "discrepancies.csv",
        "review_queue.csv",
        "quarantine.csv",
        "marked_money.csv",
    }
    assert all((tmp_path / n).is_file() for n in names)
    assert 'src="data:image/png;base64,' in report.html_path.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def _csv_rows(part) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(part.get_content())))


def test_sent_report_has_html_text_inline_chart_and_csv_attachments(tmp_path, smtp):
    sink, port = smtp
    report = build_report(_inputs(tmp_path), tmp_path)
    transport = SmtpTransport("127.0.0.1", port, mail_from="ar@example.com")
    mid = send_report(report, transport, ["controller@example.com"], "Daily report 2026-11-20")
    [raw] = sink.messages
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Message-ID"] == mid and msg["Subject"] == "Daily report 2026-11-20"
    html = msg.get_body(("html",)).get_content()
    assert "EUR\u00a01,650.49" in _text(html)
    assert "EUR" in msg.get_body(("plain",)).get_content()
    [image] = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html and image.get_content().startswith(b"\x89PNG")
    files = {p.get_filename(): p for p in msg.iter_attachments()}
    assert set(files) == {"discrepancies.csv", "review_queue.csv", "quarantine.csv"}
    assert all(p.get_content_type() == "text/csv" for p in files.values())
    disc = _csv_rows(files["discrepancies.csv"])
    assert [
        (r["kind"], r["transaction_id"], r["invoice_id"], r["amount"], r["detail"]) for r in disc
    ] == DISCREPANCIES
    assert _csv_rows(files["review_queue.csv"]) == [
        {"transaction_id": "T2", "invoice_id": "I2", "confidence": "72"}
    ]
    [quarantined] = _csv_rows(files["quarantine.csv"])
    assert (quarantined["dataset"], quarantined["line"], quarantined["invoice_id"]) == (
        "invoices",
        "8",
        "I7",
    )
    assert quarantined["reason"] == "currency is not an ISO 4217 code"
    assert quarantined["amount"] == "10.00"


def test_report_is_delivered_after_two_refusals(tmp_path, smtp):
    sink, port = smtp
    sink.refuse = 2
    report = build_report(_inputs(tmp_path), tmp_path)
    transport = SmtpTransport("127.0.0.1", port, attempts=3, backoff=0.0, sleep=lambda s: None)
    send_report(report, transport, ["controller@example.com"], "Report")
    assert sink.attempts == 3 and len(sink.messages) == 1


def test_failed_delivery_raises_and_leaves_the_report_on_disk(tmp_path, smtp):
    sink, port = smtp
    sink.refuse = 99
    report = build_report(_inputs(tmp_path), tmp_path)
    transport = SmtpTransport("127.0.0.1", port, attempts=3, backoff=0.0, sleep=lambda s: None)
    with pytest.raises(DeliveryError):
        send_report(report, transport, ["controller@example.com"], "Report")
    assert sink.attempts == 3 and report.html_path.is_file()


def test_report_to_the_file_outbox(tmp_path):
    report = build_report(_inputs(tmp_path), tmp_path / "out")
    mid = send_report(report, FileOutbox(tmp_path / "outbox"), ["c@example.com"], "Report")
    [eml] = (tmp_path / "outbox").iterdir()
    assert message_from_bytes(eml.read_bytes(), policy=policy.default)["Message-ID"] == mid


def test_a_critical_quality_failure_is_announced_at_the_top(tmp_path):
    inputs = _inputs(tmp_path)
    frame = pd.DataFrame(
        {
            "account": ["A", "A"],
            "currency": ["EUR"] * 2,
            "statement_date": pd.to_datetime(["2026-11-01", "2026-11-02"]),
            "opening_minor": [0, 5],
            "movement_minor": [10, 0],
            "closing_minor": [10, 5],
            "line": [2, 3],
        }
    )
    bad = check("statements", frame, as_of=AS_OF, out_dir=tmp_path)
    report = build_report(ReportInputs(**{**_fields(inputs), "quality": (bad,)}), tmp_path)
    assert report.critical and "Run stopped" in report.email_html


def _fields(inputs: ReportInputs) -> dict:
    return {name: getattr(inputs, name) for name in ReportInputs.__dataclass_fields__}


def test_a_quiet_day_renders_without_figures(tmp_path):
    inputs = _inputs(tmp_path)
    empty = {
        "transactions": inputs.transactions.iloc[0:0],
        "invoices": inputs.invoices.iloc[0:0],
        "matches": inputs.matches.iloc[0:0],
        "discrepancies": inputs.discrepancies.iloc[0:0],
        "review_queue": inputs.review_queue.iloc[0:0],
        "actions": inputs.actions.iloc[0:0],
        "quality": (),
        "dso_history": (),
    }
    report = build_report(ReportInputs(**{**_fields(inputs), **empty}), tmp_path)
    text = _text(report.email_html)
    for phrase in (
        "No incoming payments",
        "No discrepancies",
        "No reminder was due",
        "No open receivables",
        "No data-quality checks ran",
    ):
        assert phrase in text


def test_quarantined_rows_without_an_amount_or_with_a_bad_currency_are_written_blank(tmp_path):
    # quarantine stacks datasets: a customers row has no amount, a bad row no valid currency
    quarantined = pd.DataFrame({
        "dataset": ["invoices", "customers", "transactions"], "line": [4, 7, 9],
        "reason": ["due date before issue date", "IBAN checksum", "unknown currency"],
        "amount_minor": [123450, None, 500], "currency": ["EUR", None, "EURO"],
    })
    inputs = ReportInputs(**{**_fields(_inputs(tmp_path)), "quarantined": quarantined})
    report = build_report(inputs, tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "quarantine.csv").read_text())))
    assert [r["amount"] for r in rows] == ["1234.50", "", ""]
    assert "quarantine.csv" in [a.filename for a in report.attachments]


def test_the_report_names_the_statement_period_and_what_is_overdue(tmp_path):
    inputs = _inputs(tmp_path)
    report = build_report(inputs, tmp_path)
    days = pd.to_datetime(inputs.transactions["booking_date"])
    period = f"{days.min().date().isoformat()} to {days.max().date().isoformat()}"
    assert f"Statements: {period}" in report.text
    open_ = inputs.invoices[(inputs.invoices["status"] == "open")
                            & (inputs.invoices["open_minor"] != 0)]
    overdue = open_[open_["due_date"] < pd.Timestamp(inputs.as_of)]
    eur = int(overdue.loc[overdue["currency"] == "EUR", "open_minor"].sum())
    assert eur > 0
    assert f"overdue {_eur(Decimal(eur) / 100)}" in report.text


def _dso_by_groups(invoices: pd.DataFrame, as_of: date, days: int = 90) -> list[dict]:
    """DSO as its definition reads, group by group: open receivables over what was
    invoiced in the last `days` days, times `days`."""
    billed = invoices[invoices["status"].isin(["open", "paid"])]
    recent = billed[billed["issue_date"] > pd.Timestamp(as_of) - pd.Timedelta(days=days)]
    rows = []
    for currency, group in billed.groupby("currency", sort=True):
        sales = int(recent.loc[recent["currency"] == currency, "amount_minor"].sum())
        open_ = int(group.loc[group["status"] == "open", "open_minor"].sum())
        if sales > 0:
            value = (Decimal(open_) / Decimal(sales) * days).quantize(Decimal("0.1"),
                                                                      ROUND_HALF_UP)
            rows.append({"currency": currency, "days": value})
    return rows


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["EUR", "IDR", "CHF", None]),
                          st.sampled_from(["open", "paid", "cancelled", "disputed"]),
                          st.integers(0, 200), st.integers(0, 10**15), st.integers(0, 10**15)),
                max_size=40))
def test_dso_is_open_receivables_over_recent_sales_per_currency(rows: list[tuple]) -> None:
    as_of = date(2026, 12, 5)
    invoices = pd.DataFrame({
        "currency": pd.Series([r[0] for r in rows], dtype="str"),
        "status": pd.Series([r[1] for r in rows], dtype="str"),
        "issue_date": pd.Series([pd.Timestamp(as_of) - pd.Timedelta(days=r[2]) for r in rows],
                                dtype="datetime64[s]"),
        "amount_minor": pd.Series([r[3] for r in rows], dtype="int64"),
        "open_minor": pd.Series([r[4] for r in rows], dtype="int64"),
    })
    assert dso(invoices, as_of) == _dso_by_groups(invoices, as_of)
