from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.db import migrate
from opencx.db.schema import CANONICAL_TABLES, customers


def test_migrations_create_every_canonical_table(engine: Engine) -> None:
    names = set(sa.inspect(engine).get_table_names())
    assert set(CANONICAL_TABLES) <= names


def test_source_and_external_id_are_unique(engine: Engine) -> None:
    row = {
        "id": "c1",
        "source": "shop",
        "external_id": "42",
        "created_at": datetime.now(UTC),
        "attributes": {},
        "consent_email": False,
        "consent_sms": False,
        "consent_surveys": False,
    }
    with engine.begin() as conn:
        conn.execute(customers.insert(), row)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(customers.insert(), {**row, "id": "c2"})


def test_times_come_back_utc_aware(engine: Engine) -> None:
    at = datetime(2025, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            {
                "id": "c1",
                "source": "s",
                "external_id": "1",
                "created_at": at,
                "attributes": {},
                "consent_email": False,
                "consent_sms": False,
                "consent_surveys": False,
            },
        )
        got = conn.execute(sa.select(customers.c.created_at)).scalar_one()
    assert got == at and got.tzinfo is not None and got.utcoffset() == timedelta(0)


def test_sqlite_migrations_run_in_the_stores_journal_and_leave_one_file(tmp_path: Path) -> None:
    """On SQLite the migrations run in WAL mode, as the store does (in the default rollback
    journal each DDL statement waited for the disk: most of a new store's ``opencx init``), and
    leave everything in the database file: the write-ahead log is checkpointed when they end,
    so a copy of the file is the whole store (the suite copies one migrated store per test)."""
    path = tmp_path / "new.db"
    migrate(f"sqlite:///{path}")
    assert not (tmp_path / "new.db-wal").exists()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        copy = tmp_path / "copy.db"
        shutil.copyfile(path, copy)
    with closing(sqlite3.connect(copy)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(CANONICAL_TABLES) <= tables
