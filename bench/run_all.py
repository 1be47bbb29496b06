"""Run every benchmark and write bench/RESULTS.md with the machine and the date.

Each bench script prints its own table and writes bench/out/<name>.json;
this collects them so that every figure quoted anywhere comes from one run.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BENCHES = [
    ("statements", ["bench_statements.py"]),
    ("peer_files", ["bench_peer_files.py"]),
    ("bank_csv", ["bench_bank_csv.py"]),
    ("bank_csv_blind", ["bench_bank_csv_blind.py"]),
    ("bank_csv_blind2", ["bench_bank_csv_blind.py", "bank_csv_blind2"]),
    ("bank_csv_blind3", ["bench_bank_csv_blind.py", "bank_csv_blind3"]),
    ("bank_csv_blind4", ["bench_bank_csv_blind.py", "bank_csv_blind4"]),
    ("bank_csv_blind5", ["bench_bank_csv_blind.py", "bank_csv_blind5"]),
    ("bank_csv_blind6", ["bench_bank_csv_blind.py", "bank_csv_blind6"]),
    ("matching", ["bench_matching.py"]),
    ("accuracy", ["bench_accuracy.py"]),
    ("dunning", ["bench_dunning.py"]),
    ("dask", ["bench_dask.py"]),
    ("demo", ["bench_demo.py"]),
    ("cli", ["bench_cli.py"]),
    ("web", ["bench_web.py"]),
]


def machine() -> str:
    """One line describing the machine the figures come from."""
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def run(name: str, argv: list[str]) -> dict:
    """Run one bench script; its JSON output or the reason it has none."""
    script = HERE / argv[0]
    if not script.exists():
        return {"skipped": f"{argv[0]} not present"}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(script), *argv[1:]], cwd=HERE.parent)
    elapsed = time.perf_counter() - started
    result_file = OUT / f"{name}.json"
    if proc.returncode != 0 or not result_file.exists():
        return {"failed": f"exit {proc.returncode}", "seconds": round(elapsed, 1)}
    return json.loads(result_file.read_text())


def _flat(data: object, prefix: str = "") -> dict[str, object]:
    """Nested JSON as dotted keys: {"a": {"b": 1}} -> {"a.b": 1}."""
    if isinstance(data, dict):
        out: dict[str, object] = {}
        for key, value in data.items():
            out.update(_flat(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): data}


def _cell(value: object) -> str:
    if isinstance(value, list):
        return " / ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:,.1f}"
    return "" if value is None else str(value)


def _table(rows: list[dict[str, object]]) -> list[str]:
    """A Markdown table of flat rows; columns in first-seen order."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return lines


def _matching(data: list[dict]) -> list[str]:
    """Time and memory per size, then accuracy per case kind (dunwell and the baseline)."""
    lines = _table([{"size": d["size"], **{f"dunwell {k}": v for k, v in d["dunwell"].items()},
                     **{f"baseline {k}": v for k, v in d["baseline"].items()},
                     "load 1-min before": d.get("load", {}).get("before_1_5_15min", [None])[0]}
                    for d in data])
    by_size = {d["size"]: d["dunwell"] for d in data}
    for small, large in zip(sorted(by_size), sorted(by_size)[1:], strict=False):
        a, b = by_size[small], by_size[large]
        lines += ["", f"Growth {small:,} -> {large:,} ({large // small}x the rows): wall "
                  f"{b['total_s'] / a['total_s']:.1f}x, cpu {b['cpu_s'] / a['cpu_s']:.1f}x, "
                  f"reconcile alone {b['reconcile_s'] / a['reconcile_s']:.1f}x."]
    for d in data:
        accuracy = d.get("accuracy", {})
        baseline = accuracy.get("baseline", {})
        rows = [{"kind": kind, **{f"dunwell {k}": v for k, v in figures.items()},
                 **{f"baseline {k}": v for k, v in baseline.get(kind, {}).items()
                    if k in ("auto_precision", "auto_recall")}}
                for kind, figures in accuracy.get("dunwell", {}).items()]
        if rows:
            lines += ["", f"Accuracy at {d['size']:,} invoices:", "", *_table(rows)]
    return lines


def _cli(data: list[dict]) -> list[str]:
    """`dunwell reconcile` beside the engine alone and the naive baseline, per generator and
    size; then growth between sizes; then recall per kind."""
    runs = ("cli", "engine", "baseline")
    rows = [{"generator": d["generator"], "invoices": d["size"], "run": name,
             "exit": d[name].get("exit", 0), "wall s": d[name].get("wall_s"),
             "cpu s": d[name].get("cpu_s"), "peak MB": d[name].get("peak_rss_mb"),
             "auto precision": d[name].get("precision"), "auto recall": d[name].get("recall"),
             "review first right": d[name].get("review_first_right"),
             "load before": d.get("load_before", [None])[0]}
            for d in data for name in runs]
    lines = _table(rows)
    for generator in dict.fromkeys(d["generator"] for d in data):
        cli = {d["size"]: d["cli"] for d in data if d["generator"] == generator}
        for small, large in zip(sorted(cli), sorted(cli)[1:], strict=False):
            a, b = cli[small], cli[large]
            if a.get("cpu_s") and b.get("cpu_s"):
                lines += ["", f"{generator}, CLI growth {small:,} -> {large:,} invoices "
                          f"({large // small}x): wall {b['wall_s'] / a['wall_s']:.1f}x, "
                          f"cpu {b['cpu_s'] / a['cpu_s']:.1f}x."]
    for d in data:
        kinds = d["cli"].get("kinds", {})
        table = [{"kind": k, "expect": v.get("expect"), "cli recall": v.get("recall"),
                  "cli precision": v.get("precision"),
                  "cli review first right": v.get("review_first_right"),
                  "engine recall": d["engine"].get("kinds", {}).get(k, {}).get("recall"),
                  "baseline recall": d["baseline"].get("kinds", {}).get(k, {}).get("recall")}
                 for k, v in kinds.items()]
        if table:
            lines += ["", f"Per kind, {d['generator']} generator, {d['size']:,} invoices:", "",
                      *_table(table)]
    return lines


def cli_beside_engine(results: dict[str, object]) -> list[str]:
    """What the user runs (`dunwell reconcile` from the shell, persistence and every check)
    beside the engine alone, per generator and size: the figures of bench_cli and
    bench_matching in one table."""
    cli, matching = results.get("cli"), results.get("matching")
    engine_alone = {d["size"]: d["dunwell"] for d in matching if isinstance(d, dict)
                    and "dunwell" in d} if isinstance(matching, list) else {}
    rows = []
    for d in cli if isinstance(cli, list) else []:
        ours, engine = d.get("cli", {}), d.get("engine", {})
        rows.append({
            "generator": d.get("generator"), "invoices": d.get("size"),
            "cli exit": ours.get("exit"), "cli wall s": ours.get("wall_s"),
            "cli cpu s": ours.get("cpu_s"), "cli peak MB": ours.get("peak_rss_mb"),
            "cli all processes MB": ours.get("peak_tree_mb"),
            "engine wall s": engine.get("wall_s"), "engine peak MB": engine.get("peak_rss_mb"),
            "bench_matching engine s": engine_alone.get(d.get("size"), {}).get("total_s"),
            "cli / engine wall": (ours["wall_s"] / engine["wall_s"]
                                  if ours.get("wall_s") and engine.get("wall_s") else None),
            "load before": (d.get("load_before") or [None])[0]})
    return _table(rows) if rows else ["no CLI figures yet (bench_cli.py)"]


def section(name: str, data: object) -> list[str]:
    """One bench's figures as Markdown."""
    if isinstance(data, dict) and data.get("markdown"):
        return [str(data["markdown"])]
    if name == "matching" and isinstance(data, list):
        return _matching(data)
    if name == "cli" and isinstance(data, list):
        return _cli(data)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return _table([_flat(r) for r in data["results"]])
    if isinstance(data, list):
        return _table([_flat(r) for r in data])
    return _table([{"figure": k, "value": v} for k, v in _flat(data).items()])


def to_markdown(results: dict[str, object]) -> str:
    """RESULTS.md: one section per bench."""
    lines = ["# Benchmark results", "",
             f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
             "Reproduce with `make bench` (writes this file and bench/out/*.json).", ""]
    for name, data in results.items():
        lines += [f"## {name}", "", *section(name, data), ""]
    lines += ["## cli beside engine", "", *cli_beside_engine(results), ""]
    return "\n".join(lines)


def _previous(name: str) -> object:
    """The last figures of a bench from bench/out, or a note that there are none."""
    path = OUT / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {"skipped": "not run yet"}


def main() -> int:
    """Run all (or the named) benches and write RESULTS.md."""
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(sys.argv[1:])
    if wanted == {"--from-last"}:  # rewrite RESULTS.md from bench/out without running anything
        wanted = {"--none"}
    results = {n: run(n, a) for n, a in BENCHES if not wanted or n in wanted}
    if wanted:  # keep the figures of benches not re-run this time
        results = {n: results.get(n) or _previous(n) for n, _ in BENCHES}
    (HERE / "RESULTS.md").write_text(to_markdown(results), encoding="utf-8")
    print("\nWhat the user runs beside the engine alone:")
    print("\n".join(cli_beside_engine(results)))
    print(f"wrote {HERE / 'RESULTS.md'}")
    failed = [n for n, r in results.items() if isinstance(r, dict) and "failed" in r]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
