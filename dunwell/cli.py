"""The `dunwell` command line: parses arguments, validates inputs, runs flows.

A user's mistake (bad file, bad argument, bad config) ends with one line per
problem on stderr and exit code 2, before any flow starts or anything is
written. `--strict` turns findings that need a person into exit code 1.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from typer._click.exceptions import UsageError  # typer vendors click: its own class

from dunwell.errors import DunwellError, InputErrors, InvariantBroken, Unavailable

app = typer.Typer(
    help="dunwell: match bank payments to invoices, flag discrepancies, and send polite reminders.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
statement_app = typer.Typer(
    help="Bank statements: convert any supported format to canonical CSV.", no_args_is_help=True
)
review_app = typer.Typer(
    help="The review queue: matches waiting for a person.", no_args_is_help=True
)
customer_app = typer.Typer(
    help="What a customer told us: pause, resume, pin a segment.", no_args_is_help=True
)
invoice_app = typer.Typer(
    help="What a customer said about an invoice: dispute, promise.", no_args_is_help=True
)
profile_app = typer.Typer(
    help="Bank CSV profiles: describe a bank's CSV export once.", no_args_is_help=True
)
statement_app.add_typer(profile_app, name="profile")
app.add_typer(statement_app, name="statement")
app.add_typer(review_app, name="review")
unmatched_app = typer.Typer(
    help="Money no run could match: mark refunds and unrelated money.", no_args_is_help=True
)
app.add_typer(unmatched_app, name="unmatched")
app.add_typer(customer_app, name="customer")
delivery_app = typer.Typer(
    help="Emails that need a person: bounced, or delivery unknown.", no_args_is_help=True
)
app.add_typer(invoice_app, name="invoice")
app.add_typer(delivery_app, name="delivery")
web_app = typer.Typer(help="The finance-ops workbench (login required).")
web_user_app = typer.Typer(help="Workbench users and their roles.", no_args_is_help=True)
web_app.add_typer(web_user_app, name="user")
app.add_typer(web_app, name="web")

console = Console(stderr=True)
out = Console()

FileArg = Annotated[Path, typer.Option(help="canonical CSV file")]
InvoicesArg = Annotated[
    Path,
    typer.Option(
        help="invoices: canonical CSV, an Excel export (.xlsx, mapped by a profile in "
        "config/invoice_profiles/), or profile:NAME for an ERP database query"
    ),
]
OutDir = Annotated[Path, typer.Option("--out", help="output folder (created if missing)")]
BankOpt = Annotated[
    list[Path],
    typer.Option(
        "--bank",
        help="bank statement: MT940, CAMT.053/054, OFX/QFX, BAI2, bank CSV or canonical CSV; "
        "repeatable",
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="YYYY-MM-DD (that day at the send time in each customer's timezone) or an ISO "
        "datetime; default now",
    ),
]
Force = Annotated[
    bool, typer.Option("--force", help="write into an --out folder that already holds files")
]
Strict = Annotated[
    bool, typer.Option("--strict", help="exit 1 when discrepancies or review items need a person")
]


_LIBRARY_DEFAULTS = {
    "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180", "GX_ANALYTICS_ENABLED": "False",
}


def _quiet_prefect() -> None:
    """Prefect's own logging stays at warnings unless the operator asks for more."""
    from dunwell.connectors.settings.config import prepare_process

    # Prefect does not create a missing PREFECT_HOME's parents: prepare_process does.
    prepare_process(_LIBRARY_DEFAULTS, "PREFECT_HOME", Path(".dunwell") / "prefect")
    for name in ("prefect.flow_runs", "prefect.task_runs", *_POOL_LOGGERS):
        logging.getLogger(name).addFilter(_without_traceback_for_our_errors)


# SQLAlchemy logs through one logger per pool class. A SIGTERM that lands while a pool
# resets a connection is logged there with its traceback; `_run` already says it in a line.
_POOL_LOGGERS = tuple(
    f"sqlalchemy.pool.impl.{pool}" for pool in (
        "QueuePool", "NullPool", "SingletonThreadPool", "StaticPool", "AssertionPool",
        "AsyncAdaptedQueuePool", "FallbackAsyncAdaptedQueuePool",
    )
)


def _without_traceback_for_our_errors(record: logging.LogRecord) -> bool:
    """An error dunwell raises on purpose is reported in one line by `_run`, not as a traceback;
    an outage (database down, lock held) and an interruption (Ctrl-C, SIGTERM, which Prefect
    turns into its TerminationSignal) only there."""
    if record.exc_info and isinstance(record.exc_info[1], Unavailable):
        return False
    if record.exc_info and _interrupted(record.exc_info[1]):
        return False
    if record.exc_info and isinstance(record.exc_info[1], DunwellError):
        record.exc_info = None
        record.exc_text = None
    return True


def _interrupted(error: BaseException | None) -> bool:
    """True when an interruption (Ctrl-C, SIGTERM) is this error or lies under it: a library
    stopped in mid-call may raise its own error about that (psycopg, when SQLAlchemy's ping
    restores autocommit on the connection the signal left busy)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if not isinstance(error, Exception):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


_INTERRUPTED = ("interrupted: the run stopped and wrote no output; reminders it already sent "
                "are recorded, so running it again resumes where it stopped")


def _say(lines: list[str]) -> None:
    for line in lines:
        console.print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True)


def _usage(problem: str) -> NoReturn:
    """Arguments that do not go together: one line, exit 2."""
    _say([problem])
    raise typer.Exit(2)


def _run(step: Callable[[], Any]) -> Any:
    """Run a command body; user errors become one line each and exit 2; outages (database
    down or locked, another run holding the lock), an interruption and dunwell's own bugs
    (a broken invariant) one line and exit 1."""
    try:
        return step()
    except KeyboardInterrupt:
        _say([_INTERRUPTED])
        raise typer.Exit(1) from None
    except InvariantBroken as bug:
        _say([str(bug)])
        raise typer.Exit(1) from None
    except Unavailable as error:
        _say(str(error).splitlines()[:1] or [type(error).__name__])
        raise typer.Exit(1) from None
    except InputErrors as many:
        for problem in many.errors:
            console.print(
                f"[red]error:[/red] {problem.message}", highlight=False, markup=True, soft_wrap=True
            )
        raise typer.Exit(2) from None
    except DunwellError as error:
        _say(str(error).splitlines() or [type(error).__name__])
        raise typer.Exit(2) from None
    except Exception as error:
        if _interrupted(error):
            _say([_INTERRUPTED])
            raise typer.Exit(1) from None
        if not _database_outage(error):
            raise
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        _say([f"database unavailable: {reason}"])
        raise typer.Exit(1) from None


def _database_outage(error: Exception) -> bool:
    """True for the database going away or staying locked in the middle of a run."""
    module = sys.modules.get("sqlalchemy.exc")
    return module is not None and isinstance(error, module.OperationalError | module.InterfaceError)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="output folder")] = Path("demo-out"),
    seed: Annotated[int, typer.Option(help="random seed: same seed, same data")] = 7,
    customers: Annotated[int, typer.Option(help="number of customers", min=1)] = 300,
    invoices: Annotated[int, typer.Option(help="number of invoices", min=1)] = 3000,
    as_of: AsOf = None,
    data_only: Annotated[
        bool, typer.Option("--data-only", help="only write the company's invoices.csv, "
                           "customers.csv and bank.csv into --out (e.g. a server's data/)")
    ] = False,
) -> None:
    """Generate realistic data and run the whole daily job on it (SQLite, file outbox)."""
    _quiet_prefect()  # before anything imports Prefect, so that its settings apply
    from dunwell import commands

    if data_only:
        for path in _run(lambda: commands.demo_data(out_dir, seed, customers, invoices)):
            out.print(f"wrote {path}", highlight=False)
        return

    summary = _run(lambda: commands.demo(out_dir, seed, customers, invoices, as_of))
    commands.print_summary(out, summary)


@statement_app.command("convert")
def statement_convert(
    file: Annotated[Path, typer.Argument(help="the statement file, any supported format")],
    output: Annotated[Path, typer.Option("-o", "--output", help="canonical bank.csv to write")],
    profile: Annotated[
        str | None, typer.Option(help="bank CSV profile name (default: recognised from the header)")
    ] = None,
    currency: Annotated[
        str | None, typer.Option(help="currency when the file does not state one")
    ] = None,
    profiles: Annotated[
        Path | None,
        typer.Option(
            "--profiles",
            help="folder of your own bank CSV profiles, searched before the built-in ones "
            "(default: DUNWELL_PROFILES_DIR or profiles_dir of the settings)",
        ),
    ] = None,
) -> None:
    """Convert a statement to canonical bank.csv; reads no database, writes only OUTPUT."""
    from dunwell import commands

    result = _run(lambda: commands.convert(file, output, profile, currency, profiles))
    for line in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {line}", highlight=False, soft_wrap=True)
    out.print(
        f"{result.count} transaction{'' if result.count == 1 else 's'} ({result.format})"
        f" -> {output}"
        + "".join(f"\n  {ccy} net {total}" for ccy, total in result.sums.items())
    )


@profile_app.command("infer")
def statement_profile_infer(
    file: Annotated[Path, typer.Argument(help="a bank CSV export no profile describes")],
    output: Annotated[Path, typer.Option("-o", "--output", help="the profile to write, NAME.yaml")],
    currency: Annotated[
        str | None,
        typer.Option(help="the account's currency, when the file states none (also settles "
                     "whether 01/02 is January or February)"),
    ] = None,
) -> None:
    """Infer a profile from a bank CSV and write it, for you to check and keep."""
    from dunwell import commands

    notes = _run(lambda: commands.infer_profile(file, output, currency))
    for line in notes:
        out.print(f"inferred {line}", highlight=False, soft_wrap=True)
    out.print(f"-> {output} (put it in your profile folder: --profiles DIR or "
              "DUNWELL_PROFILES_DIR)", highlight=False, soft_wrap=True)


@app.command()
def reconcile(
    invoices: InvoicesArg,
    bank: BankOpt,
    out_dir: OutDir,
    customers: Annotated[Path | None, typer.Option(help="customers.csv")] = None,
    strict: Strict = False,
    force: Force = False,
) -> None:
    """Match payments to invoices: writes matches.csv and discrepancies.csv into --out."""
    _quiet_prefect()  # before anything imports Prefect, so that its settings apply
    from dunwell import commands

    summary = _run(lambda: commands.reconcile(invoices, customers, bank, out_dir, force))
    commands.print_summary(out, summary)
    _strict_exit(strict, summary)


dunning_app = typer.Typer(
    help="Plan and send reminders: writes actions.csv (and the outbox) into --out. "
    "`dunwell dunning planned|approve|exclude` decide what needs a person first."
)
app.add_typer(dunning_app, name="dunning")


@dunning_app.callback(invoke_without_command=True)
def dunning(
    ctx: typer.Context,
    invoices: Annotated[Path | None, typer.Option(
        help="invoices: canonical CSV, an Excel export (.xlsx, mapped by a profile in "
        "config/invoice_profiles/), or profile:NAME for an ERP database query")] = None,
    customers: Annotated[Path | None, typer.Option(help="canonical CSV file")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="output folder (created if missing)")] = None,
    bank: Annotated[
        list[Path] | None,
        typer.Option(
            "--bank", help="statement(s) to reconcile first, so paid invoices are never dunned"
        ),
    ] = None,
    as_of: AsOf = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="plan only: write the plan and a digest to approve; send nothing"
        ),
    ] = False,
    strict: Strict = False,
    force: Force = False,
) -> None:
    """Plan and send reminders: writes actions.csv (and the outbox) into --out."""
    if ctx.invoked_subcommand is not None:
        return
    if invoices is None or customers is None or out_dir is None:
        name = next(name for name, value in (("--invoices", invoices), ("--customers", customers),
                                             ("--out", out_dir)) if value is None)
        raise UsageError(f"Missing option '{name}'.", ctx)
    _quiet_prefect()  # before anything imports Prefect, so that its settings apply
    from dunwell import commands

    summary = _run(
        lambda: commands.dunning(invoices, customers, bank or [], out_dir, as_of, dry_run,
                                 force)
    )
    commands.print_summary(out, summary)
    _strict_exit(strict, summary)


RunDay = Annotated[str | None, typer.Option(
    "--as-of", help="the run day to plan for, YYYY-MM-DD (default: today)")]


@dunning_app.command("planned")
def dunning_planned(as_of: RunDay = None) -> None:
    """List the next run's messages by stage and segment, and which wait for approval."""
    from dunwell import desk

    _run(lambda: desk.dunning_planned(out, as_of))


@dunning_app.command("approve")
def dunning_approve(
    stage: Annotated[str, typer.Option(help="the stage to approve (e.g. final)")],
    segment: Annotated[str | None, typer.Option(help="only this segment")] = None,
    customer: Annotated[str | None, typer.Option(help="only this customer's message")] = None,
    as_of: RunDay = None,
    note: Annotated[str, typer.Option(help="why, for the record")] = "",
) -> None:
    """Approve the waiting messages of a stage (all, one segment's, or one customer's)."""
    from dunwell import desk

    count = _run(lambda: desk.dunning_approve(stage, segment, customer, as_of, note))
    out.print(f"approved {count} {stage} message{'' if count == 1 else 's'}", highlight=False)


@dunning_app.command("exclude")
def dunning_exclude(
    customer: Annotated[str, typer.Argument(help="the customer whose message stays back")],
    stage: Annotated[str, typer.Option(help="the stage of the message")],
    note: Annotated[str, typer.Option(help="why (required, for the record)")],
    currency: Annotated[str | None, typer.Option(help="when they get several")] = None,
    as_of: RunDay = None,
) -> None:
    """Keep one planned message from being sent, with the reason."""
    from dunwell import desk

    _run(lambda: desk.dunning_exclude(customer, stage, currency, as_of, note))
    out.print(f"{stage} message to {customer} excluded", highlight=False)


@app.command()
def report(
    invoices: InvoicesArg,
    bank: BankOpt,
    out_dir: OutDir,
    customers: Annotated[Path | None, typer.Option(help="customers.csv")] = None,
    as_of: AsOf = None,
    email_to: Annotated[
        list[str] | None,
        typer.Option("--email-to", help="recipient; repeatable (default: from config)"),
    ] = None,
    force: Force = False,
) -> None:
    """Build the controller report (report.html) and email it."""
    _quiet_prefect()  # before anything imports Prefect, so that its settings apply
    from dunwell import commands

    summary = _run(
        lambda: commands.report(invoices, customers, bank, out_dir, as_of, email_to or [], force)
    )
    commands.print_summary(out, summary)


@review_app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(help="rows to show at most", min=1)] = 50,
    parked: Annotated[bool, typer.Option(
        "--parked", help="list the payments parked with a note instead")] = False,
) -> None:
    """List matches waiting for a person, best candidate first."""
    from dunwell import desk

    _run(lambda: desk.review_list(out, limit, parked))


@review_app.command("accept")
def review_accept(
    transaction_id: str,
    invoice_ids: Annotated[list[str], typer.Argument(
        metavar="INVOICE...", help="one proposed invoice, or several (booked in this order)")],
    difference: Annotated[str, typer.Option(
        "--difference", metavar="KIND",
        help="book what the payment leaves of the invoice as bank_fee or "
             "early_payment_discount (written off) or short_payment (still owed)")] = "",
    note: Annotated[str, typer.Option(help="why, for the audit log")] = "",
) -> None:
    """Book a proposed match; the payer's name and IBAN are learned for the next run."""
    from dunwell import desk

    _run(lambda: desk.review_accept(transaction_id, invoice_ids, difference, note))
    extra = f", the difference booked as {difference}" if difference else ""
    out.print(f"booked {transaction_id} -> {' '.join(invoice_ids)}{extra}; "
              "payer remembered for this customer", highlight=False)


@review_app.command("park")
def review_park(
    transaction_id: str,
    note: Annotated[str, typer.Option(help="why it waits (required)")],
) -> None:
    """Take a payment out of the review queue until it is un-parked."""
    from dunwell import desk

    _run(lambda: desk.review_park(transaction_id, note, park=True))
    out.print(f"parked {transaction_id}", highlight=False)


@review_app.command("unpark")
def review_unpark(transaction_id: str, note: Annotated[str, typer.Option(help="why")] = "") -> None:
    """Put a parked payment back into the review queue."""
    from dunwell import desk

    _run(lambda: desk.review_park(transaction_id, note, park=False))
    out.print(f"{transaction_id} is back in the review queue", highlight=False)


@unmatched_app.command("mark")
def unmatched_mark(
    transaction_id: str,
    kind: Annotated[str, typer.Argument(metavar="KIND", help="refund or unrelated")],
    note: Annotated[str, typer.Option(help="what the money is (required)")],
) -> None:
    """Mark money no run could match as a refund or unrelated: it leaves the unmatched list."""
    from dunwell import desk

    _run(lambda: desk.unmatched_mark(transaction_id, kind, note))
    out.print(f"{transaction_id} marked {kind}", highlight=False)


@unmatched_app.command("unmark")
def unmatched_unmark(transaction_id: str,
                     note: Annotated[str, typer.Option(help="why")] = "") -> None:
    """Undo a refund or unrelated mark: the money is unmatched again."""
    from dunwell import desk

    _run(lambda: desk.unmatched_mark(transaction_id, "", note))
    out.print(f"{transaction_id} is unmatched again", highlight=False)


@review_app.command("reject")
def review_reject(transaction_id: str, invoice_id: str) -> None:
    """Reject a proposed match; it will not be proposed again."""
    from dunwell import desk

    _run(lambda: desk.review_decide(transaction_id, invoice_id, accept=False))
    out.print(f"rejected {transaction_id} -> {invoice_id}")


@app.command()
def status() -> None:
    """Where dunwell keeps its state and what it holds: database, last runs, review, messages."""
    from dunwell import desk

    _run(lambda: desk.status(out))


@app.command()
def reset(
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Forget everything: remove the local SQLite database (what was imported, booked, sent)."""
    from dunwell import desk

    database = _run(desk.local_database_file)
    if not database.exists():
        out.print(f"nothing to reset: {database} does not exist", highlight=False)
        return
    if not yes and not typer.confirm(
            f"Remove {database}: every import, booking, review decision and sent reminder?"):
        out.print("nothing removed")
        raise typer.Exit(1)
    desk.reset(database)
    out.print(f"removed {database}; the next run starts from nothing", highlight=False)
@delivery_app.command("list")
def delivery_list() -> None:
    """List bounced emails and emails whose delivery is unknown."""
    from dunwell import desk

    _run(lambda: desk.deliveries_waiting(out))


@delivery_app.command("settle")
def delivery_settle(
    message_id: Annotated[str, typer.Argument(help="the Message-ID (or the outbox key)")],
    delivered: Annotated[bool, typer.Option(
        "--delivered/--not-delivered",
        help="found in the mail server's log, or not (then the next run sends it again)")],
) -> None:
    """Settle an email whose delivery is unknown, after checking the mail server's log."""
    from dunwell import desk

    _run(lambda: desk.delivery_settle(message_id, delivered))
    out.print(f"{message_id}: recorded as {'delivered' if delivered else 'not delivered'}")


Note = Annotated[str, typer.Option(help="why, for the record")]


@customer_app.command("pause")
def customer_pause(customer_id: str, note: Note = "") -> None:
    """Stop all reminders to a customer until resumed."""
    from dunwell import desk

    _run(lambda: desk.customer_state(customer_id, "pause", note=note))
    out.print(f"reminders to {customer_id} paused")


@customer_app.command("resume")
def customer_resume(customer_id: str, note: Note = "") -> None:
    """Resume reminders to a paused customer."""
    from dunwell import desk

    _run(lambda: desk.customer_state(customer_id, "resume", note=note))
    out.print(f"reminders to {customer_id} resumed")


@customer_app.command("pin-segment")
def customer_pin(customer_id: str, segment: str, note: Note = "") -> None:
    """Pin a customer's dunning segment by hand (overrides the computed one)."""
    from dunwell import commands, desk

    _run(lambda: commands.check_segment(segment))
    _run(lambda: desk.customer_state(customer_id, "pin", segment=segment, note=note))
    out.print(f"{customer_id} pinned to segment {segment}")


@customer_app.command("plan")
def customer_plan(
    customer_id: str,
    invoice: Annotated[list[str] | None, typer.Option(
        help="an invoice the plan covers; repeatable")] = None,
    instalment: Annotated[list[str] | None, typer.Option(
        help="'YYYY-MM-DD AMOUNT'; repeatable; they must add up to what the invoices owe")] = None,
    cancel: Annotated[str, typer.Option(
        metavar="PLAN", help="cancel this plan instead (with --note WHY): the ladder applies "
        "to its invoices again")] = "",
    note: Note = "",
) -> None:
    """Agree a payment plan: its invoices get no ladder reminders while it is kept.
    With --cancel PLAN --note WHY, cancel one."""
    from dunwell import desk

    if cancel:
        if invoice or instalment:
            _usage("--cancel takes no --invoice or --instalment")
        invoices = _run(lambda: desk.payment_plan_cancel(customer_id, cancel, note))
        out.print(f"{cancel}: cancelled; the ladder applies to {invoices} again",
                  highlight=False)
        return
    if not invoice or not instalment:
        _usage("give --invoice and --instalment (each repeatable), or --cancel PLAN")
    plan_id = _run(lambda: desk.payment_plan(customer_id, invoice, instalment, note))
    out.print(f"{plan_id}: {len(instalment)} instalments for {' '.join(invoice)}",
              highlight=False)


@invoice_app.command("dispute")
def invoice_dispute(
    invoice_id: str,
    resolved: Annotated[bool, typer.Option("--resolved", help="the dispute is settled")] = False,
    who: Annotated[str, typer.Option(help="who recorded it")] = "",
    note: Note = "",
) -> None:
    """Record that a customer disputes an invoice: no reminders for it until resolved."""
    from dunwell import desk

    _run(lambda: desk.invoice_dispute(invoice_id, resolved, who, note))
    out.print(f"{invoice_id}: dispute {'resolved' if resolved else 'recorded'}")


@invoice_app.command("promise")
def invoice_promise(
    invoice_id: str,
    promised: Annotated[str, typer.Argument(help="the date the customer promised to pay by")],
    who: Annotated[str, typer.Option(help="who recorded it")] = "",
    note: Note = "",
) -> None:
    """Record a promise to pay: reminders wait until that date, then escalate one step."""
    from dunwell import desk
    from dunwell.tasks.common import parse_as_of

    _run(
        lambda: desk.invoice_promise(
            invoice_id, parse_as_of(promised, source="PROMISED").date(), who, note
        )
    )
    out.print(f"{invoice_id}: promise to pay by {promised} recorded")


@web_app.callback(invoke_without_command=True)
def web(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
) -> None:
    """Start the workbench: review queue, customers, audit log, in a browser."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from dunwell import workbench
    from dunwell.access import HeaderAuth
    from dunwell.connectors.settings.config import load_settings
    from dunwell.web import create_app

    settings = _run(load_settings)
    engine = _run(workbench.open_engine)
    auth = (HeaderAuth.of(settings.web_auth_header, settings.web_trusted_proxies)
            if settings.web_auth == "header" else None)
    how = (f"single sign-on: {settings.web_auth_header} from "
           f"{', '.join(settings.web_trusted_proxies)}" if auth else
           "add people with `dunwell web user add NAME --role ROLE`")
    out.print(f"dunwell workbench on http://{host}:{port}/ ({how}); Ctrl-C stops it",
              highlight=False)
    # with single sign-on the peer address must stay the proxy's: no X-Forwarded-For rewrite
    uvicorn.run(create_app(engine, auth, plan_ahead=True), host=host, port=port,
                log_level="warning", proxy_headers=auth is None)


@web_user_app.command("add")
def web_user_add(
    name: Annotated[str, typer.Argument(help="the name they sign in with")],
    role: Annotated[str, typer.Option(help="viewer, clerk, controller or admin")] = "clerk",
    no_password: Annotated[bool, typer.Option(
        "--no-password", help="signs in only through single sign-on (web_auth: header)")] = False,
) -> None:
    """Add a user, or reset their role and password. The password comes from
    DUNWELL_WEB_PASSWORD, else from a prompt."""
    from dunwell import access, workbench
    from dunwell.connectors.settings.config import environment

    password = None if no_password else environment().get("DUNWELL_WEB_PASSWORD") or typer.prompt(
        f"password for {name}", hide_input=True, confirmation_prompt=True, err=True)
    created = _run(lambda: access.add_user(workbench.open_engine(), access.cli_actor(), name,
                                           role, password))
    out.print(f"{'added' if created else 'updated'} {name} ({role})", highlight=False)


def _strict_exit(strict: bool, summary: Any) -> None:
    if strict and summary.needs_a_person:
        raise typer.Exit(1)


def _terminate(signum: int, frame: Any) -> None:
    """SIGTERM ends a run as Ctrl-C does: clean-up runs, transactions roll back."""
    raise KeyboardInterrupt


def main() -> None:
    """Entry point that never shows a traceback for a user's mistake."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    app(prog_name="dunwell")


if __name__ == "__main__":  # pragma: no cover
    main()
