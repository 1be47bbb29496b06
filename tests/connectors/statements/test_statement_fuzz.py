"""Fuzzing: arbitrary bytes and mutated valid files either parse or raise InputError."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from dunwell.connectors.statements import check_balances, read_statement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statement_testkit import FIXTURE_PROFILES, FIXTURES

from dunwell.errors import InputError

SEEDS = ["sepa_86.sta", "reversal.sta", "camt053_batch.xml", "camt054.xml",
         "ofx_sgml_cp1252.ofx", "ofx_xml.ofx", "bai2_continuation.bai2", "debit_credit.csv",
         "bank.csv"]
FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _read(data: bytes) -> None:
    """Read bytes as a statement: fine, or an InputError; anything else fails the test."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.dat"
        path.write_bytes(data)
        try:
            check_balances(read_statement(path, profiles_dir=FIXTURE_PROFILES))
        except InputError:
            pass


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> bytes:
    """A valid fixture with a few random cuts, insertions and byte flips."""
    data = bytearray((FIXTURES / seed).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "flip", "truncate", "dup"]))
        if action == "cut":
            del data[at:at + draw(st.integers(1, 40))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        elif action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "truncate":
            del data[at:]
        elif action == "dup":
            data[at:at] = data[at:at + draw(st.integers(1, 80))]
    return bytes(data)


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_parse_or_raise_input_error(data: bytes) -> None:
    _read(data)


@pytest.mark.parametrize("prefix", [b":20:X\n:25:A\n", b"01,", b"OFXHEADER:100\n<OFX>",
                                    b'<Document><BkToCstmrStmt><Stmt>', b"transaction_id,"
                                    b"booking_date,amount,currency\n"])
@FUZZ
@given(data=st.binary(max_size=300))
def test_format_prefix_with_arbitrary_bytes_parses_or_raises_input_error(prefix, data) -> None:
    _read(prefix + data)


@pytest.mark.parametrize("seed", SEEDS)
@FUZZ
@given(data=st.data())
def test_mutated_valid_file_parses_or_raises_input_error(seed: str, data: st.DataObject) -> None:
    _read(data.draw(mutated(seed)))
