"""The controller report: one HTML email (and report.html) summarising a run.

Figures are computed from the run's frames in integer minor units and shown
through babel; the aging chart is a matplotlib PNG, inline (CID) in the email
and a data URI in report.html. Discrepancies, the review queue and the
quarantined rows travel as CSV attachments and are saved next to report.html.
"""

from __future__ import annotations

import base64
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from dunwell.connectors.outbound.mail import (
    Attachment,
    InlineImage,
    Transport,
    build_email,
    sender_domain,
)
from dunwell.connectors.quality.validation import QualityResult
from dunwell.connectors.storage.files import write_atomic
from dunwell.currencies import is_currency
from dunwell.frames import minor_to_text
from dunwell.model import Decision, DeliveryStatus
from dunwell.money import D, format_money, from_minor, to_minor

TEMPLATES = Path(__file__).resolve().parents[2] / "config" / "templates" / "report"
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
STAGE_ORDER = ("pre_due", "friendly", "firm", "final", "human_review")
CHART_CID = "aging-chart@dunwell"
_COLOURS = ("#2e7d32", "#fbc02d", "#f57c00", "#d32f2f", "#5d1a1a")
_INK = ("white", "#222222", "#222222", "white", "white")
_MONEY_PATTERN = "\u00a4\u00a4\u00a0#,##0.00"  # ISO code, no-break space: "EUR 1,234.50"
LARGEST = 3  # per currency
QUARANTINE_SHOWN = 20


@dataclass(frozen=True, slots=True, eq=False)
class ReportInputs:
    """Everything a run hands to the report; frames follow `dunwell.frames`.

    Attributes:
      as_of: the run's date; aging and DSO count days to it.
      company: shown in the title.
      transactions: TRANSACTION_COLUMNS; incoming money is positive.
      invoices: INVOICE_COLUMNS after reconciliation (open_minor already reduced).
      matches: transaction_id, invoice_id, decision (auto | review), applied_minor.
      discrepancies: DISCREPANCY_COLUMNS; `amount` as canonical text or Decimal
        (or `amount_minor`), `currency` optional (else taken from the transaction/invoice).
      review_queue: the items waiting for a person, any columns; counted and attached.
      actions: ACTION_COLUMNS of the dunning run.
      quality: the run's QualityResults.
      quarantined: rows held back (dataset, line, reason, ...); default: the
        quality results' quarantines stacked.
      dso_history: earlier (date, DSO in days), oldest first.
      data_docs: the Data Docs index.html, linked from the report.
      locale: babel locale for money.
      deliveries: stage -> delivery status (sent, failed, bounced, unknown, planned)
        -> count, read from the outbox after sending; empty when nothing was sent.
      marked_money: MARKED_COLUMNS: the report's payments a person marked as a refund or
        as unrelated money (`dunwell unmatched mark`, the workbench); none when None.
    """

    as_of: date
    company: str
    transactions: pd.DataFrame
    invoices: pd.DataFrame
    matches: pd.DataFrame
    discrepancies: pd.DataFrame
    review_queue: pd.DataFrame
    actions: pd.DataFrame
    quality: tuple[QualityResult, ...] = ()
    quarantined: pd.DataFrame | None = None
    dso_history: tuple[tuple[date, Decimal], ...] = ()
    data_docs: Path | None = None
    locale: str = "en_US"
    deliveries: dict[str, dict[str, int]] = field(default_factory=dict)
    marked_money: pd.DataFrame | None = None


MARKED_COLUMNS = ["transaction_id", "booking_date", "amount", "currency", "counterparty_name",
                  "kind", "note", "marked_by", "marked_at"]
"""marked_money.csv: one row per payment marked as a refund or unrelated; `amount` is
canonical decimal text, `marked_at` an ISO datetime (UTC)."""


@dataclass(frozen=True, slots=True)
class Report:
    """A rendered report: the saved page, the email's bodies and its parts."""

    html_path: Path
    email_html: str
    text: str
    inline_images: tuple[InlineImage, ...]
    attachments: tuple[Attachment, ...]
    critical: bool = False
    files: tuple[Path, ...] = field(default=())
    as_of: date | None = None


def build_report(inputs: ReportInputs, out_dir: Path) -> Report:
    """Compute the figures, render email and report.html, write them with CSVs and chart."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    quarantined = _quarantined(inputs)
    aging = aging_buckets(inputs.invoices, inputs.as_of)
    chart = aging_chart(aging, inputs.as_of, inputs.locale)
    figures = _figures(inputs, quarantined, aging)
    env = _environment(inputs.locale)
    docs = inputs.data_docs
    page = env.get_template("report.html.j2").render(
        **figures,
        chart_src="data:image/png;base64," + base64.b64encode(chart).decode(),
        docs_href=os.path.relpath(docs, out_dir) if docs else None,
    )
    email_html = env.get_template("report.html.j2").render(
        **figures,
        chart_src=f"cid:{CHART_CID}",
        docs_href=Path(docs).resolve().as_uri() if docs else None,
    )
    text = env.get_template("report.txt.j2").render(**figures)
    attachments: tuple[Attachment, ...] = (
        Attachment("discrepancies.csv", _csv(_discrepancies(inputs))),
        Attachment("review_queue.csv", _csv(inputs.review_queue)),
        Attachment("quarantine.csv", _csv(quarantined)),
    )
    marked = Attachment("marked_money.csv", _csv(_marked(inputs)))
    files = [_write(out_dir / a.filename, a.content) for a in (*attachments, marked)]
    if figures["marked"]:  # the email carries it only when a person marked money
        attachments = (*attachments, marked)
    files.append(_write(out_dir / "aging.png", chart))
    html_path = _write(out_dir / "report.html", page.encode("utf-8"))
    image = InlineImage(CHART_CID, chart, "image/png", "aging.png")
    critical = any(r.critical_failures for r in inputs.quality)
    return Report(html_path, email_html, text, (image,), attachments, critical, (*files, html_path),
                  inputs.as_of)


def send_report(
    report: Report,
    transport: Transport,
    recipients: Sequence[str],
    subject: str,
    sender: str = "dunwell <dunwell@localhost>",
) -> str:
    """Email the report through a transport; returns the Message-ID."""
    msg = build_email(
        subject,
        sender,
        recipients,
        report.text,
        report.email_html,
        report.inline_images,
        report.attachments,
        domain=sender_domain(sender),
    )
    return transport.send(msg)


# --- figures -------------------------------------------------------------------------------


def _figures(inputs: ReportInputs, quarantined: pd.DataFrame, aging: pd.DataFrame) -> dict:
    """The template's context: every number already summed, in minor units per currency."""
    return {
        "company": inputs.company,
        "as_of": inputs.as_of.isoformat(),
        "period": statement_period(inputs.transactions),
        "cash": cash_by_decision(inputs.transactions, inputs.matches),
        "discrepancy_kinds": _discrepancy_kinds(_discrepancies(inputs)),
        "largest": _largest(_discrepancies(inputs)),
        "review_count": _payments_waiting(inputs.review_queue),
        "quality": [_quality_row(r) for r in inputs.quality],
        "critical": any(r.critical_failures for r in inputs.quality),
        "quarantined": quarantined.head(QUARANTINE_SHOWN).to_dict("records"),
        "quarantined_count": len(quarantined),
        "stages": reminders_by_stage(inputs.actions),
        "handed_over": _handed_over(inputs.actions, inputs.invoices),
        "aging": aging.to_dict("records"),
        "buckets": BUCKETS,
        "dso": dso(inputs.invoices, inputs.as_of),
        "dso_history": [(d.isoformat(), v) for d, v in inputs.dso_history],
        "deliveries": delivery_table(inputs.deliveries),
        "marked": marked_money(_marked(inputs)),
    }


def statement_period(transactions: pd.DataFrame) -> str:
    """`2026-10-24 to 2026-11-20`: the booking days the statements of this report cover."""
    if transactions.empty:
        return ""
    days = pd.to_datetime(transactions["booking_date"])
    first, last = days.min().date().isoformat(), days.max().date().isoformat()
    return first if first == last else f"{first} to {last}"
DELIVERY_STATUSES = tuple(status.value for status in (
    DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.BOUNCED, DeliveryStatus.UNKNOWN,
    DeliveryStatus.PLANNED))


def delivery_table(deliveries: dict[str, dict[str, int]]) -> list[dict[str, object]]:
    """One row per stage with a count per delivery status, when any email was not delivered."""
    if not any(n for by in deliveries.values() for status, n in by.items() if status != "sent"):
        return []
    return [{"stage": stage, **{s: by.get(s, 0) for s in DELIVERY_STATUSES}}
            for stage, by in sorted(deliveries.items())]


def cash_by_decision(transactions: pd.DataFrame, matches: pd.DataFrame) -> list[dict]:
    """Incoming payments per currency, each counted once by its strongest decision."""
    incoming = transactions[transactions["amount_minor"] > 0]
    strength = outcome_of(matches).map({"booked": 2, "waiting": 1}).fillna(0)
    best = strength.groupby(level=0).max()
    rank = incoming["transaction_id"].map(best).fillna(0)
    status = rank.map({2: "auto", 1: "review", 0: "unmatched"})
    rows = []
    for currency, group in incoming.groupby("currency", sort=True):
        row: dict = {"currency": currency, "received": _sum(group)}
        for name in ("auto", "review", "unmatched"):
            row[name] = _sum(group[status.loc[group.index] == name])
        rows.append(row)
    return rows


def outcome_of(matches: pd.DataFrame) -> pd.Series:
    """Per match: `booked` (automatically, or by a person since), `waiting` for a person,
    or `rejected`. Earlier runs' matches carry their status; this run's only a decision."""
    decision = matches["decision"]
    outcome = np.full(len(matches), None, dtype=object)
    outcome[decision.eq(Decision.AUTO).to_numpy(dtype=bool, na_value=False)] = "booked"
    outcome[decision.eq(Decision.REVIEW).to_numpy(dtype=bool, na_value=False)] = "waiting"
    if "status" in matches:  # by comparisons: Series.map of a dict took 0.5 s at 1M rows
        for status, known in (("booked", "booked"), ("accepted", "booked"),
                              ("proposed", "waiting"), ("rejected", "rejected")):
            outcome[matches["status"].eq(status).to_numpy(dtype=bool, na_value=False)] = known
    return pd.Series(outcome, index=pd.Index(matches["transaction_id"]), name="outcome")


def _payments_waiting(queue: pd.DataFrame) -> int:
    """Payments in the review queue (each may list several ranked candidates)."""
    if "transaction_id" in queue:
        return int(queue["transaction_id"].nunique())
    return len(queue)


def _sum(frame: pd.DataFrame, column: str = "amount_minor") -> dict:
    return {"count": len(frame), "minor": int(frame[column].sum())}


def aging_buckets(invoices: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Open receivables per currency and days-past-due bucket, in minor units."""
    open_ = invoices[(invoices["status"] == "open") & (invoices["open_minor"] != 0)]
    days = (pd.Timestamp(as_of) - open_["due_date"]).dt.days
    bucket = pd.cut(days, [-(10**6), 0, 30, 60, 90, 10**6], labels=list(BUCKETS))
    sums = open_.groupby(["currency", bucket], observed=False)["open_minor"].sum()
    table = sums.unstack(fill_value=0).reindex(columns=list(BUCKETS), fill_value=0)
    table["total"] = table.sum(axis=1)
    table["overdue"] = table["total"] - table["current"]
    return table.astype("int64").reset_index()


def dso(invoices: pd.DataFrame, as_of: date, days: int = 90) -> list[dict]:
    """Days sales outstanding per currency: open receivables / invoiced in `days` days x days.

    Summed per currency on five columns as arrays: a million invoices' frame copied row by
    row into groups cost a second and 400 MB at the end of every large run."""
    status = invoices["status"]
    billed = status.isin(["open", "paid"]).to_numpy(dtype=bool)
    currency = invoices["currency"].to_numpy(dtype=object)[billed]
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=days)
    recent = (invoices["issue_date"] > cutoff).to_numpy(dtype=bool)[billed]
    owing = (status == "open").to_numpy(dtype=bool)[billed]
    amount = invoices["amount_minor"].fillna(0).to_numpy(dtype="int64")[billed]
    owed = invoices["open_minor"].fillna(0).to_numpy(dtype="int64")[billed]
    codes, names = pd.factorize(currency)  # a missing currency is -1: in no group
    sales = np.zeros(len(names), dtype=np.int64)
    open_ = np.zeros(len(names), dtype=np.int64)
    counted = codes >= 0
    np.add.at(sales, codes[recent & counted], amount[recent & counted])
    np.add.at(open_, codes[owing & counted], owed[owing & counted])
    rows = []
    for code in sorted(range(len(names)), key=lambda c: str(names[c])):
        if sales[code] > 0:
            value = (Decimal(int(open_[code])) / Decimal(int(sales[code])) * days).quantize(
                Decimal("0.1"), ROUND_HALF_UP)
            rows.append({"currency": str(names[code]), "days": value})
    return rows


def reminders_by_stage(actions: pd.DataFrame) -> list[dict]:
    """Per dunning stage: messages sent, hand-overs to a person and holds."""
    if actions.empty:
        return []
    counts = actions.groupby(["stage", "channel"]).size().unstack(fill_value=0)
    order = [s for s in STAGE_ORDER if s in counts.index]
    order += sorted(s for s in counts.index if s not in STAGE_ORDER)
    channels = ("email", "human_review", "hold")
    by_stage = counts.reindex(columns=list(channels), fill_value=0).to_dict("index")
    return [{"stage": stage, **{ch: int(by_stage[stage][ch]) for ch in channels}}
            for stage in order]


def _handed_over(actions: pd.DataFrame, invoices: pd.DataFrame) -> list[dict]:
    if actions.empty:
        return []
    names = invoices.drop_duplicates("customer_id").set_index("customer_id")["customer_name"]
    handed = actions[actions["channel"] == "human_review"]
    return [
        {
            "customer_id": r.customer_id,
            "name": names.get(r.customer_id, ""),
            "invoice_ids": r.invoice_ids,
            "reason": r.reason,
        }
        for r in handed.itertuples()
    ]


def _marked(inputs: ReportInputs) -> pd.DataFrame:
    if inputs.marked_money is None:
        return pd.DataFrame(columns=MARKED_COLUMNS)
    return inputs.marked_money[MARKED_COLUMNS].sort_values(
        ["booking_date", "transaction_id"], kind="stable", ignore_index=True)


def marked_money(marked: pd.DataFrame) -> list[dict]:
    """Per kind (refund, unrelated): the payments, and their total per currency; money a
    person took off the unmatched list, which the cash table still counts as unmatched."""
    rows = []
    for kind, group in marked.groupby("kind", sort=True):
        payments = [{**p, "amount": D(str(p["amount"]))} for p in group.to_dict("records")]
        totals: dict[str, Decimal] = {}
        for payment in payments:
            totals[payment["currency"]] = totals.get(payment["currency"], Decimal(0)) \
                + payment["amount"]
        rows.append({"kind": kind, "count": len(payments),
                     "totals": dict(sorted(totals.items())), "payments": payments})
    return rows


def _discrepancies(inputs: ReportInputs) -> pd.DataFrame:
    """Discrepancies with `currency` and a Decimal `amount` (None where there is none)."""
    frame = inputs.discrepancies.copy()
    if "currency" not in frame:
        by_txn = inputs.transactions.set_index("transaction_id")["currency"]
        by_inv = inputs.invoices.drop_duplicates("invoice_id").set_index("invoice_id")["currency"]
        frame["currency"] = (
            frame["transaction_id"].map(by_txn).fillna(frame["invoice_id"].map(by_inv)).fillna("")
        )
    if "amount_minor" in frame:
        frame["amount"] = pd.Series([
            from_minor(m, c)
            for m, c in zip(frame.pop("amount_minor"), frame["currency"], strict=True)
        ], index=frame.index, dtype="object")
    else:
        frame["amount"] = pd.Series(
            [_amount(a) for a in frame.get("amount", pd.Series(dtype="object"))],
            index=frame.index, dtype="object")
    return frame


def _missing(value: object) -> bool:
    """NaN, NaT or pandas' NA: a cell that holds nothing."""
    return value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _amount(value: object) -> Decimal | None:
    """A discrepancy's amount through the money gate; None when it has none."""
    if isinstance(value, Decimal):
        return value
    if value is None or _missing(value) or not str(value).strip():
        return None
    return D(str(value))


def _discrepancy_kinds(frame: pd.DataFrame) -> list[dict]:
    """Per kind: how many, and their total per currency."""
    rows = []
    for kind, group in frame.groupby("kind", sort=True):
        totals = {}
        for ccy, sub in group.groupby("currency", sort=True):
            amounts = [to_minor(a, str(ccy)) for a in sub["amount"] if a is not None and ccy]
            totals[ccy] = sum(amounts)
        rows.append({"kind": kind, "count": len(group), "totals": totals})
    return sorted(rows, key=lambda r: -r["count"])


def _largest(frame: pd.DataFrame) -> list[dict]:
    """The largest discrepancies in each currency (amounts are not comparable across them)."""
    with_amount = frame[frame["amount"].notna()].assign(size=lambda f: f["amount"].map(abs))
    ranked = with_amount.sort_values(["currency", "size"], ascending=[True, False], kind="stable")
    return ranked.groupby("currency").head(LARGEST).drop(columns="size").to_dict("records")


def _quality_row(result: QualityResult) -> dict:
    failed = [o for o in result.outcomes if not o.success]
    return {
        "dataset": result.dataset,
        "rows": result.rows,
        "checks": len(result.outcomes),
        "passed": len(result.outcomes) - len(failed),
        "quarantined": len(result.quarantine),
        "failed": failed,
        "critical": bool(result.critical_failures),
    }


def _quarantined(inputs: ReportInputs) -> pd.DataFrame:
    if inputs.quarantined is not None:
        return inputs.quarantined
    parts = [r.quarantine.assign(dataset=r.dataset) for r in inputs.quality if len(r.quarantine)]
    if not parts:
        return pd.DataFrame(columns=["dataset", "line", "reason"])
    frame = pd.concat(parts, ignore_index=True)
    first = ["dataset", "line", "reason"]
    return frame[first + [c for c in frame.columns if c not in first]]


# --- rendering ----------------------------------------------------------------------------


def aging_chart(aging: pd.DataFrame, as_of: date, locale: str = "en_US") -> bytes:
    """A PNG: per currency one bar split by aging bucket (shares, so currencies never mix)."""
    import matplotlib  # imported when a chart is drawn: a reconcile run draws none

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    rows = aging.iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.9 + 0.42 * max(len(rows), 1)), dpi=150)
    left = [0.0] * len(rows)
    totals = [max(int(t), 1) for t in rows["total"]]
    for bucket, colour, ink in zip(BUCKETS, _COLOURS, _INK, strict=True):
        shares = [
            100.0 * int(v) / t for v, t in zip(rows[bucket], totals, strict=True)
        ]  # plot only
        label = "not yet due" if bucket == "current" else f"{bucket} days"
        ax.barh(list(rows["currency"]), shares, left=left, color=colour, label=label, height=0.6)
        for y, (x, w) in enumerate(zip(left, shares, strict=True)):
            if w >= 9:
                ax.text(x + w / 2, y, f"{w:.0f}%", ha="center", va="center", fontsize=7, color=ink)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    for y, (ccy, total) in enumerate(zip(rows["currency"], rows["total"], strict=True)):
        ax.text(101, y, _money(int(total), ccy, locale), va="center", fontsize=7)
    ax.set_xlim(0, 135)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=7)
    ax.tick_params(axis="y", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_bounds(0, 100)
    ax.legend(ncol=5, fontsize=7, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = lambda minor, ccy: _money(int(minor), ccy, locale)
    env.filters["decimal_money"] = lambda amount, ccy: format_money(
        amount, ccy, locale, _MONEY_PATTERN
    )
    env.filters["label"] = lambda name: str(name).replace("_", " ").capitalize()
    return env


def _money(minor: int, currency: str, locale: str) -> str:
    return format_money(from_minor(minor, currency), currency, locale, _MONEY_PATTERN)


def _csv(frame: pd.DataFrame) -> bytes:
    """A frame as contract CSV: minor units back to decimal text, dates as ISO."""
    out = frame.copy()
    names = {
        "amount_minor": "amount",
        "open_minor": "open_amount",
        "applied_minor": "applied_amount",
    }
    minor = [c for c in out.columns if c.endswith("_minor")] if "currency" in out else []
    for col in minor:
        target = names.get(col, col.removesuffix("_minor"))
        if target not in out:
            out[target] = _minor_text(out[col], out["currency"])
        out = out.drop(columns=[col])
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").fillna("")
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _minor_text(minor: pd.Series, currency: pd.Series) -> pd.Series:
    """Decimal text where the row has an amount and a known currency, else blank.

    Quarantined rows stack datasets and keep rows whose amount or currency is bad,
    so blanks are normal here, not an error.
    """
    text = pd.Series("", index=minor.index, dtype="str")
    currency = currency.fillna("").astype("str")
    known = minor.notna() & currency.map(is_currency).astype(bool)
    if known.any():
        text[known] = minor_to_text(minor[known].astype("int64"), currency[known])
    return text


def _write(path: Path, content: bytes) -> Path:
    """Write a file atomically: a reader sees the old file or the new one, never half."""
    return write_atomic(path, content)
