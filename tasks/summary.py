"""The run summary: counted from the run's frames, shown in the CLI and as Prefect artifacts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from dunwell.connectors.outbound.report import DELIVERY_STATUSES, outcome_of
from dunwell.frames import minor_to_text, shared_codes
from dunwell.model import Channel, DunningAction
from dunwell.tasks.local import is_local


@dataclass(frozen=True)
class RunSummary:
    """Counts and amounts of one run, by currency where money is involved.

    Attributes:
      payments_in: incoming payments seen (count) and amount per currency.
      matched_auto / review / unmatched: payments by outcome, count and amount.
      discrepancies: count per kind.
      reminders: count per stage (held back ones under `holds`).
      paths: name -> file or folder the run wrote (report, outbox, csvs).
      quality: dataset -> failed expectations count.
      findings: results outside their configured bounds ("match rate outside the
        configured bounds (observed 41.0%)"): reported, never a reason to stop.
    """

    run_id: str = ""
    as_of: str = ""
    payments_in: int = 0
    payments_in_amount: dict[str, str] = field(default_factory=dict)
    matched_auto: int = 0
    matched_auto_amount: dict[str, str] = field(default_factory=dict)
    review: int = 0
    review_amount: dict[str, str] = field(default_factory=dict)
    unmatched: int = 0
    unmatched_amount: dict[str, str] = field(default_factory=dict)
    already_known: int = 0
    discrepancies: dict[str, int] = field(default_factory=dict)
    reminders: dict[str, int] = field(default_factory=dict)
    holds: dict[str, int] = field(default_factory=dict)
    human_review: int = 0
    quarantined: int = 0
    quality_failures: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    deliveries: dict[str, dict[str, int]] = field(default_factory=dict)
    dso: dict[str, str] = field(default_factory=dict)

    @property
    def needs_a_person(self) -> bool:
        """True when something waits for a person (for --strict)."""
        return bool(self.review or self.unmatched or sum(self.discrepancies.values())
                    or self.human_review or self.quarantined or self.undelivered)

    @property
    def undelivered(self) -> int:
        """Emails of this run not delivered: failed, bounced, unknown, or left planned."""
        return sum(n for by_status in self.deliveries.values()
                   for status, n in by_status.items() if status != "sent")


def _by_currency(frame: pd.DataFrame, column: str = "amount_minor") -> dict[str, str]:
    if frame.empty:
        return {}
    sums = frame.groupby("currency")[column].sum()
    text = minor_to_text(sums.astype("int64").reset_index(drop=True),
                         pd.Series(sums.index, dtype="str"))
    return dict(zip(sums.index, text, strict=True))


def _outcomes(reconciled: Any) -> dict[str, pd.DataFrame]:
    """Incoming payments of this run's statements split into auto / review / unmatched."""
    incoming = reconciled.transactions[reconciled.transactions["amount_minor"] > 0]
    outcome = outcome_of(reconciled.matches).to_numpy()
    # on integer codes of the transaction ids: grouping and isin on a million Arrow strings
    # took 2 s of a 1M run
    ids, linked = shared_codes(incoming["transaction_id"], reconciled.matches["transaction_id"])
    size = max(int(ids.max(initial=-1)), int(linked.max(initial=-1))) + 2
    ids, linked = ids % size, linked % size  # a missing id (-1) takes the last slot
    links = np.bincount(linked, minlength=size)
    waiting = np.bincount(linked[outcome == "waiting"], minlength=size)
    booked = np.bincount(linked[outcome == "booked"], minlength=size)
    auto = booked[ids] > 0
    review = (links[ids] > 0) & (waiting[ids] == links[ids])  # every link still waits
    return {"incoming": incoming, "auto": incoming[auto], "review": incoming[review],
            "unmatched": incoming[~(auto | review)]}


def summarise(run_id: str, as_of: datetime, reconciled: Any, actions: list[DunningAction],
              checked: Any, counts: Any, paths: dict[str, str]) -> RunSummary:
    """Count what happened in this run."""
    parts = _outcomes(reconciled) if reconciled is not None else {}
    sent = Counter(a.stage for a in actions if a.channel == Channel.EMAIL)
    holds = Counter(a.reason.split(" ")[0].split(":")[0] for a in actions
                    if a.channel == Channel.HOLD)
    kinds = Counter(reconciled.discrepancies["kind"]) if reconciled is not None else Counter()
    return RunSummary(
        run_id=run_id, as_of=as_of.isoformat(timespec="minutes"),
        payments_in=len(parts.get("incoming", [])),
        payments_in_amount=_by_currency(parts["incoming"]) if parts else {},
        matched_auto=len(parts.get("auto", [])),
        matched_auto_amount=_by_currency(parts["auto"]) if parts else {},
        review=len(parts.get("review", [])),
        review_amount=_by_currency(parts["review"]) if parts else {},
        unmatched=len(parts.get("unmatched", [])),
        unmatched_amount=_by_currency(parts["unmatched"]) if parts else {},
        already_known=getattr(counts, "known", 0),
        discrepancies=dict(sorted(kinds.items())), reminders=dict(sent), holds=dict(holds),
        human_review=sum(1 for a in actions if a.channel == Channel.HUMAN_REVIEW),
        quarantined=len(checked.quarantine) if checked is not None else 0,
        quality_failures={r.dataset: sum(1 for o in r.outcomes if not o.success)
                          for r in (checked.results if checked is not None else [])},
        findings=result_findings(checked),
        paths=paths,
        dso=_dso(reconciled, checked, as_of),
    )


def recorded(summary: RunSummary, counts: Any, paths: dict[str, str]) -> RunSummary:
    """A summary made before the run was recorded, with what recording (the statement rows
    already known) and publishing (the files' paths) told: the rest does not change."""
    return replace(summary, already_known=getattr(counts, "known", 0), paths=paths)


def _dso(reconciled: Any, checked: Any, as_of: datetime) -> dict[str, str]:
    """Days sales outstanding per currency on the invoices as this run left them."""
    from dunwell.connectors.outbound.report import dso

    invoices = getattr(reconciled, "invoices_after", None)
    if invoices is None:
        invoices = getattr(checked, "invoices", None)
    if invoices is None or len(invoices) == 0:
        return {}
    return {row["currency"]: str(row["days"]) for row in dso(invoices, as_of.date())}


def result_findings(checked: Any) -> list[str]:
    """Dataset-level checks out of bounds, one line each ('reconciliation: match rate ...')."""
    results = checked.results if checked is not None else []
    return [f"{r.dataset}: {o.name} (observed {o.observed})" for r in results
            for o in getattr(r, "findings", ())]


def summary_rows(summary: RunSummary) -> list[dict[str, object]]:
    """The summary as rows of (what, count, amount), for tables in the CLI and Prefect."""
    rows: list[dict[str, object]] = [
        {"what": what, "count": count, "amount": _fmt(amount)} for what, count, amount in (
            ("payments in", summary.payments_in, summary.payments_in_amount),
            ("matched automatically", summary.matched_auto, summary.matched_auto_amount),
            ("sent to review", summary.review, summary.review_amount),
            ("unmatched", summary.unmatched, summary.unmatched_amount),
        )
    ]
    rows += [{"what": f"discrepancy: {k}", "count": v, "amount": ""}
             for k, v in summary.discrepancies.items()]
    rows += [{"what": f"reminder: {k}", "count": v, "amount": ""}
             for k, v in summary.reminders.items()]
    rows += [{"what": f"delivery {status}: {stage}", "count": n, "amount": ""}
             for stage, status, n in delivery_rows(summary)]
    rows += [{"what": f"finding: {text}", "count": 1, "amount": ""} for text in summary.findings]
    return rows


def delivery_rows(summary: RunSummary) -> list[tuple[str, str, int]]:
    """(stage, status, count) of this run's emails; `planned` = left for the next run."""
    return [(stage, status, by_status[status])
            for stage, by_status in sorted(summary.deliveries.items())
            for status in DELIVERY_STATUSES if by_status.get(status)]


def deliveries(engine: Any, run_id: str) -> dict[str, dict[str, int]]:
    """What became of this run's emails: stage -> status -> count, from the outbox."""
    from dunwell.connectors import storage

    return storage.deliveries(engine, run_id)


def with_deliveries(summary: RunSummary, engine: Any, notes: tuple[str, ...] = (),
                    stopped: str = "") -> RunSummary:
    """The summary with what became of this run's emails, and the run's notes."""
    from dataclasses import replace

    extra = [n for n in (*notes, stopped) if n]
    return replace(summary, deliveries=deliveries(engine, summary.run_id),
                   notes=[*summary.notes, *extra])


def publish_artifacts(summary: RunSummary) -> None:
    """A table and a short markdown note on the flow run, for the Prefect UI (none locally)."""
    if is_local():
        return
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    create_table_artifact(summary_rows(summary), key="dunwell-run-summary",
                          description="What this run did")
    links = "\n".join(f"- {name}: `{path}`" for name, path in summary.paths.items())
    found = "".join(f"- {text}\n" for text in summary.findings)
    note = f"# dunwell run {summary.run_id}\n\nas of {summary.as_of}\n\n{links}\n"
    note += _deliveries_markdown(summary)
    if found:
        note += f"\n## Findings about the results\n\n{found}"
    create_markdown_artifact(note, key="dunwell-run-files", description="Where the outputs are")


def _deliveries_markdown(summary: RunSummary) -> str:
    """Emails by stage and outcome, and the run's notes, as markdown."""
    if not summary.deliveries and not summary.notes:
        return ""
    lines = ["", "## Deliveries", "", "| stage | " + " | ".join(DELIVERY_STATUSES) + " |",
             "|---" * (len(DELIVERY_STATUSES) + 1) + "|"]
    for stage, by_status in sorted(summary.deliveries.items()):
        lines.append(f"| {stage} | "
                     + " | ".join(str(by_status.get(s, 0)) for s in DELIVERY_STATUSES) + " |")
    lines += [f"\n- {n}" for n in summary.notes]
    return "\n".join(lines) + "\n"


def _fmt(amounts: dict[str, str]) -> str:
    return ", ".join(f"{c} {a}" for c, a in amounts.items())
