"""An SQLite import tunes its connection for the load (store.begin_bulk) and puts every setting
back as it found it (store.end_bulk), whether the import committed, was rolled back for a bad
row, or failed with an error: the connection goes back to the pool and serves other work."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from opencx.core import EventBus, FixedClock
from opencx.db import create_engine_from_url, migrate
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService
from opencx.ingest.store import bulk, sqlite_images

SETTINGS = ("foreign_keys", "cache_size", "journal_mode", "synchronous", "secure_delete")


def orders_csv(path: Path, lines: int, *, bad_at: int | None = None) -> Path:
    rows = ["order_id,customer,placed_at,currency,sku,quantity,unit_price"]
    for i in range(lines):
        currency = "EURO" if i == bad_at else "EUR"
        rows.append(f"O{i // 3},C{i // 6},2024-03-{i // 3 % 28 + 1:02d},{currency},S{i % 9},1,2.5")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def one_connection(tmp_path: Path) -> Engine:
    """A store whose pool holds one connection: every import and check below uses it."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    engine = create_engine_from_url(url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def settings(engine: Engine) -> dict[str, object]:
    with engine.connect() as conn:
        found = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in SETTINGS}
        found["attached"] = [row[1] for row in conn.exec_driver_sql("PRAGMA database_list")]
    return found


def set_unusual(engine: Engine) -> None:
    """Values no import would choose, so that putting back a default would be seen."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA cache_size = -3172")
        conn.exec_driver_sql("PRAGMA foreign_keys = 1")


def import_orders(engine: Engine, path: Path, **options: object) -> str:
    service = IngestService(engine, EventBus(), FixedClock())
    mapping = Mapping(create_missing_customers=True)
    report = service.import_file(
        ImportOptions(kind="orders", path=path, mapping=mapping, **options)  # type: ignore[arg-type]
    )
    return report.status


def test_a_committed_import_puts_every_setting_back(one_connection, tmp_path):
    set_unusual(one_connection)
    before = settings(one_connection)
    seen: list[object] = []
    image_of = sqlite_images.image_of

    def watched(driver, data):  # the settings in force while the rows are written
        seen.append(driver.execute("PRAGMA cache_size").fetchone()[0])
        return image_of(driver, data)

    sqlite_images.image_of = watched
    try:
        status = import_orders(one_connection, orders_csv(tmp_path / "o.csv", 300))
    finally:
        sqlite_images.image_of = image_of
    assert status == "loaded"
    # the tables were empty: the small cache of a first load (bulk.EMPTY_LOAD_CACHE_KIB)
    assert seen and set(seen) == {-bulk.EMPTY_LOAD_CACHE_KIB}
    assert settings(one_connection) == before
    assert before["cache_size"] == -3172 and before["foreign_keys"] == 1
    assert sqlite_images.SCHEMA not in before["attached"]


def test_an_import_rolled_back_for_a_bad_row_puts_every_setting_back(one_connection, tmp_path):
    set_unusual(one_connection)
    before = settings(one_connection)
    status = import_orders(one_connection, orders_csv(tmp_path / "o.csv", 300, bad_at=280))
    assert status == "failed"
    assert settings(one_connection) == before


def test_an_import_failing_with_an_error_puts_every_setting_back(
    one_connection, tmp_path, monkeypatch
):
    set_unusual(one_connection)
    before = settings(one_connection)

    def failing(driver, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sqlite_images, "image_of", failing)
    with pytest.raises(OSError, match="No space left"):
        import_orders(one_connection, orders_csv(tmp_path / "o.csv", 300), chunk_rows=100)
    assert settings(one_connection) == before


def test_a_connection_that_cannot_be_put_back_is_discarded(one_connection, tmp_path, monkeypatch):
    set_unusual(one_connection)

    def broken(conn):
        raise RuntimeError("detach failed")

    monkeypatch.setattr(sqlite_images, "detach", broken)
    with pytest.raises(RuntimeError, match="detach failed"):
        import_orders(one_connection, orders_csv(tmp_path / "o.csv", 300))
    monkeypatch.undo()
    after = settings(one_connection)  # a new connection, as the engine makes them
    assert after["cache_size"] == -2000 and sqlite_images.SCHEMA not in after["attached"]


def test_a_load_into_tables_that_hold_rows_keeps_the_large_cache(one_connection, tmp_path):
    """Stored rows' index pages are read back as the new rows go in: the large cache stays."""
    seen: list[object] = []
    image_of = sqlite_images.image_of

    def watched(driver, data):
        seen.append(driver.execute("PRAGMA cache_size").fetchone()[0])
        return image_of(driver, data)

    assert import_orders(one_connection, orders_csv(tmp_path / "o.csv", 300)) == "loaded"
    sqlite_images.image_of = watched
    try:  # the same orders again: they are stored now
        assert import_orders(one_connection, orders_csv(tmp_path / "o.csv", 300)) == "loaded"
    finally:
        sqlite_images.image_of = image_of
    assert seen and set(seen) == {-bulk.BULK_CACHE_KIB}
    assert settings(one_connection)["cache_size"] == -2000
