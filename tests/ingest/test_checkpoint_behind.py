"""An SQLite import's commit is durable by itself (it syncs the write-ahead log) and copies
nothing into the store file: a thread checkpoints the log after it (store.checkpoints), and
every setting is put back as found."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from opencx.core import EventBus, FixedClock
from opencx.db import create_engine_from_url, migrate
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService
from opencx.ingest.store import checkpoints
from tests.ingest.test_bulk_settings import orders_csv

AUTOCHECKPOINT = 100  # pages: a small import's log crosses it


@pytest.fixture
def store(tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    engine = create_engine_from_url(url)

    @event.listens_for(engine, "connect")
    def smaller_checkpoints(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT}")

    yield engine
    checkpoints.wait_for_checkpoints()
    engine.dispose()


def import_orders(engine: Engine, path: Path) -> str:
    service = IngestService(engine, EventBus(), FixedClock())
    options = ImportOptions(
        kind="orders", path=path, mapping=Mapping(create_missing_customers=True)
    )
    return service.import_file(options).status


def pragmas(driver: Any) -> dict[str, int]:
    names = ("synchronous", "wal_autocheckpoint", "cache_size", "foreign_keys")
    return {name: driver.execute(f"PRAGMA {name}").fetchone()[0] for name in names}


def test_the_import_commit_syncs_the_log_and_copies_nothing(store, tmp_path):
    at_commit: list[dict[str, int]] = []

    @event.listens_for(store, "commit")
    def seen(conn: Any) -> None:  # before each commit, on its connection
        at_commit.append(pragmas(conn.connection.driver_connection))

    assert import_orders(store, orders_csv(tmp_path / "o.csv", 3000)) == "loaded"
    # an import's connection checks no foreign key row by row (store.bulk.BULK_PRAGMAS)
    imports = [p for p in at_commit if p["foreign_keys"] == 0]
    others = [p for p in at_commit if p["foreign_keys"] == 1]
    # FULL: the commit syncs the log (durable when it returns); no checkpoint inside it
    assert imports and all(p["synchronous"] == 2 and p["wal_autocheckpoint"] == 0 for p in imports)
    # the run's records before and after it: the engine's own settings
    assert others and all(
        p["synchronous"] == 1 and p["wal_autocheckpoint"] == AUTOCHECKPOINT for p in others
    )
    with store.connect() as conn:  # the import's connection, back in the pool
        assert pragmas(conn.connection.driver_connection) == {
            "synchronous": 1,
            "wal_autocheckpoint": AUTOCHECKPOINT,
            "cache_size": -2000,
            "foreign_keys": 1,
        }


def test_the_log_is_copied_into_the_store_file_after_the_import(store, tmp_path):
    path = Path(str(store.url.database))
    assert import_orders(store, orders_csv(tmp_path / "o.csv", 3000)) == "loaded"
    checkpoints.wait_for_checkpoints()
    db = sqlite3.connect(path)
    try:
        pages = (
            db.execute("PRAGMA page_count").fetchone()[0]
            * db.execute("PRAGMA page_size").fetchone()[0]
        )
        # every page is in the store file; the log holds nothing left to copy
        assert path.stat().st_size == pages
        busy, log, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert (busy, copied) == (0, log)
        assert db.execute("SELECT count(*) FROM order_lines").fetchone()[0] == 3000
    finally:
        db.close()


def test_a_store_in_memory_or_without_a_log_is_left_as_it_was(tmp_path):
    url = f"sqlite:///{tmp_path / 'rollback.db'}"
    migrate(url)
    engine = create_engine_from_url(url)

    @event.listens_for(engine, "connect")
    def rollback_journal(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA journal_mode = DELETE")

    at_commit: list[dict[str, int]] = []

    @event.listens_for(engine, "commit")
    def seen(conn: Any) -> None:
        at_commit.append(pragmas(conn.connection.driver_connection))

    try:
        assert import_orders(engine, orders_csv(tmp_path / "o.csv", 300)) == "loaded"
    finally:
        engine.dispose()
    assert {p["synchronous"] for p in at_commit} == {1}
    assert {p["wal_autocheckpoint"] for p in at_commit} == {1000}
