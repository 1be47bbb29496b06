"""`dunwell web user add` and the desk commands through the shared service layer."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from dunwell import access
from dunwell.connectors import storage
from dunwell.connectors.storage.models import Alias, AuditEntry, MatchRow
from tests.web.seed import seed


def _seeded(workdir):
    engine = storage.open_db(f"sqlite:///{workdir.db}")
    seed(engine)
    return engine


def test_a_user_added_from_the_shell_can_sign_in(cli, workdir, monkeypatch):
    monkeypatch.setenv("DUNWELL_WEB_PASSWORD", "a long enough secret")
    outcome = cli("web", "user", "add", "ann", "--role", "controller")
    assert (outcome.exit_code, outcome.stdout.strip()) == (0, "added ann (controller)"), outcome
    engine = storage.open_db(f"sqlite:///{workdir.db}")
    assert access.sign_in(engine, "ann", "wrong secret here") is None
    _, signed = access.sign_in(engine, "ann", "a long enough secret")
    assert signed.actor.role == "controller"
    assert "a long enough secret" not in outcome.stdout + outcome.stderr


def test_a_user_with_an_unknown_role_is_refused_in_one_line(cli, monkeypatch):
    monkeypatch.setenv("DUNWELL_WEB_PASSWORD", "a long enough secret")
    outcome = cli("web", "user", "add", "ann", "--role", "boss")
    assert outcome.exit_code == 2, outcome
    assert outcome.stderr.strip() == ("error: --role: 'boss' is not a role "
                                      "(one of viewer, clerk, controller, admin)")


def test_accepting_in_the_shell_learns_aliases_and_is_audited_like_the_web(cli, workdir):
    engine = _seeded(workdir)
    outcome = cli("review", "accept", "T-1", "INV-1")
    assert outcome.exit_code == 0, outcome
    with storage.transaction(engine) as session:
        status = session.execute(select(MatchRow.status).where(
            MatchRow.transaction_id == "T-1", MatchRow.invoice_id == "INV-1")).scalar_one()
        aliases = set(session.execute(select(Alias.kind, Alias.value)).all())
        entry = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
    assert status == "booked"
    assert aliases == {("name", "ACME GMBH"), ("iban", "DE89370400440532013000")}
    assert (entry.via, entry.role, entry.action, entry.subject, entry.customer_id) == (
        "cli", "admin", "review.accept", "T-1", "C1")


@pytest.mark.slow
@pytest.mark.e2e
def test_dunwell_web_serves_the_sign_in_page_on_the_port_asked_for(workdir):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(Path(sys.executable).parent / "dunwell"), "web", "--host",
                               "127.0.0.1", "--port", str(port)], cwd=workdir.path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline, page = time.monotonic() + 60, None
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/today", follow_redirects=True)
            except httpx.TransportError:
                time.sleep(0.2)
        assert page is not None, server.stderr.read() if server.poll() is not None else "no answer"
        assert page.status_code == 200 and "Sign in" in page.text
        assert str(page.url).endswith("/login?next=%2Ftoday")
    finally:
        server.terminate()
        server.wait(10)
