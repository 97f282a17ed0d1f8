"""Engine construction and migrations for SQLite (default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and select the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_engine_from_url(url: str, **kwargs: Any) -> Engine:
    """Build an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    # deleted and overwritten content is zeroed, whatever the platform's build default
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def scrub_after_erasure(engine: Engine, tables: Iterable[str]) -> None:
    """Remove the old versions an erasure left in the store's files (run after its commit).

    SQLite (with ``secure_delete``) already zeroed the old cells in the database file; the
    write-ahead log still holds the old pages until a checkpoint, so it is checkpointed and
    truncated. PostgreSQL keeps old row versions (dead tuples) in the heap and index pages
    until a VACUUM: ``tables`` are vacuumed now (pages a VACUUM finds all-visible are skipped,
    so untouched tables cost little). Neither reaches the
    copies outside the store (backups, PostgreSQL's WAL archive, exports): crypto-shredding
    does (docs/security.md).
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    if is_postgres(engine):
        existing = set(sa.inspect(engine).get_table_names())
        names = ", ".join(f'"{t}"' for t in tables if t in existing)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM {names}")


def is_postgres(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "postgresql"


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One unit of work: commit on success, roll back on any exception."""
    with engine.begin() as conn:
        yield conn


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Apply Alembic migrations up to ``revision`` (what ``opencx init`` runs)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
