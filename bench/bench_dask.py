"""Benchmark of reconciliation scaled out on Dask: one process vs currency partitions on N workers.

    python bench/bench_dask.py [--invoices 100000] [--workers 2] [--repeat 3]

Generates a company (dunwell.synth), then matches its statement twice: the whole
statement in this process (`dunwell.matching.reconcile`), and split by currency
(`dunwell.tasks.partition`), each partition on a worker of a local Dask cluster,
merged back. Both results must be identical. Wall times are the best of `--repeat`
runs on a warm cluster (the cluster's start is reported apart: a long-lived scheduler
pays it once). Prints a table and writes bench/out/dask.json.

The speed-up is bounded by the largest currency (EUR, about 70% of the payments in the
generated data): partitions cannot be cut finer without letting two payments book the
same invoice.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
AS_OF = date(2026, 11, 23)


def timed_match(part: Any, customers: Any, policy: Any) -> tuple[Any, float]:
    """Match one partition on a worker; the result and the seconds it took there."""
    from dunwell.matching import reconcile

    started = time.perf_counter()
    result = reconcile(part.invoices, part.transactions, customers, policy)
    return result, time.perf_counter() - started


def single(data: Any, policy: Any) -> tuple[Any, float, float]:
    """The whole statement in this process: result, wall and CPU seconds."""
    from dunwell.matching import reconcile

    wall, cpu = time.perf_counter(), time.process_time()
    result = reconcile(data.invoices, data.transactions, data.customers, policy)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def partitioned(client: Any, data: Any, policy: Any) -> tuple[Any, dict[str, Any]]:
    """Split by currency, match on the cluster, merge: result and timings."""
    from dunwell.tasks.partition import merge_partitions, split_by_currency

    started = time.perf_counter()
    parts = split_by_currency(data.invoices, data.transactions)
    split = time.perf_counter() - started
    customers = client.scatter(data.customers, broadcast=True)
    futures = [client.submit(timed_match, p, customers, policy, pure=False) for p in parts]
    done = client.gather(futures)
    gathered = time.perf_counter() - started
    merged = merge_partitions([r for r, _ in done], data.invoices, data.transactions)
    total = time.perf_counter() - started
    return merged, {
        "wall_s": total, "split_s": split, "merge_s": total - gathered,
        "partitions": [{"currency": p.currency, "payments": len(p.transactions),
                        "invoices": len(p.invoices), "match_s": round(s, 3)}
                       for p, (_, s) in zip(parts, done, strict=True)]}


def identical(a: Any, b: Any) -> bool:
    """Same matches, discrepancies, unapplied amounts and invoices after booking."""
    import pandas as pd

    try:
        for name in ("matches", "discrepancies", "unapplied", "invoices_after"):
            pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    except AssertionError:
        return False
    return True


def run(n_invoices: int, workers: int, repeat: int, seed: int) -> dict[str, Any]:
    """Generate, measure both ways, compare; the figures for dask.json."""
    from distributed import Client, LocalCluster

    from dunwell.matching import MatchPolicy
    from dunwell.synth import generate

    data = generate(seed, max(300, n_invoices // 40), n_invoices, AS_OF)
    policy = MatchPolicy()
    load_before = os.getloadavg()[0]
    whole, wall, cpu = min((single(data, policy) for _ in range(repeat)), key=lambda r: r[1])
    started = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.run(lambda: __import__("dunwell.matching"))
        cluster_start = time.perf_counter() - started
        runs = [partitioned(client, data, policy) for _ in range(repeat)]
    merged, best = min(runs, key=lambda r: r[1]["wall_s"])
    slowest = max(p["match_s"] for p in best["partitions"])
    return {
        "invoices": n_invoices, "payments": int((data.transactions["amount_minor"] > 0).sum()),
        "workers": workers, "repeat": repeat, "cpus": os.cpu_count(),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "single_wall_s": round(wall, 3), "single_cpu_s": round(cpu, 3),
        "dask_wall_s": round(best["wall_s"], 3), "split_s": round(best["split_s"], 3),
        "merge_s": round(best["merge_s"], 3), "cluster_start_s": round(cluster_start, 3),
        "largest_partition_s": slowest, "partitions": best["partitions"],
        "speedup": round(wall / best["wall_s"], 2), "identical": identical(merged, whole),
    }


def markdown(r: dict[str, Any]) -> str:
    """The figures as a small table for RESULTS.md."""
    rows = [("invoices / incoming payments", f"{r['invoices']:,} / {r['payments']:,}"),
            ("one process (best wall)", f"{r['single_wall_s']:.2f} s"),
            (f"Dask, {r['workers']} workers (best wall)", f"{r['dask_wall_s']:.2f} s"),
            ("  of which split / merge", f"{r['split_s']:.2f} s / {r['merge_s']:.2f} s"),
            ("  largest partition", f"{r['largest_partition_s']:.2f} s"),
            ("speed-up", f"{r['speedup']:.2f}x"), ("identical results", str(r["identical"])),
            ("cluster start (once)", f"{r['cluster_start_s']:.1f} s"),
            ("CPUs, load average before/after", f"{r['cpus']}, {r['load_average']}")]
    parts = ", ".join(f"{p['currency']} {p['payments']:,} ({p['match_s']:.2f} s)"
                      for p in r["partitions"])
    return "\n".join(["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows),
                      "", f"Partitions: {parts}."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DO_NOT_TRACK", "1")
    result = run(args.invoices, args.workers, args.repeat, args.seed)
    result["markdown"] = markdown(result)
    print(result["markdown"])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "dask.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"wrote {OUT / 'dask.json'}")
    if not result["identical"]:
        raise SystemExit("partitioned results differ from the single-process run")


if __name__ == "__main__":
    main()
