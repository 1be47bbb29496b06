"""Fuzzing: arbitrary bytes and mutated valid files either parse or raise InputError."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.connectors.sources.statements import check_balances, read_statement
from dunwell.errors import InputError
from tests.connectors.sources.statements.statement_testkit import FIXTURE_PROFILES, FIXTURES

SEEDS = ["sepa_86.sta", "reversal.sta", "camt053_batch.xml", "camt054.xml",
         "ofx_sgml_cp1252.ofx", "ofx_xml.ofx", "bai2_continuation.bai2", "debit_credit.csv",
         "bank.csv", "mt940_dialects_cp1250.sta", "camt053_dialects.xml", "ofx_investment.ofx",
         "ofx_bad_balance.ofx", "bai2_wrapped.bai2", "rich_profile.csv"]
BENCH_CSV = sorted((FIXTURES.parents[2] / "bench" / "bank_csv").glob("*.csv"))
FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


BANK_CSV = {
    "ing": '"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij",'
           '"Bedrag (EUR)","MutatieSoort","Mededelingen"\n'
           '"20251103","ACME","NL91ABNA0417164300","","GT","Af","1.234,50","x","INV 7"\n',
    "schwab": '"Date","Status","Type","CheckNumber","Description","Withdrawal","Deposit",'
              '"RunningBalance"\n"11/03/2025","Posted","ACH","","PAYROLL","","$1,020.00","$9.00"\n',
    "ubs": "Produit;Monn.;Description;Date de valeur;Description 1;Description 2;Description 3;"
           "N\u00b0 de transaction;D\u00e9bit;Cr\u00e9dit;Solde\n0123 4;CHF;Compte;03.11.2025;"
           "Virement;ACME;Rue 1;ZT1;;1'240.00;11'613.94\n",
}


def _read(data: bytes, profiles_dir: Path | None = FIXTURE_PROFILES):  # noqa: ANN202
    """Read bytes as a statement: the import, or None on an InputError; anything else
    (a crash, another exception type) fails the test."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.dat"
        path.write_bytes(data)
        try:
            imported = read_statement(path, profiles_dir=profiles_dir)
        except InputError:
            return None
        check_balances(imported)
        return imported


def _refused_or_well_formed(imported) -> bool:  # noqa: ANN001
    """Refused, or parsed into unique ids and finite Decimal amounts."""
    if imported is None:
        return True
    ids = [t.transaction_id for t in imported.transactions]
    return len(set(ids)) == len(ids) and all(
        isinstance(t.amount, Decimal) and t.amount.is_finite() for t in imported.transactions)


@st.composite
def mutated(draw: st.DrawFn, seed: str | bytes) -> bytes:
    """A valid fixture with a few random cuts, insertions and byte flips."""
    data = bytearray(seed if isinstance(seed, bytes) else (FIXTURES / seed).read_bytes())
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
    assert _refused_or_well_formed(_read(data))


@pytest.mark.parametrize("prefix", [b":20:X\n:25:A\n", b"01,", b"OFXHEADER:100\n<OFX>",
                                    b'<Document><BkToCstmrStmt><Stmt>', b"transaction_id,"
                                    b"booking_date,amount,currency\n"])
@FUZZ
@given(data=st.binary(max_size=300))
def test_format_prefix_with_arbitrary_bytes_parses_or_raises_input_error(prefix, data) -> None:
    assert _refused_or_well_formed(_read(prefix + data))


@pytest.mark.parametrize("seed", SEEDS)
@FUZZ
@given(data=st.data())
def test_mutated_valid_file_parses_or_raises_input_error(seed: str, data: st.DataObject) -> None:
    assert _refused_or_well_formed(_read(data.draw(mutated(seed))))


@pytest.mark.parametrize("bank", BANK_CSV)
@FUZZ
@given(data=st.data())
def test_mutated_bank_csv_parses_or_raises_input_error(bank: str, data: st.DataObject) -> None:
    mutation = data.draw(mutated(BANK_CSV[bank].encode("utf-8")))
    assert _refused_or_well_formed(_read(mutation, profiles_dir=None))


@pytest.mark.parametrize("name", [p.name for p in BENCH_CSV[:4]] + ["uk_nationwide.csv"])
@FUZZ
@given(data=st.data())
def test_mutated_unknown_bank_csv_is_inferred_or_refused_with_input_error(
        name: str, data: st.DataObject) -> None:
    seed = (FIXTURES.parents[2] / "bench" / "bank_csv" / name).read_bytes()
    assert _refused_or_well_formed(_read(data.draw(mutated(seed)), profiles_dir=None))


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab;,.-0123456789/\n\" E€")), max_size=300))
def test_inference_on_arbitrary_text_returns_a_profile_or_raises_input_error(text: str) -> None:
    from dunwell.connectors.sources.statements.csv_infer import infer

    try:
        profile, notes = infer(text, "fuzz.csv")
    except InputError:
        return
    assert profile.columns["booking_date"] and notes
