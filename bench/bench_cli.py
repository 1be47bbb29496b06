"""What the user runs: `dunwell reconcile` from the shell on two generators, scored.

    python bench/bench_cli.py [--sizes 5000,50000,100000,1000000] [--generators synth,blind]

Per generator and size: the data is made once (dunwell.synth through
bench_matching, or the independent generator in bench/blind, which this project's
matcher was never tuned to), then three runs, each in a fresh process:

- cli: `dunwell reconcile` with a fresh SQLite database, every check, CSV in and out;
- engine: the matching engine alone, CSV in, reconcile, CSV out (bench_matching);
- baseline: the naive matcher of bench_matching (number by regex, else amount + name).

Each is scored against the generator's own truth: auto precision, auto recall, recall
per kind, and the share of review items whose first candidate is right. Wall time,
CPU time and peak memory sit beside them: the largest single process, and (cli) the
peak of all its processes together, sampled every 0.1 s (a large run records from a
second process). Everything lands in
bench/out/cli.json; the tables are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "blind"))

import bench_matching  # noqa: E402 - the bench folder is not a package
import score as blind_score  # noqa: E402

DUNWELL = Path(sys.executable).with_name("dunwell")
SEED = 1


def make_data(generator: str, size: int) -> Path:
    """The generator's CSVs and truth for one size, made once and reused."""
    folder = OUT / "cli" / generator / str(size)
    done = folder / ("truth.pkl" if generator == "synth" else "truth.csv")
    if done.exists():
        return folder
    if generator == "synth":
        bench_matching.generate(size, folder)
    else:
        subprocess.run([sys.executable, str(HERE / "blind" / "generate.py"), "--invoices",
                        str(size), "--seed", str(SEED), "--out", str(folder)], check=True)
    return folder


_MEASURE = """
import json, os, resource, subprocess, sys, threading, time


def tree_rss_kb(root):
    # summed VmRSS of `root` and every process below it (dunwell, its recording and
    # Data Docs helpers): a large run uses more than one process
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents.setdefault(int(stat.read().rpartition(")")[2].split()[1]),
                                       []).append(int(entry))
            except OSError:
                pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += parents.get(pid, [])
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total


started = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
peak = [0]


def sample():
    while proc.poll() is None:
        peak[0] = max(peak[0], tree_rss_kb(proc.pid))
        time.sleep(0.1)


threading.Thread(target=sample, daemon=True).start()
_, stderr = proc.communicate()
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"exit": proc.returncode, "wall_s": wall,
                  "cpu_s": usage.ru_utime + usage.ru_stime,
                  "peak_rss_mb": usage.ru_maxrss / 1024, "peak_tree_mb": peak[0] / 1024,
                  "stderr": stderr[-2000:]}))
"""


def run_cli(folder: Path) -> dict:
    """`dunwell reconcile` in a scratch folder with its own fresh database."""
    out = folder / "cli_out"
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="dunwell-bench-") as scratch:
        env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "DUNWELL_DATABASE_URL": f"sqlite:///{scratch}/dunwell.db"}
        env.pop("PREFECT_API_URL", None)
        argv = [str(DUNWELL), "reconcile", "--invoices", str(folder / "invoices.csv"),
                "--customers", str(folder / "customers.csv"), "--bank",
                str(folder / "bank.csv"), "--out", str(out)]
        # A process of its own whose only child is dunwell: its children's peak is dunwell's.
        done = subprocess.run([sys.executable, "-c", _MEASURE, *argv], cwd=scratch, env=env,
                              capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_engine(folder: Path, mode: str) -> dict:
    """The engine alone or the naive baseline, in a fresh process (bench_matching's child)."""
    started = time.perf_counter()
    result = bench_matching._in_fresh_process(mode, folder)  # noqa: SLF001 - same bench suite
    return {**result, "wall_s": time.perf_counter() - started}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def scores(generator: str, folder: Path, matches: Path, review: Path | None) -> dict:
    """Precision, recall, per-kind recall and right-first share, in one shape for both."""
    if not matches.exists():
        return {}
    found = _read(matches)
    if "confidence" not in found:  # the naive baseline books everything it finds
        found = found.assign(decision="auto", confidence="100")
    if generator == "blind":
        result = blind_score.score(_read(folder / "truth.csv"), found,
                                   _read(review) if review and review.exists() else None)
        overall = result["overall"]
        kinds = {k: {"expect": v["expect"], "recall": v["recall"], "precision": v["precision"],
                     "review_first_right": v["review_first_right"]}
                 for k, v in result["kinds"].items()}
        return {"precision": overall["precision"], "recall": overall["recall"],
                "review_first_right": overall["review_first_right"], "kinds": kinds}
    with open(folder / "truth.pkl", "rb") as fh:
        truth = pickle.load(fh)
    table = bench_matching.accuracy(truth, found)
    expect = truth.drop_duplicates("transaction_id").groupby("case_kind")["expected"].first()
    kinds = {k: {"expect": str(expect.get(k, "")), "recall": _num(row["auto_recall"]),
                 "precision": _num(row["auto_precision"]),
                 "review_first_right": _num(row["review_rank1"])}
             for k, row in table.drop(index="ALL").iterrows()}
    total = table.loc["ALL"]
    return {"precision": _num(total["auto_precision"]), "recall": _num(total["auto_recall"]),
            "review_first_right": _num(total["review_rank1"]), "kinds": kinds}


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _kept(path: Path, measure: object, reuse: bool) -> dict:
    """A run's figures: measured now, or with --reuse the last measurement kept beside it."""
    if reuse and path.exists():
        return json.loads(path.read_text())
    result = measure()  # type: ignore[operator]
    path.write_text(json.dumps(result))
    return result


def bench(generator: str, size: int, reuse: bool = False) -> dict:
    """Data, the three runs and their scores for one generator and size."""
    folder = make_data(generator, size)
    load = os.getloadavg()
    cli = _kept(folder / "cli_run.json", lambda: run_cli(folder), reuse)
    engine = _kept(folder / "engine_run.json", lambda: run_engine(folder, "dunwell"), reuse)
    baseline = _kept(folder / "baseline_run.json", lambda: run_engine(folder, "baseline"),
                     reuse)
    return {
        "generator": generator, "size": size, "load_before": load, "cpus": os.cpu_count(),
        "cli": {**cli, **scores(generator, folder, folder / "cli_out" / "matches.csv",
                                folder / "cli_out" / "review_queue.csv")},
        "engine": {**engine, **scores(generator, folder, folder / "matches.csv", None)},
        "baseline": {**baseline, **scores(generator, folder, folder / "baseline_matches.csv",
                                          None)},
    }


def _pct(value: float | None) -> str:
    return "    -" if value is None else f"{100 * value:5.1f}"


def print_result(r: dict) -> None:
    """One block per generator and size: runs side by side, then recall per kind."""
    print(f"\n== {r['generator']} generator, {r['size']:,} invoices "
          f"(load {r['load_before'][0]:.1f} on {r['cpus']} cpus) ==")
    print(f"{'run':9} {'exit':>4} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'all MB':>7} "
          f"{'prec %':>7} {'recall %':>8} {'review 1st right %':>18}")
    for name in ("cli", "engine", "baseline"):
        run = r[name]
        print(f"{name:9} {run.get('exit', 0):>4} {run.get('wall_s', 0):8.1f} "
              f"{run.get('cpu_s', 0):8.1f} {run.get('peak_rss_mb', 0):8.0f} "
              f"{run.get('peak_tree_mb', run.get('peak_rss_mb', 0)):7.0f} "
              f"{_pct(run.get('precision')):>7} {_pct(run.get('recall')):>8} "
              f"{_pct(run.get('review_first_right')):>18}")
    if r["cli"].get("exit"):
        print("cli stderr:", r["cli"].get("stderr", "")[-500:])
    print(f"{'kind':24} {'expect':>7} | {'cli rec':>7} {'prec':>5} {'rev1':>5} | "
          f"{'engine':>6} | {'naive':>5}")
    for kind, row in r["cli"].get("kinds", {}).items():
        engine = r["engine"].get("kinds", {}).get(kind, {})
        naive = r["baseline"].get("kinds", {}).get(kind, {})
        print(f"{kind:24} {row['expect']:>7} | {_pct(row['recall']):>7} "
              f"{_pct(row['precision'])} {_pct(row['review_first_right'])} | "
              f"{_pct(engine.get('recall')):>6} | {_pct(naive.get('recall'))}")


def main() -> None:
    """Parse the sizes and generators, run each, print and write bench/out/cli.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,50000,100000,1000000")
    parser.add_argument("--generators", default="synth,blind")
    parser.add_argument("--reuse", action="store_true",
                        help="score the outputs of the last runs again instead of re-running")
    args = parser.parse_args()
    results = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        for generator in [g for g in args.generators.split(",") if g]:
            results.append(bench(generator, size, args.reuse))
            print_result(results[-1])
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / "cli.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
