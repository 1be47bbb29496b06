"""Publishing a run's files: all written beside the target, then moved in together."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from dunwell.connectors.csvio import write_csv_atomic
from dunwell.frames import ACTION_COLUMNS, DISCREPANCY_COLUMNS, MATCH_COLUMNS
from dunwell.model import DunningAction

REVIEW_COLUMNS = ["transaction_id", "rank", "invoice_id", "applied_amount", "currency",
                  "confidence", "reasons"]


def actions_frame(actions: list[DunningAction]) -> pd.DataFrame:
    """actions.csv rows from dunning actions."""
    rows = [{
        "run_date": a.run_date.isoformat(), "customer_id": a.customer_id, "currency": a.currency,
        "invoice_ids": " ".join(a.invoice_ids), "stage": a.stage, "channel": str(a.channel),
        "template": a.template, "language": a.language, "reason": a.reason,
        "message_id": a.message_id,
    } for a in actions]
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


@task(name="publish outputs", cache_policy=NO_CACHE)
def publish(out_dir: Path, tables: dict[str, tuple[pd.DataFrame, list[str]]]) -> dict[str, str]:
    """Write each table as CSV into a staging folder, then move all into `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".staging-{uuid.uuid4().hex[:8]}"
    try:
        for name, (frame, columns) in tables.items():
            write_csv_atomic(frame.reindex(columns=columns).fillna(""), staging / name, columns)
        paths = {}
        for name in tables:
            os.replace(staging / name, out_dir / name)
            paths[name] = str(out_dir / name)
        return paths
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def reconciliation_tables(matches: pd.DataFrame, discrepancies: pd.DataFrame,
                          review: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """matches.csv (rank 1 of each link), discrepancies.csv and the ranked review queue."""
    ranked = matches[matches.get("rank", pd.Series(1, index=matches.index)).fillna(1) == 1]
    return {
        "matches.csv": (ranked, MATCH_COLUMNS),
        "discrepancies.csv": (discrepancies, DISCREPANCY_COLUMNS),
        "review_queue.csv": (review, REVIEW_COLUMNS),
    }


def dunning_tables(actions: list[DunningAction]) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """actions.csv."""
    return {"actions.csv": (actions_frame(actions), ACTION_COLUMNS)}
