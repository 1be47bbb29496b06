"""User profile folders, and inference of a profile for a bank CSV nobody described."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from dunwell.connectors.sources.statements import infer_profile, read_statement
from dunwell.connectors.sources.statements.csv_infer import InferenceUnsure
from dunwell.errors import FormatNotRecognised
from tests.connectors.sources.statements.statement_testkit import FIXTURE_PROFILES, FIXTURES

DKB_LIKE = (
    "Kontonummer:;DE12500105170648489890;\n"
    "Zeitraum:;01.10.2025 - 31.10.2025;\n\n"
    "Buchungsdatum;Wertstellung;Status;Zahlungspflichtige*r;"
    "Verwendungszweck;Umsatztyp;IBAN;Betrag (€);Gläubiger-ID\n"
    "03.10.25;03.10.25;Gebucht;ACME GmbH;RE 2025-17;Eingang;"
    "DE89370400440532013000;1.234,56;\n"
    "04.10.25;04.10.25;Gebucht;Stadtwerke;Strom;Ausgang;"
    "DE02120300000000202051;-45,00;DE98ZZZ09999999999\n"
    "05.10.25;05.10.25;Vorgemerkt;Shop;Order;Ausgang;;-9,99;\n"
)

US_LIKE = ("Posting Date,Description,Debit,Credit,Balance\n"
           "2025-11-03,PAYROLL ACME,,\"1,020.00\",\"9,020.00\"\n"
           "2025-11-04,COFFEE,4.50,,\"9,015.50\"\n")


def test_unknown_layout_is_inferred_and_says_what_it_inferred(write) -> None:
    imp = read_statement(write("dkb.csv", DKB_LIKE.encode("utf-8")))
    assert imp.profile == "inferred"
    assert [t.amount for t in imp.transactions] == [Decimal("1234.56"), Decimal("-45.00")]
    assert {t.currency for t in imp.transactions} == {"EUR"}
    assert {t.account for t in imp.transactions} == {"DE12500105170648489890"}
    assert any("inferred header on line 4, separator ';'" in w for w in imp.warnings)
    assert any("not booked" in w and "Vorgemerkt" in w for w in imp.warnings)


def test_debit_and_credit_columns_are_inferred(write) -> None:
    imp = read_statement(write("us.csv", US_LIKE), currency="USD")
    assert [t.amount for t in imp.transactions] == [Decimal("1020.00"), Decimal("-4.50")]


def test_without_a_currency_anywhere_the_rows_are_refused_not_guessed(write) -> None:
    with pytest.raises(Exception, match="no currency"):
        read_statement(write("us.csv", US_LIKE))


def test_ambiguous_day_month_dates_are_refused_naming_the_column(write) -> None:
    text = "Date,Amount,Currency\n01/02/2025,10.00,EUR\n03/04/2025,-2.00,EUR\n"
    with pytest.raises(FormatNotRecognised) as info:
        read_statement(write("amb.csv", text))
    message = str(info.value)
    assert "'Date'" in message and "--profile" in message
    assert "statement profile infer" in message and "ing_nl" in message


def test_a_file_whose_amount_cannot_be_placed_names_its_columns(write) -> None:
    text = "Datum;Text;Wert in Punkten\n03.11.2025;x;12\n04.11.2025;y;13\n"
    with pytest.raises(FormatNotRecognised) as info:
        read_statement(write("pts.csv", text))
    assert "amount (or debit and credit)" in str(info.value)
    assert "'Wert in Punkten'" in str(info.value)


def test_inferred_profile_written_as_yaml_reads_the_file_again(write, tmp_path: Path) -> None:
    path = write("dkb.csv", DKB_LIKE.encode("cp1252", "replace").replace(b"\x80", b"EUR"))
    profile, _ = infer_profile(path, "mybank")
    folder = tmp_path / "profiles"
    folder.mkdir()
    from dunwell.connectors.sources.statements.csv_profiles import to_yaml

    (folder / "mybank.yaml").write_text(to_yaml(profile), encoding="utf-8")
    assert yaml.safe_load((folder / "mybank.yaml").read_text(encoding="utf-8"))["encoding"]
    imp = read_statement(path, profiles_dir=folder)
    assert imp.profile == "mybank"
    assert sum(t.amount for t in imp.transactions) == Decimal("1189.56")


def test_user_profile_folder_is_searched_before_the_built_in_one(write, tmp_path: Path,
                                                                 monkeypatch) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    ing = (Path(__file__).resolve().parents[4] / "config" / "profiles" / "ing_nl.yaml")
    (folder / "my_ing.yaml").write_text(ing.read_text(encoding="utf-8").replace(
        "currency: EUR", "currency: EUR\nskip_undated: true"), encoding="utf-8")
    sample = Path(__file__).resolve().parents[5] / "shared" / "samples" / "csv" / "ing_nl.csv"
    assert read_statement(sample, profiles_dir=folder).profile == "my_ing"
    monkeypatch.setenv("DUNWELL_PROFILES_DIR", str(folder))
    assert read_statement(sample).profile == "my_ing"
    monkeypatch.delenv("DUNWELL_PROFILES_DIR")
    assert read_statement(sample).profile == "ing_nl"


def test_rich_profile_warns_about_every_row_it_skipped() -> None:
    imp = read_statement(FIXTURES / "rich_profile.csv", profiles_dir=FIXTURE_PROFILES)
    assert any("skipped 2 rows without a date: lines 6, 7" in w for w in imp.warnings)
    assert any("skipped 1 rows matching skip_if: lines 10" in w for w in imp.warnings)


def test_inference_refuses_a_file_without_a_header(write) -> None:
    with pytest.raises(InferenceUnsure):
        infer_profile(write("nohdr.csv", "03.11.2025;10,00\n04.11.2025;-2,00\n"))


def test_two_columns_that_could_both_be_the_amount_are_refused_not_guessed(write) -> None:
    text = ("Date;Amount (EUR);Amount (USD);Text\n03.11.2025;10,00;11,00;x\n"
            "04.11.2025;-2,00;-2,20;y\n")
    with pytest.raises(FormatNotRecognised) as info:
        read_statement(write("two.csv", text))
    assert "'Amount (EUR)' and 'Amount (USD)' could both be the amount" in str(info.value)


@pytest.mark.parametrize(("currency", "first"), [("USD", "2025-01-02"), ("EUR", "2025-02-01")])
def test_the_currency_settles_whether_the_day_or_the_month_comes_first(write, currency,
                                                                       first) -> None:
    text = "Date,Amount\n01/02/2025,10.00\n03/04/2025,-2.00\n"
    imp = read_statement(write("amb.csv", text), currency=currency)
    assert imp.transactions[0].booking_date.isoformat() == first
    assert {t.currency for t in imp.transactions} == {currency}
