"""Bank statement readers: MT940, CAMT.053/054, OFX/QFX, BAI2, bank CSV profiles, bank.csv.

`read_statement` recognises the format by content and returns the booked
transactions with the statement balances; `check_balances` reports what does
not add up; `write_canonical_csv` writes the contract's bank.csv atomically.
Bad input raises `dunwell.errors.InputError` naming file, line and field.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dunwell.errors import FormatNotRecognised, InputError

from . import csv_bank, detect
from .balances import check_balances
from .bank_csv import write_canonical_csv
from .csv_infer import HOW, InferenceUnsure, infer, known_names
from .csv_profiles import (
    PROFILES_DIR,
    CsvProfile,
    default_currency,
    load_all,
    load_profiles,
    profile_folders,
)
from .readers import READERS, Reader, file_bytes, identify, with_ids
from .records import StatementBalance, StatementImport
from .text import cp1252, decode

__all__ = ["READERS", "Reader", "StatementBalance", "StatementImport", "check_balances",
           "read_statement", "write_canonical_csv", "load_profiles", "CsvProfile",
           "infer_profile", "PROFILES_DIR"]


def read_statement(path: Path, profile: str | None = None, currency: str | None = None, *,
                   profiles_dir: Path | None = None) -> StatementImport:
    """Read any supported statement file; `currency` (else the default_currency setting)
    fills in where the file states none.

    Bank CSV profiles are searched in `profiles_dir` (else DUNWELL_PROFILES_DIR, else the
    settings' profiles_dir) before the built-in ones; a CSV no profile fits is read
    through an inferred profile, said in the warnings, or refused naming what is unsure.
    """
    path = Path(path)
    source = str(path)
    head = _head(path, source)
    if not head.strip():
        raise InputError(source, "file is empty", 1)
    user = Path(profiles_dir) if profiles_dir else None
    if profile is not None:
        currency = currency or default_currency()
        profiles = load_all(profile_folders(user))
        if profile not in profiles:
            raise InputError(source, f"unknown CSV profile {profile!r} (known: "
                             f"{', '.join(sorted(profiles))})")
        return _csv(path, source, profiles[profile], currency)
    found = identify(detect.head_text(head))
    if found is None:
        currency = currency or default_currency()
        csv_profile = _recognise(head, source, profile_folders(user))
        if csv_profile is None:
            return _inferred(path, source, currency)
        return _csv(path, source, csv_profile, currency)
    reader, kind = found
    if reader.may_lack_currency:  # the setting is read only where it can matter
        currency = currency or default_currency()
    return reader.read(path, source, kind, currency)


def _csv(path: Path, source: str, profile: CsvProfile, currency: str | None) -> StatementImport:
    """A bank CSV through its profile."""
    text, warnings = csv_bank.profile_text(file_bytes(path, source), source, profile)
    txns, lines, skipped = csv_bank.read(text, profile, source, currency)
    return with_ids("csv", txns, lines, [], warnings + skipped, profile.name)


def _recognise(head: bytes, source: str, folders: list[Path]) -> CsvProfile | None:
    """The profile whose identifying columns the header holds: the user's folder first,
    the most specific profile within a folder."""
    for folder in folders:
        fits = []
        for p in load_profiles(folder).values():
            text, _ = (csv_bank.profile_text(head, source, p) if p.encoding
                       else decode(head, source))
            if p.header and csv_bank.matches(text, p, source):
                fits.append(p)
        if fits:
            return max(fits, key=lambda p: len(p.header))
    return None


def infer_profile(path: Path, name: str = "inferred", currency: str | None = None
                  ) -> tuple[CsvProfile, list[str]]:
    """A profile for an unknown bank CSV and what was inferred; InferenceUnsure (an
    InputError) naming the columns it could not place."""
    path = Path(path)
    source = str(path)
    data = file_bytes(path, source)
    if not data.strip():
        raise InputError(source, "file is empty", 1)
    kind = detect.sniff(detect.head_text(data[: detect.HEAD]))
    if kind is not None:
        raise InputError(source, f"is {kind}, which dunwell reads without a profile", 1)
    text, warnings = decode(data, source)
    encoding = None
    if warnings:
        encoding, text = _code_page(data, text, warnings[0].rsplit("read as ", 1)[-1])
    profile, notes = infer(text, source, name, currency or default_currency())
    if encoding:
        profile = replace(profile, encoding=encoding)
        notes.append(f"encoding {encoding} (not UTF-8)")
    return profile, notes


def _code_page(data: bytes, text: str, detected: str) -> tuple[str, str]:
    """The 8-bit code page of a file that is not UTF-8, and its text: the one detected
    unless Windows-1252 or Windows-1254 (Turkish) gives more header cells that are column
    names inference knows ("Beløb", not "Belřb"; "Açıklama", not "Açýklama")."""
    encoding = {"Windows-1252": "cp1252", "Windows-1250": "cp1250",
                "ISO-8859-2": "iso8859_2"}[detected]
    western = cp1252(data)
    if encoding != "cp1252" and known_names(western) > known_names(text):
        encoding, text = "cp1252", western  # the header reads as words in Windows-1252
    try:
        turkish = data.decode("cp1254")
    except UnicodeDecodeError:
        return encoding, text
    if known_names(turkish) > known_names(text):
        encoding, text = "cp1254", turkish
    return encoding, text


def _inferred(path: Path, source: str, currency: str | None) -> StatementImport:
    """An unknown CSV through an inferred profile; refused clearly when inference is unsure."""
    try:
        profile, notes = infer_profile(path, currency=currency)
    except InferenceUnsure as unsure:
        builtin = ", ".join(sorted(load_profiles(PROFILES_DIR)))
        raise FormatNotRecognised(
            source, "not a statement format we read (MT940, CAMT, OFX, BAI2, canonical bank.csv) "
            f"nor a known bank CSV (built-in profiles: {builtin}); "
            f"{unsure.problem.replace('; ' + HOW, '')}. "
            "Name a profile with --profile NAME, or write one: dunwell statement profile infer "
            "FILE -o NAME.yaml", unsure.line, unsure.column) from None
    imported = _csv(path, source, profile, currency)
    said = [f"{source}: no profile fits; inferred {note}" for note in notes]
    return replace(imported, warnings=said + imported.warnings,
                   profile="inferred")


def _head(path: Path, source: str) -> bytes:
    """The first bytes of the file, enough to recognise its format."""
    try:
        with open(path, "rb") as handle:
            return handle.read(detect.HEAD)
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
