"""Publishing a run's files: all written beside the target, then moved in together."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from dunwell.connectors.quality import data_docs
from dunwell.connectors.sources.csvio import write_csv_atomic
from dunwell.frames import ACTION_COLUMNS, DISCREPANCY_COLUMNS, MATCH_COLUMNS
from dunwell.model import DunningAction
from dunwell.tasks.local import NO_CACHE, task

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


def stage(work_dir: Path, tables: dict[str, tuple[pd.DataFrame, list[str]]]) -> None:
    """Write each table as CSV into the staging folder (nothing is in `out` yet)."""
    for name, (frame, columns) in tables.items():
        write_csv_atomic(frame.reindex(columns=columns).fillna(""), Path(work_dir) / name,
                         columns)


@task(name="publish outputs", cache_policy=NO_CACHE)
def publish(work_dir: Path, out_dir: Path,
            tables: dict[str, tuple[pd.DataFrame, list[str]]], staged: bool = False
            ) -> dict[str, str]:
    """Write each table as CSV into the staging folder (unless `staged` already), then move
    everything into `out_dir` once the run's Data Docs, written meanwhile in a helper
    process, are in it too."""
    work_dir, out_dir = Path(work_dir), Path(out_dir)
    if not staged:
        stage(work_dir, tables)
    data_docs.finish()
    paths = {}
    for entry in sorted(work_dir.iterdir()):
        target = out_dir / entry.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(entry, target)
        paths[entry.name] = str(target)
    return {k: v for k, v in paths.items() if k in tables}


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
