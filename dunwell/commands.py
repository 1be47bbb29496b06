"""What each CLI command does: validate first (fast, exit 2 on bad input), then run a flow.

Inputs are read once here before Prefect starts, so a user's mistake never
reaches the orchestrator and never leaves a half-done run behind.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from dunwell.errors import ConfigError, InputError, InputErrors
from dunwell.tasks.common import parse_as_of

if TYPE_CHECKING:  # the summary module imports Prefect: not at import time of the CLI
    import pandas as pd

    from dunwell.model import BankTxn
    from dunwell.tasks.summary import RunSummary

_stderr = Console(stderr=True)
_EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+")


@dataclass(frozen=True)
class Converted:
    """What `statement convert` wrote."""

    count: int
    format: str
    sums: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def convert(file: Path, output: Path, profile: str | None, currency: str | None,
            profiles_dir: Path | None = None) -> Converted:
    """Any statement -> canonical bank.csv; reads no database, writes only `output`.

    A statement is read into records and written straight out (no frame, no pandas);
    a canonical bank.csv goes through the one canonical reader the flows use."""
    from dunwell.connectors.sources.inputs import looks_canonical
    from dunwell.currencies import is_currency

    _check_output(file, output)
    currency = currency.strip().upper() if currency is not None else None
    if currency is not None and not is_currency(currency):
        raise InputError("--currency", f"{currency!r} is not an ISO 4217 currency code")
    if profiles_dir is not None and not profiles_dir.is_dir():
        raise InputError(str(profiles_dir), "--profiles takes a folder of profile .yaml files")
    if not file.is_file():
        raise InputError(str(file), "file not found" if not file.exists() else "not a file")
    if profile is None and looks_canonical(file):
        return _convert_canonical(file, output)
    return _convert_statement(file, output, profile, currency, profiles_dir)


def _convert_statement(file: Path, output: Path, profile: str | None, currency: str | None,
                       profiles_dir: Path | None) -> Converted:
    """A statement's records written as bank.csv, with the net sum per currency."""
    from dunwell.connectors.sources.inputs import read_statement_file
    from dunwell.connectors.sources.statements import check_balances, write_canonical_csv
    from dunwell.connectors.sources.statements.bank_csv import amount_text

    imported = read_statement_file(file, profile, currency, profiles_dir)
    _write(lambda: write_canonical_csv(imported.transactions, output), output)
    sums = _net_by_currency(imported.transactions)
    fmt = f"csv:{imported.profile}" if imported.profile else imported.format
    return Converted(len(imported.transactions), fmt,
                     {ccy: amount_text(sums[ccy], ccy) for ccy in sorted(sums)},
                     list(imported.warnings) + check_balances(imported))


def _net_by_currency(transactions: list[BankTxn]) -> dict[str, Decimal]:
    """The signed sum per currency, added in file order; a file in one currency (the usual
    case) is summed without a Python step per row."""
    currencies = set(map(attrgetter("currency"), transactions))
    if len(currencies) == 1:
        return {currencies.pop(): sum(map(attrgetter("amount"), transactions), Decimal(0))}
    sums: dict[str, Decimal] = {}
    for t in transactions:
        sums[t.currency] = sums.get(t.currency, Decimal(0)) + t.amount
    return sums


def _convert_canonical(file: Path, output: Path) -> Converted:
    """A canonical bank.csv checked by the canonical reader and written back out."""
    import pandas as pd

    from dunwell.connectors.sources.canonical import write_bank
    from dunwell.connectors.sources.inputs import read_bank
    from dunwell.frames import minor_to_text

    bank = read_bank(file)
    _write(lambda: write_bank(bank.transactions, output), output)
    sums = bank.transactions.groupby("currency")["amount_minor"].sum()
    text = minor_to_text(sums.reset_index(drop=True).astype("int64"),
                         pd.Series(list(sums.index), dtype="str"))
    return Converted(len(bank.transactions), bank.format, dict(zip(sums.index, text, strict=True)),
                     bank.warnings + bank.balance_findings)


def _write(write: Callable[[], object], output: Path) -> None:
    """Write an output; a read-only or vanished folder is the user's path, not a bug."""
    try:
        write()
    except OSError as exc:
        raise InputError(str(output), f"cannot write: {exc.strerror or exc}") from None


def infer_profile(file: Path, output: Path, currency: str | None = None) -> list[str]:
    """Write a profile inferred from an unknown bank CSV; returns what was inferred."""
    from dunwell.connectors.sources.statements import infer_profile as infer
    from dunwell.connectors.sources.statements.csv_profiles import to_yaml
    from dunwell.connectors.storage.files import write_atomic

    if not file.is_file():
        raise InputError(str(file), "file not found" if not file.exists() else "not a file")
    if output.suffix not in (".yaml", ".yml"):
        raise InputError(str(output), "-o takes the profile's file name, NAME.yaml")
    _check_output(file, output)
    profile, notes = infer(file, output.stem, currency.strip().upper() if currency else None)
    try:
        write_atomic(output, to_yaml(profile))
    except OSError as exc:
        raise InputError(str(output), f"cannot write: {exc.strerror or exc}") from None
    return notes


def _check_output(file: Path, output: Path) -> None:
    """-o must name a file that is not the statement itself: converting never loses the input."""
    if output.is_dir():
        raise InputError(str(output), "is a folder; -o takes the name of the bank.csv to write")
    _folder_can_be_made(output, output.parent)
    if output.exists() and file.exists() and output.resolve() == file.resolve():
        raise InputError(str(output), "is the input file; choose another name for the output")


def _folder_can_be_made(target: Path, folder: Path) -> None:
    """The folder of `target` exists or can be made: no file is in the way."""
    for part in (folder, *folder.parents):
        if part.exists():
            if part.is_dir():
                return
            problem = ("is a file; --out takes a folder" if part == target
                       else f"cannot be made: {part} is a file")
            raise InputError(str(target), problem)


def _folder_is_free(out: Path, force: bool) -> None:
    """--out must be empty or new, unless --force: files of an earlier run beside this run's
    would disagree with them (an old review queue, old reminders in the outbox)."""
    if force or not out.is_dir():
        return
    if any(not entry.name.startswith(".staging-") for entry in out.iterdir()):
        raise InputError(str(out), "is not empty (an earlier run's files?); choose a new --out, "
                         "or add --force to write over them")


def _validate(invoices: Path, customers: Path | None, bank: list[Path], as_of: str | None,
              out: Path, email_to: list[str] | None = None, force: bool = False) -> None:
    """Every input and argument checked before a flow starts; all problems reported at once."""
    from dunwell.connectors.quality.data_docs import warm_up

    warm_up()  # the run's Data Docs need GX: a helper process imports it from now on
    from dunwell.tasks.inputs import load_inputs  # imports Prefect: not for `statement convert`

    errors: list[InputError] = [
        InputError("--email-to", f"{address!r} is not an email address (name@example.com)")
        for address in email_to or [] if not _EMAIL.fullmatch(address.strip())]
    check_config()
    try:
        parse_as_of(as_of)
    except InputError as error:
        errors.append(error)
    try:
        _folder_can_be_made(out, out)
        _folder_is_free(out, force)
    except InputError as error:
        errors.append(error)
    try:
        inputs = load_inputs(invoices, customers, bank)
        errors.extend(_unknown_segments(inputs.customers, customers))
    except InputErrors as many:
        errors.extend(many.errors)
    if errors:
        raise InputErrors(errors)
    for line in inputs.warnings:
        _stderr.print(f"[yellow]warning:[/yellow] {line}", highlight=False, soft_wrap=True)


def check_config() -> None:
    """Settings, match policy and dunning policy readable: a ConfigError (exit 2) otherwise,
    before any flow starts."""
    from dunwell.connectors import root
    from dunwell.matching import MatchPolicy

    settings = root.load()
    root.dunning_policy(settings)
    try:
        MatchPolicy(**settings.matching)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{settings.config_file}: matching: {exc}") from None


def policy_segments() -> list[str]:
    """Segment names of the configured dunning policy, in its order."""
    from dunwell.workbench import policy_segments as segments

    return segments()


def check_segment(segment: str) -> None:
    """A segment pinned by hand must be one the policy knows ("" unpins)."""
    from dunwell.workbench import check_segment as check

    check(segment)


def _unknown_segments(customers: pd.DataFrame, path: Path | None) -> list[InputError]:
    """customers.csv rows pinning a segment the policy lacks (else the run fails halfway)."""
    pinned = customers["segment"]
    if path is None or not (pinned != "").any():
        return []
    known = policy_segments()
    bad = customers.loc[(pinned != "") & ~pinned.isin(known), ["line", "segment"]].head(20)
    return [InputError(str(path), f"{segment!r} is not a segment of the dunning policy "
                       f"(known: {', '.join(known)})", int(line), "segment")
            for line, segment in bad.itertuples(index=False)]


def reconcile(invoices: Path, customers: Path | None, bank: list[Path], out: Path,
              force: bool = False) -> RunSummary:
    """Validate, then run the ad-hoc reconciliation flow."""
    _validate(invoices, customers, bank, None, out, force=force)
    from dunwell.flows.steps import reconcile_run
    from dunwell.tasks.local import run_body

    return run_body(_reconcile_flow, reconcile_run, str(invoices), [str(b) for b in bank],
                    str(customers) if customers else None, str(out), None, False)


def _reconcile_flow() -> object:
    from dunwell.flows.reconcile import reconcile as flow

    return flow


def dunning(invoices: Path, customers: Path, bank: list[Path], out: Path, as_of: str | None,
            dry_run: bool, force: bool = False) -> RunSummary:
    """Validate, then run the dunning flow."""
    _validate(invoices, customers, bank, as_of, out, force=force)
    from dunwell.flows.dunning import dunning as flow
    from dunwell.tasks.local import run_flow

    return run_flow(flow, str(invoices), str(customers), [str(b) for b in bank], str(out),
                    as_of, dry_run)


def report(invoices: Path, customers: Path | None, bank: list[Path], out: Path,
           as_of: str | None, email_to: list[str], force: bool = False) -> RunSummary:
    """Validate, then run the report flow."""
    _validate(invoices, customers, bank, as_of, out, email_to, force)
    from dunwell.flows.report import report as flow
    from dunwell.tasks.local import run_flow

    return run_flow(flow, str(invoices), [str(b) for b in bank],
                    str(customers) if customers else None, str(out), as_of, email_to or None)


DEMO_DAY = date(2026, 11, 20)  # the demo's data end here, so its examples work on any day


def demo_data(out: Path, seed: int, customers: int, invoices: int) -> list[Path]:
    """Only the demo company's files, written into `out` (e.g. a server's data/ folder)."""
    from dunwell.connectors.sources.canonical import write_bank, write_customers, write_invoices
    from dunwell.synth import generate

    targets = [out / "customers.csv", out / "invoices.csv", out / "bank.csv"]
    existing = [str(path) for path in targets if path.exists()]
    if existing:
        raise InputError(existing[0], "exists; demo data are only written into a folder "
                         "without them")
    data = generate(seed, customers, invoices, DEMO_DAY)
    write_customers(data.customers, targets[0])
    write_invoices(data.invoices, targets[1])
    write_bank(data.transactions, targets[2])
    return targets


def demo(out: Path, seed: int, customers: int, invoices: int, as_of: str | None) -> RunSummary:
    """Generate a realistic company's data into out/data and run the daily job on it.

    Without --as-of the data are those of a fixed day (DEMO_DAY), the same on any
    machine and any day, and the run is as of the last working day of the statement,
    so the demo always has reminders to send.
    """
    parse_as_of(as_of)  # a bad --as-of or config is refused before anything is generated
    check_config()
    from dunwell.connectors.sources.canonical import write_bank, write_customers, write_invoices
    from dunwell.flows.daily import daily
    from dunwell.synth import generate

    _fresh_demo_database(Path(out))
    data_day = parse_as_of(as_of).date() if as_of else DEMO_DAY
    data = generate(seed, customers, invoices, data_day)
    as_of = as_of or last_working_day(data.transactions["booking_date"].max().date()).isoformat()
    folder = Path(out) / "data"
    write_customers(data.customers, folder / "customers.csv")
    write_invoices(data.invoices, folder / "invoices.csv")
    write_bank(data.transactions, folder / "bank.csv")
    from dunwell.tasks.local import run_flow

    return run_flow(daily, str(folder / "invoices.csv"), str(folder / "customers.csv"),
                    [str(folder / "bank.csv")], str(out), as_of)


def last_working_day(day: date) -> date:
    """The latest day on or before `day` on which the policy sends in its home country."""
    from datetime import timedelta

    from dunwell.connectors import root
    from dunwell.dunning.window import is_business_day

    sending = root.dunning_policy().sending
    for _ in range(60):
        if is_business_day(day, sending.default_country, sending):
            return day
        day -= timedelta(days=1)
    return day  # pragma: no cover - a policy that never sends


def _fresh_demo_database(out: Path) -> None:
    """The demo keeps its own SQLite file in its output folder, new each time.

    A folder of an earlier demo (it has demo.sqlite) is emptied first, so that its old
    reminders never mix with the new ones; any other folder with files is refused.
    A real DUNWELL_DATABASE_URL is left alone: the demo never writes generated
    customers into a team's database.
    """
    import shutil

    from dunwell.connectors.settings.config import use_database

    if out.is_dir() and any(out.iterdir()):
        if not (out / "demo.sqlite").exists():
            raise InputError(str(out), "is not empty and holds no earlier demo; choose a new "
                             "--out for the demo")
        for entry in out.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    out.mkdir(parents=True, exist_ok=True)
    database = (out / "demo.sqlite").resolve()
    use_database(f"sqlite:///{database}")


def _grouped(amount: str) -> str:
    """1234567.50 -> 1,234,567.50: readable in a terminal, still exact."""
    sign, text = ("-", amount[1:]) if amount.startswith("-") else ("", amount)
    whole, dot, fraction = text.partition(".")
    return f"{sign}{int(whole):,}{dot}{fraction}"


def _payments_table(summary: RunSummary) -> Table:
    """Payments by outcome: how many, then the amount per currency."""
    outcomes = (
        ("in", summary.payments_in, summary.payments_in_amount),
        ("auto-matched", summary.matched_auto, summary.matched_auto_amount),
        ("to review", summary.review, summary.review_amount),
        ("unmatched", summary.unmatched, summary.unmatched_amount),
    )
    table = Table(title=f"dunwell run {summary.run_id[:8]}, as of {summary.as_of}",
                  title_justify="left")
    table.add_column("payments", style="bold")
    for label, _, _ in outcomes:
        table.add_column(label, justify="right")
    table.add_row("count", *(f"{count:,}" for _, count, _ in outcomes))
    for currency in sorted(summary.payments_in_amount):
        table.add_row(currency, *(_grouped(amounts.get(currency, "0"))
                                  for _, _, amounts in outcomes))
    return table


def _findings_table(summary: RunSummary) -> Table:
    """Discrepancies, reminders and holds: what happened and what waits for a person."""
    table = Table(show_header=True, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("count", justify="right")
    rows = [(f"discrepancy: {k}", v) for k, v in sorted(summary.discrepancies.items())]
    verb = "planned (dry run)" if summary.dry_run else "sent"
    rows += [(f"reminder {verb}: {k}", v) for k, v in summary.reminders.items()]
    rows += [("handed to a person", summary.human_review)] if summary.human_review else []
    rows += [(f"held back: {k}", v) for k, v in Counter(summary.holds).most_common()]
    rows += [("rows quarantined (see report)", summary.quarantined)] if summary.quarantined else []
    rows += [("already imported before", summary.already_known)] if summary.already_known else []
    for label, count in rows:
        table.add_row(label, f"{count:,}")
    return table


def _print_deliveries(console: Console, summary: RunSummary) -> None:
    """Emails by stage and outcome, when any was not delivered; then the run's notes."""
    from dunwell.tasks.summary import delivery_rows

    if summary.undelivered:
        table = Table("stage", "delivery", "count", title_justify="left")
        for stage, status, count in delivery_rows(summary):
            table.add_row(stage, status, f"{count:,}")
        console.print(table)
    for note in summary.notes:
        console.print(f"note: {note}", highlight=False, soft_wrap=True)


def print_summary(console: Console, summary: RunSummary) -> None:
    """The tables an operator reads at the end of a run, then where the files are."""
    console.print(_payments_table(summary))
    console.print(_findings_table(summary))
    _print_deliveries(console, summary)
    for text in summary.findings:
        _stderr.print(f"[yellow]finding:[/yellow] {text}", highlight=False, soft_wrap=True)
    for name, path in summary.paths.items():
        console.print(f"{name}: {path}", highlight=False, soft_wrap=True)
