"""Quality suites: each expectation catches a crafted bad row, quarantined with its line."""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.connectors.quality import validation as quality
from dunwell.connectors.quality.validation import check, reconciliation_frame, stop_on_critical
from dunwell.errors import CriticalQualityFailure, InvariantBroken

AS_OF = date(2026, 11, 20)
GOOD_IBAN = "DE89370400440532013000"
BAD_IBAN = "DE89370400440532013001"


def invoices(*rows: dict) -> pd.DataFrame:
    """An invoice frame: one good row per dict, overridden by the dict, lines from 2."""
    base = {
        "invoice_id": "INV-1",
        "customer_id": "C1",
        "customer_name": "Acme",
        "currency": "EUR",
        "amount_minor": 10000,
        "open_minor": 10000,
        "amount": "100.00",
        "issue_date": "2026-10-01",
        "due_date": "2026-10-31",
        "status": "open",
        "email": "",
        "disputed": False,
        "promise_to_pay_date": None,
    }
    frame = pd.DataFrame([{**base, "invoice_id": f"INV-{i}", **r} for i, r in enumerate(rows)])
    for col in ("issue_date", "due_date", "promise_to_pay_date"):
        frame[col] = pd.to_datetime(frame[col])
    frame["line"] = range(2, 2 + len(frame))
    return frame


def transactions(*rows: dict) -> pd.DataFrame:
    """A bank transaction frame with good defaults, lines from 2."""
    base = {
        "booking_date": "2026-11-10",
        "amount_minor": 5000,
        "amount": "50.00",
        "currency": "EUR",
        "counterparty_name": "Acme",
        "counterparty_iban": GOOD_IBAN,
        "remittance_info": "INV-1",
        "account": GOOD_IBAN,
    }
    frame = pd.DataFrame([{**base, "transaction_id": f"T{i}", **r} for i, r in enumerate(rows)])
    frame["booking_date"] = pd.to_datetime(frame["booking_date"])
    frame["line"] = range(2, 2 + len(frame))
    return frame


def customers(*rows: dict) -> pd.DataFrame:
    """A customer frame with good defaults, lines from 2."""
    base = {
        "name": "Acme",
        "email": "ap@acme.test",
        "iban": GOOD_IBAN,
        "segment": "",
        "language": "en",
        "country": "DE",
        "timezone": "Europe/Berlin",
        "do_not_contact": False,
    }
    frame = pd.DataFrame([{**base, "customer_id": f"C{i}", **r} for i, r in enumerate(rows)])
    frame["line"] = range(2, 2 + len(frame))
    return frame


def reasons(result: quality.QualityResult) -> dict[int, str]:
    return dict(zip(result.quarantine["line"], result.quarantine["reason"], strict=True))


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"invoice_id": "INV-0"}, "invoice_id duplicated"),
        ({"invoice_id": ""}, "invoice_id missing"),
        (
            {"amount": "100.005", "amount_minor": 10000},
            "amount has more decimals than the currency allows",
        ),
        (
            {"amount_minor": -10000, "open_minor": -10000, "amount": "-100.00"},
            "amount is not positive",
        ),
        ({"due_date": "2026-09-30"}, "due_date is before issue_date"),
        ({"currency": "EURO"}, "currency is not an ISO 4217 code"),
        ({"open_minor": 10001}, "open_amount is outside 0..amount"),
        ({"open_minor": -1}, "open_amount is outside 0..amount"),
        ({"status": "sent"}, "status is not open"),
    ],
)
def test_a_bad_invoice_row_is_quarantined_with_its_line_and_reason(tmp_path, bad, reason):
    result = check("invoices", invoices({}, {}, bad, {}), as_of=AS_OF, out_dir=tmp_path)
    assert list(result.quarantine["line"]) == [4] or (bad == {"invoice_id": "INV-0"})
    assert reason in reasons(result)[4]
    assert 4 not in set(result.clean["line"])
    assert not result.critical_failures


def test_both_rows_of_a_duplicate_id_are_quarantined_and_the_outcome_samples_them(tmp_path):
    result = check("invoices", invoices({}, {"invoice_id": "INV-0"}), as_of=AS_OF, out_dir=tmp_path)
    assert sorted(result.quarantine["line"]) == [2, 3]
    dup = next(o for o in result.outcomes if o.name == "invoice_id duplicated")
    assert (dup.success, dup.unexpected_count, dup.row_level) == (False, 2, True)
    assert [s["line"] for s in dup.sample] == ["2", "3"]


def test_jpy_amount_with_decimals_is_excess_but_eur_trailing_zero_is_not(tmp_path):
    frame = invoices(
        {"currency": "JPY", "amount": "100.5", "amount_minor": 100, "open_minor": 100},
        {"amount": "100.500"},
    )
    result = check("invoices", frame, as_of=AS_OF, out_dir=tmp_path)
    assert reasons(result) == {2: "amount has more decimals than the currency allows"}


def test_the_suite_knows_the_currencies_the_readers_accept(tmp_path):
    # dunwell.currencies is the one table: BGN is ISO 4217 (pycountry lacks it), gold is not money
    frame = invoices({"currency": "BGN"}, {"currency": "XAU"})
    result = check("invoices", frame, as_of=AS_OF, out_dir=tmp_path)
    assert reasons(result) == {3: "currency is not an ISO 4217 code"}


def test_a_credit_note_may_be_negative(tmp_path):
    frame = invoices(
        {"status": "credit_note", "amount_minor": -500, "open_minor": -500, "amount": "-5.00"}
    )
    result = check("invoices", frame, as_of=AS_OF, out_dir=tmp_path)
    assert result.success and len(result.clean) == 1


def test_several_failures_on_one_row_are_all_named(tmp_path):
    result = check(
        "invoices",
        invoices({"currency": "EURO", "due_date": "2026-01-01"}),
        as_of=AS_OF,
        out_dir=tmp_path,
    )
    assert reasons(result)[2] == "currency is not an ISO 4217 code; due_date is before issue_date"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"country": "ZZ"}, "country is not an ISO 3166 alpha-2 code"),
        ({"iban": BAD_IBAN}, "IBAN checksum or length is wrong"),
        ({"customer_id": "C0"}, "customer_id duplicated"),
        ({"name": ""}, "name missing"),
    ],
)
def test_a_bad_customer_row_is_quarantined(tmp_path, bad, reason):
    result = check("customers", customers({}, bad), as_of=AS_OF, out_dir=tmp_path)
    assert reason in reasons(result)[3]


def test_blank_optional_customer_fields_pass(tmp_path):
    result = check(
        "customers", customers({"iban": "", "country": ""}), as_of=AS_OF, out_dir=tmp_path
    )
    assert result.success


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"booking_date": "2026-11-21"}, "booking_date is in the future"),
        ({"amount": "50.001"}, "amount has more decimals than the currency allows"),
        ({"transaction_id": "T0"}, "transaction_id duplicated"),
        ({"currency": "EURO"}, "currency is not an ISO 4217 code"),
        ({"amount_minor": 0, "amount": "0.00"}, "amount is zero"),
    ],
)
def test_a_bad_bank_row_is_quarantined(tmp_path, bad, reason):
    result = check("transactions", transactions({}, bad), as_of=AS_OF, out_dir=tmp_path)
    assert reason in reasons(result)[3]
    assert list(result.clean["line"]) == ([] if "transaction_id" in bad else [2])


def test_a_payment_with_a_bad_payer_iban_is_reported_but_kept_for_matching(tmp_path):
    result = check("transactions", transactions({}, {"counterparty_iban": BAD_IBAN}),
                   as_of=AS_OF, out_dir=tmp_path)
    iban = next(o for o in result.outcomes if o.name.startswith("counterparty IBAN"))
    assert (iban.success, iban.unexpected_count, iban.sample[0]["line"]) == (False, 1, "3")
    assert result.quarantine.empty
    assert list(result.clean["line"]) == [2, 3]


def _reconciliation(links: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    txns = transactions(*({} for _ in range(4)))
    matches = pd.DataFrame(
        links, columns=["transaction_id", "invoice_id", "decision", "applied_minor"]
    )
    return reconciliation_frame(txns, matches, invoices({}, {}))


def test_an_invoice_cleared_twice_is_a_bug_of_dunwell_not_a_data_problem(tmp_path):
    frame = _reconciliation(
        [
            ("T0", "INV-0", "auto", 10000),
            ("T1", "INV-0", "auto", 10000),
            ("T2", "INV-1", "auto", 5000),
        ]
    )
    result = check("reconciliation", frame, as_of=AS_OF, out_dir=tmp_path)
    cleared = next(o for o in result.outcomes if o.name.startswith("invoice cleared twice"))
    assert cleared.invariant and cleared.unexpected_count == 2
    assert sorted(result.quarantine["line"]) == [2, 3]
    with pytest.raises(InvariantBroken, match="dunwell bug.*invoice cleared twice.*lines 2, 3"):
        stop_on_critical([result])


def test_alternative_review_sets_sharing_an_invoice_are_proposals_not_double_links(tmp_path):
    txns = transactions(*({} for _ in range(2)))
    matches = pd.DataFrame(
        [("T0", "INV-0", "review", 6000, 1), ("T0", "INV-1", "review", 4000, 1),
         ("T0", "INV-0", "review", 6000, 2), ("T0", "INV-2", "review", 4000, 2),
         ("T1", "INV-1", "auto", 5000, 1)],
        columns=["transaction_id", "invoice_id", "decision", "applied_minor", "rank"],
    )
    frame = reconciliation_frame(txns, matches, invoices({}, {}, {}))
    result = check("reconciliation", frame, as_of=AS_OF, out_dir=tmp_path)
    assert [o for o in result.outcomes if not o.success and o.row_level] == []
    assert result.quarantine.empty
    stop_on_critical([result])


def test_partial_payments_that_add_up_to_the_open_amount_are_fine(tmp_path):
    frame = _reconciliation(
        [
            ("T0", "INV-0", "auto", 6000),
            ("T1", "INV-0", "auto", 4000),
            ("T2", "INV-1", "auto", 5000),
            ("T3", "INV-1", "review", 5000),
        ]
    )
    result = check("reconciliation", frame, as_of=AS_OF, out_dir=tmp_path)
    assert result.success, [o for o in result.outcomes if not o.success]
    stop_on_critical([result])


def test_a_match_rate_below_the_configured_bound_is_a_finding_that_never_stops(tmp_path):
    frame = _reconciliation([("T0", "INV-0", "auto", 10000)])  # 1 of 4 payments matched
    result = check(
        "reconciliation", frame, as_of=AS_OF, out_dir=tmp_path, bounds={"match_rate_min": 0.5}
    )
    rate = next(o for o in result.outcomes if o.name.startswith("match rate"))
    assert (rate.success, rate.critical, rate.observed) == (False, False, "25.0%")
    assert result.findings == (rate,)
    assert result.quarantine.empty
    stop_on_critical([result])
    relaxed = check(
        "reconciliation", frame, as_of=AS_OF, out_dir=tmp_path, bounds={"match_rate_min": 0.2}
    )
    assert relaxed.success and not relaxed.findings


def test_a_review_share_above_its_bound_fails(tmp_path):
    frame = _reconciliation([(f"T{i}", f"INV-{i % 2}", "review", 1) for i in range(4)])
    result = check(
        "reconciliation", frame, as_of=AS_OF, out_dir=tmp_path, bounds={"review_share_max": 0.3}
    )
    share = next(o for o in result.outcomes if o.name.startswith("review share"))
    assert (share.success, share.observed) == (False, "100.0%")


def test_statements_that_do_not_chain_stop_the_run(tmp_path):
    frame = pd.DataFrame(
        {
            "account": ["A", "A", "A"],
            "currency": ["EUR"] * 3,
            "statement_date": pd.to_datetime(["2026-11-01", "2026-11-02", "2026-11-03"]),
            "opening_minor": [0, 100, 150],
            "movement_minor": [100, 60, 10],
            "closing_minor": [100, 160, 160],
            "line": [2, 3, 4],
        }
    )
    result = check("statements", frame, as_of=AS_OF, out_dir=tmp_path)
    assert reasons(result) == {4: "opening balance is not the previous statement's closing balance"}
    with pytest.raises(CriticalQualityFailure, match="statements"):
        stop_on_critical([result])


def test_non_critical_failures_do_not_stop_the_run(tmp_path):
    result = check("invoices", invoices({"currency": "EURO"}), as_of=AS_OF, out_dir=tmp_path)
    assert not result.success
    stop_on_critical([result])


def test_unknown_dataset_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no quality suite"):
        check("ledger", invoices({}), as_of=AS_OF, out_dir=tmp_path)


def test_data_docs_land_in_the_output_folder_without_temp_dirs_or_progress_bars(
    tmp_path, capfd, monkeypatch
):
    scratch, out = tmp_path / "tmp", tmp_path / "out"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    results = [
        check("invoices", invoices({}, {"currency": "EURO"}), as_of=AS_OF, out_dir=out),
        check("transactions", transactions({}), as_of=AS_OF, out_dir=out),
    ]
    index = quality.build_data_docs(results, out)
    assert index == out.resolve() / "data_docs" / "index.html"
    assert quality.finish_data_docs() == index
    assert quality.finish_data_docs() is None  # waited for once
    assert "invoices" in index.read_text(encoding="utf-8")
    assert list((out / "data_docs" / "validations").rglob("*.html"))
    assert sorted(p.name for p in out.iterdir()) == ["data_docs"]
    assert not list(scratch.iterdir())
    captured = capfd.readouterr()
    assert "Calculating Metrics" not in captured.err + captured.out
    repo = Path(__file__).resolve().parents[3]
    assert not (repo / "gx").exists() and not (repo / "great_expectations").exists()


def test_data_docs_that_cannot_be_written_fail_when_waited_for_and_abandoned_ones_write_nothing(
        tmp_path):
    from dunwell.connectors.quality import data_docs

    results = [check("invoices", invoices({}), as_of=AS_OF, out_dir=tmp_path / "a")]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    quality.build_data_docs(results, blocker)  # the site would go under a plain file
    with pytest.raises(RuntimeError, match="Data Docs could not be built"):
        quality.finish_data_docs()

    out = tmp_path / "b"
    quality.build_data_docs(results, out)
    data_docs.abandon()  # the run failed: its staging folder is about to be removed
    assert quality.finish_data_docs() is None
    assert not (out / "data_docs" / "index.html").exists()


def _running(pid: int) -> bool:
    """A process that exists and is not a zombie (a container's PID 1 may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_the_data_docs_helper_ends_within_a_second_or_two_when_its_run_is_killed() -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    script = ("import time\nfrom dunwell.connectors.quality import data_docs\n"
              "data_docs.warm_up()\nprint(data_docs.helper_running().pid, flush=True)\n"
              "time.sleep(600)\n")
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    helper = int(run.stdout.readline())
    os.kill(run.pid, signal.SIGKILL)  # while the helper imports GX (seconds)
    run.wait()
    killed = time.monotonic()
    while _running(helper) and time.monotonic() - killed < 30:
        time.sleep(0.05)
    assert not _running(helper)
    assert time.monotonic() - killed < 2.0  # not after its import, from a closed stdin


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_the_data_docs_helper_yields_the_cores_to_the_run() -> None:
    import os
    import time

    from dunwell.connectors.quality import data_docs

    data_docs.warm_up()
    helper = data_docs.helper_running()
    assert helper is not None
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    began = time.monotonic()
    # it lowers its own priority first thing, before seconds of importing GX
    while os.getpriority(os.PRIO_PROCESS, helper.pid) == mine and time.monotonic() - began < 30:
        time.sleep(0.05)
    assert os.getpriority(os.PRIO_PROCESS, helper.pid) == min(mine + 10, 19)


def test_a_blank_decision_counts_as_unmatched(tmp_path):
    frame = _reconciliation([("T0", "INV-0", "auto", 10000), ("T1", "INV-1", "auto", 10000)])
    frame["decision"] = frame["decision"].replace("unmatched", "")
    result = check("reconciliation", frame, as_of=AS_OF, out_dir=tmp_path)
    assert result.success, [o for o in result.outcomes if not o.success]


def test_a_day_without_incoming_payments_does_not_stop_the_run(tmp_path):
    empty = pd.DataFrame(columns=["transaction_id", "invoice_id", "decision", "applied_minor"])
    for txns in (transactions({}).iloc[0:0], transactions({"amount_minor": -500})):
        frame = reconciliation_frame(txns, empty, invoices({}))
        result = check("reconciliation", frame, as_of=AS_OF, out_dir=tmp_path)
        rates = [o for o in result.outcomes if not o.row_level]
        assert [(o.success, o.observed) for o in rates] == [(True, "n/a"), (True, "n/a")]
        stop_on_critical([result])


def test_data_docs_load_nothing_from_the_network_and_list_their_pages_without_scripts(
        tmp_path):
    import re

    out = tmp_path / "out"
    results = [check("invoices", invoices({}), as_of=AS_OF, out_dir=out),
               check("transactions", transactions({}), as_of=AS_OF, out_dir=out)]
    index = quality.build_data_docs(results, out)
    quality.finish_data_docs()
    site = index.parent
    remote = re.compile(r"src=[\"']https?://|<link[^>]*href=[\"']https?://|url\(['\"]?https?://")
    for path in [*site.rglob("*.html"), *site.rglob("*.css")]:
        text = path.read_text(encoding="utf-8")
        assert not remote.search(text), (path, remote.search(text)[0])
        assert "<script" not in text, path
    page = index.read_text(encoding="utf-8")
    validations = sorted(site.glob("validations/*/*/*/*.html"))
    assert len(validations) == 2
    for validation in validations:  # each validation page linked from a plain table row
        assert f'href="{validation.relative_to(site).as_posix()}"' in page
    assert 'href="expectations/invoices.html"' in page and "<tbody><tr>" in page


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(10**15), 10**15), min_size=1, max_size=40),
       st.lists(st.sampled_from([0, 1, 2, 3, 4]), min_size=40, max_size=40))
def test_decimals_counted_from_minor_units_are_those_the_written_amount_shows(minors, places):
    """'12.50' in EUR uses one decimal, '12.00' none: counted on the integers, as on the text."""
    places = places[: len(minors)]
    used = quality._decimals_used(np.array(minors, dtype="int64"), np.array(places))
    shown = [max(0, -Decimal(m).scaleb(-p).normalize().as_tuple().exponent)
             for m, p in zip(minors, places, strict=True)]
    assert used.tolist() == shown
