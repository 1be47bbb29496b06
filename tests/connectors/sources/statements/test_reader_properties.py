"""Every reader, fuzzed: generated statements read back to exactly the amounts written
(never a silently wrong sum), and mutated real files through `dunwell statement convert`
end in exit 0 or one clear error (exit 2 naming the file), never a traceback."""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dunwell.cli import app
from dunwell.connectors.sources.statements import check_balances, read_statement
from tests.connectors.sources.statements.statement_testkit import FIXTURES
from tests.connectors.sources.statements.test_statement_fuzz import mutated

PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TEXT = st.text(alphabet="ABCXYZabcxyz0123456789 -.", min_size=1, max_size=30).map(str.strip) \
    .filter(bool)
ROWS = st.lists(st.tuples(st.integers(-10**9, 10**9).filter(bool), st.integers(1, 28), TEXT),
                min_size=1, max_size=25)
Rows = list[tuple[int, int, str]]


def _money(cents: int) -> str:
    return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _mt940(rows: Rows) -> str:
    total = sum(c for c, _, _ in rows)
    lines = [":20:P1", ":25:DE89370400440532013000", ":28C:1/1", ":60F:C251101EUR0,00"]
    for cents, day, text in rows:
        lines += [f":61:2511{day:02d}11{day:02d}{'C' if cents > 0 else 'D'}"
                  f"{_money(cents).replace('.', ',')}NTRFNONREF", f":86:{text}"]
    lines += [f":62F:{'C' if total >= 0 else 'D'}251130EUR{_money(total).replace('.', ',')}",
              "-"]
    return "\n".join(lines) + "\n"


def _camt(rows: Rows) -> str:
    total = sum(c for c, _, _ in rows)
    entries = "".join(
        f'<Ntry><Amt Ccy="EUR">{_money(c)}</Amt><CdtDbtInd>{"CRDT" if c > 0 else "DBIT"}'
        f"</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-11-{d:02d}</Dt></BookgDt>"
        f"<AddtlNtryInf>{t}</AddtlNtryInf></Ntry>" for c, d, t in rows)
    bal = ('<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amt}</Amt>'
           "<CdtDbtInd>{ind}</CdtDbtInd><Dt><Dt>2025-11-30</Dt></Dt></Bal>")
    return ('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
            "<BkToCstmrStmt><Stmt><Id>P</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id>"
            "</Acct>" + bal.format(code="OPBD", amt="0.00", ind="CRDT")
            + bal.format(code="CLBD", amt=_money(total), ind="CRDT" if total >= 0 else "DBIT")
            + entries + "</Stmt></BkToCstmrStmt></Document>\n")


def _ofx(rows: Rows) -> str:
    total = sum(c for c, _, _ in rows)
    sign = "-" if total < 0 else ""
    txns = "".join(f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>202511{d:02d}<TRNAMT>"
                   f"{'-' if c < 0 else ''}{_money(c)}<FITID>F{i}<MEMO>{t}</STMTTRN>\n"
                   for i, (c, d, t) in enumerate(rows))
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS>"
            "<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>1<ACCTID>42</BANKACCTFROM>\n"
            f"<BANKTRANLIST><DTSTART>20251101<DTEND>20251130\n{txns}</BANKTRANLIST>"
            f"<LEDGERBAL><BALAMT>{sign}{_money(total)}<DTASOF>20251130</LEDGERBAL>"
            "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")


def _bai2(rows: Rows) -> str:
    total = sum(c for c, _, _ in rows)
    details = "".join(f"16,{'195' if c > 0 else '475'},{abs(c)},0,B{i},,{t}/\n"
                      for i, (c, _, t) in enumerate(rows))
    return ("01,S,R,251201,0800,1,80,,2/\n02,R,S,1,251130,2400,USD,2/\n"
            f"03,42,USD,010,0,,,015,{total},,/\n{details}49,{total},{len(rows) + 2}/\n"
            f"98,{total},1,{len(rows) + 4}/\n99,{total},1,{len(rows) + 6}/\n")


def _one_line_bai2(rows: Rows) -> str:
    """The same BAI2 file with every record on one physical line."""
    return _bai2(rows).replace("/\n", "/").rstrip("/") + "/\n"


def _wise_csv(rows: Rows) -> str:
    body = "".join(f"T-{i},{d:02d}-11-2025,{'-' if c < 0 else ''}{_money(c)},EUR,{t},,0.00\n"
                   for i, (c, d, t) in enumerate(rows))
    return ("TransferWise ID,Date,Amount,Currency,Description,Payment Reference,"
            f"Running Balance\n{body}")


WRITERS = {"mt940": _mt940, "camt053": _camt, "ofx": _ofx, "bai2": _bai2,
           "bai2_one_line": _one_line_bai2, "csv": _wise_csv}


@pytest.mark.parametrize("fmt", WRITERS)
@PROPERTY
@given(rows=ROWS)
def test_generated_statement_reads_back_every_amount_exactly(fmt: str, rows: Rows) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.dat"
        path.write_text(WRITERS[fmt](rows), encoding="utf-8")
        imported = read_statement(path)
    assert imported.format == fmt.removesuffix("_one_line")
    assert [t.amount for t in imported.transactions] == [
        Decimal(c).scaleb(-2) for c, _, _ in rows]
    days = [30] * len(rows) if fmt.startswith("bai2") else [d for _, d, _ in rows]  # BAI2:
    assert [t.booking_date for t in imported.transactions] == [  # the group's as-of date
        date(2025, 11, d) for d in days]
    assert check_balances(imported) == []


SEEDS = ["sepa_86.sta", "mt940_dialects_cp1250.sta", "mt940_czech_iso8859_2.sta",
         "camt053_dialects.xml", "camt053_batch.xml", "ofx_sgml_cp1252.ofx",
         "ofx_investment.ofx", "bai2_wrapped.bai2", "bai2_records_on_one_line.bai2",
         "bank.csv", "banks/wise.csv"]
CLI = settings(max_examples=15, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("seed", SEEDS)
@CLI
@given(data=st.data())
def test_mutated_file_converts_or_is_refused_in_one_line_naming_it(seed: str,
                                                                  data: st.DataObject) -> None:
    mutation = data.draw(mutated((FIXTURES / seed).read_bytes()))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzzed{Path(seed).suffix}"
        path.write_bytes(mutation)
        result = CliRunner().invoke(app, ["statement", "convert", str(path), "-o",
                                          str(Path(folder) / "out.csv")])
        wrote = (Path(folder) / "out.csv").exists()
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        errors = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert errors and all(str(path) in line for line in errors), result.output
        assert not wrote
    else:
        assert wrote


