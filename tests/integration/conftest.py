"""A generated company on disk and a Prefect test server shared by the integration tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One temporary Prefect API for the whole session (starting one costs seconds)."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=300):
        yield


@pytest.fixture(scope="session")
def company(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - (folder, SynthData)
    """80 customers, 600 invoices and their statement as canonical CSV files."""
    from dunwell.connectors.sources.canonical import write_bank, write_customers, write_invoices
    from dunwell.synth import generate

    folder = tmp_path_factory.mktemp("company")
    data = generate(11, 80, 600, AS_OF)
    write_customers(data.customers, folder / "customers.csv")
    write_invoices(data.invoices, folder / "invoices.csv")
    write_bank(data.transactions, folder / "bank.csv")
    return folder, data


@pytest.fixture
def dunwell_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings for one test: its own database, its own output folder, no SMTP."""
    monkeypatch.setenv("DUNWELL_DATABASE_URL", db_url)
    for name in ("DUNWELL_SMTP_HOST", "DUNWELL_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "out"
