"""Opening the database: engine, SQLite pragmas, Alembic upgrade to head, transactions.

SQLite transactions start with BEGIN IMMEDIATE, so that two writers queue on
the busy timeout instead of failing on a stale snapshot; PostgreSQL migrations
run under an advisory lock so that two processes can start at once.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from dunwell.errors import ConfigError, DatabaseUnavailable

if TYPE_CHECKING:  # Alembic (a third of a second to import) only when there is a step to run
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"  # the source checkout
MIGRATION_LOCK_KEY = 7_331_004_211  # any fixed bigint, the same in every process
SQLITE_BUSY_MS = 30_000
READ_ONLY = "dunwell_read_only"  # an execution option: transactions that only read
SQLITE_CACHE_KIB = 131_072  # at most this much page cache per connection (default 2 MiB)
# Pages of a new database file (default 4 KiB): a million-row run writes a quarter of the
# pages, and its commit copies them from the WAL in a quarter of the writes (1M: -2 s).
SQLITE_PAGE_BYTES = 16_384


def _json_default(value: Any) -> str:
    """Decimals, dates and paths go into JSON as their canonical text."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def json_dumps(value: Any) -> str:
    """JSON for the database's JSON columns, accepting Decimal, date and Path."""
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def create_db_engine(url: str) -> Engine:
    """An engine for `url` (no migration); SQLite gets its folder, pragmas and BEGIN IMMEDIATE."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, json_serializer=json_dumps, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, json_serializer=json_dumps, connect_args={"timeout": SQLITE_BUSY_MS / 1000}
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, WAL journal, a generous busy timeout, a page cache that holds a large
    run's indexes; we issue BEGIN ourselves. The page size counts for a new file only: it
    must come before the WAL journal, which fixes it."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_BYTES}")
    _wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")  # a million rows' index pages
    cursor.close()


def _wal(cursor: Any) -> None:
    """WAL journal. Switching a new file to it ignores the busy timeout: two processes
    opening the same new database at once would see 'database is locked', so retry."""
    deadline = time.monotonic() + SQLITE_BUSY_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_begin(connection: Connection) -> None:
    """Take the write lock at the start, so a transaction never fails halfway on a lock; a
    reader's connection (`reader`) takes none, so it never waits for a writer."""
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def reader(engine: Engine) -> Engine:
    """`engine` for reading only: on SQLite its transactions take no write lock, so reading
    goes on while another connection holds one (a run's recording helper, say)."""
    return engine.execution_options(**{READ_ONLY: True})


def find_migrations() -> Path:
    """The Alembic folder: the source checkout's, else the installed `dunwell.migrations`."""
    if (MIGRATIONS_DIR / "env.py").is_file():
        return MIGRATIONS_DIR
    spec = importlib.util.find_spec("dunwell.migrations")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "env.py").is_file():
            return Path(location)
    raise ConfigError(f"{MIGRATIONS_DIR}: database migrations not found; pass migrations_dir")


def alembic_config(migrations_dir: Path | None = None) -> Config:
    """An Alembic config pointing at our migrations, without needing alembic.ini."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir or find_migrations()))
    return config


def migrate(engine_or_url: Engine | str, migrations_dir: Path | None = None) -> None:
    """Upgrade the database to the newest revision; a no-op when it is already there."""
    engine = engine_or_url if isinstance(engine_or_url, Engine) else create_db_engine(engine_or_url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                lock = text("SELECT pg_advisory_xact_lock(:k)")
                connection.execute(lock, {"k": MIGRATION_LOCK_KEY})
            if _at_head(connection, migrations_dir or find_migrations()):
                return
            from alembic import command

            config = alembic_config(migrations_dir)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if engine is not engine_or_url:
            engine.dispose()


_REVISION = re.compile(r"^(down_)?revision\b[^=\n]*=(.*)$", re.M)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def head_revision(migrations_dir: Path) -> str | None:
    """The newest migration, read from the scripts' text; None unless every script names
    one revision and exactly one of them is no other's parent (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((migrations_dir / "versions").glob("*.py")):
        if path.name == "__init__.py":
            continue
        found = [(down, _QUOTED.findall(value)) for down, value in
                 _REVISION.findall(path.read_text(encoding="utf-8"))]
        own = [names for down, names in found if not down]
        if len(own) != 1 or len(own[0]) != 1:
            return None
        revisions.add(own[0][0])
        parents.update(name for down, names in found if down for name in names)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(connection: Connection, migrations_dir: Path) -> bool:
    """True when the database is at the newest migration: one query instead of Alembic."""
    head = head_revision(migrations_dir)
    if head is None or not inspect(connection).has_table("alembic_version"):
        return False
    stored = {v for (v,) in connection.execute(text("SELECT version_num FROM alembic_version"))}
    return stored == {head}


def open_db(url: str, migrations_dir: Path | None = None) -> Engine:
    """An engine on an up-to-date database: folders created, pragmas set, migrated to head.

    A URL that is not one or names an unknown driver is the operator's setting to
    fix (ConfigError); a database that does not answer is DatabaseUnavailable
    (exit 1). Either way the password is masked.
    """
    try:
        engine = create_db_engine(url)
        migrate(engine, migrations_dir)
    except ValueError as exc:  # make_url: a port that is not a number
        raise DatabaseUnavailable(f"database {_masked(url)} unusable: {_bad_port(url, exc)}"
                                  ) from None
    except OperationalError as exc:
        reason = _reason(exc, url)
        raise DatabaseUnavailable(f"database {_masked(url)} unavailable: {reason}") from None
    except (ArgumentError, NoSuchModuleError, OSError) as exc:
        raise ConfigError(f"database {_masked(url)}: {_reason(exc, url)}") from None
    return engine


def _bad_port(url: str, exc: ValueError) -> str:
    """What is wrong with the URL's port, without the URL's secrets."""
    found = re.search(r"@[^/@?]*:([^/?]*)", url.partition("?")[0])
    port = found.group(1) if found else ""
    return (f"the port {port!r} is not a number from 1 to 65535" if port
            else f"not a database URL ({type(exc).__name__})")


def _reason(exc: BaseException, url: str) -> str:
    """The driver's first line, without any piece of the password: with an unencoded "@"
    in it, a driver takes the rest for the host name and prints it, so then the line
    says only how to write the URL."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    found = re.search(r"://[^:/@\s]+:(\S*)@", url.partition("?")[0])
    secret = found.group(1) if found else ""
    if "@" in secret:
        return "the password holds an unencoded '@'; write it as %40 in DUNWELL_DATABASE_URL"
    for piece in sorted({secret, *secret.split("@")}, key=len, reverse=True):
        if len(piece) >= 3:
            reason = reason.replace(piece, "***")
    return reason


def _masked(url: str) -> str:
    """The URL with any password hidden."""
    from dunwell.connectors.settings.config import mask_url

    return mask_url(url)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed if the block ends, rolled back if it raises."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
