"""SQLite imports write large chunks as images made by the ADBC driver (store.sqlite_images):
the stored rows are exactly those ``executemany`` stores, and a failed import leaves nothing,
not even a scratch file."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from opencx.core import EventBus, FixedClock
from opencx.db import create_engine_from_url, migrate
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService
from opencx.ingest.store import sqlite_images

HEADER = (
    "order_id,customer,placed_at,currency,sku,product_name,quantity,unit_price,discount,country"
)


def orders_csv(path: Path, lines: int, *, bad_at: int | None = None) -> Path:
    rows = [HEADER]
    for i in range(lines):
        order = i // 3  # three lines an order, two orders a customer; some lines are returns
        ret = i % 17 == 5
        quantity = "-1" if ret else str(i % 4 + 1)
        price = ["12.5", "0", "3", "1999.9999", "0.10"][i % 5]
        when = "2024-03-31T01:30:00+02:00" if order % 3 else f"2024-01-{order % 28 + 1:02d} 08:00"
        rows.append(
            f"{'R' if ret else 'O'}{order},C{i // 6},{when},EUR,SKU{i % 11},Näme {i % 11},"
            f"{quantity},{price},{'' if i % 2 else '0.5'},{'NL' if i % 7 else ''}"
        )
    if bad_at is not None:
        rows[bad_at] = rows[bad_at].replace(",EUR,", ",EURO,")
    text = "\n".join(rows) + "\n"
    if path.suffix == ".parquet":  # read in batches of exactly chunk_rows rows
        names = HEADER.split(",")
        options = pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
        )
        pq.write_table(pacsv.read_csv(io.BytesIO(text.encode()), convert_options=options), path)
    else:  # read in blocks of 1 MiB or more: one chunk here
        path.write_text(text, encoding="utf-8")
    return path


def stored(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table an order import writes, each value with its SQLite storage class; generated
    ids are left out (they differ between runs), the rows they link are compared instead."""
    engine = sa.create_engine(url)
    queries = {
        "customers": "SELECT * FROM customers",
        "products": "SELECT * FROM products",
        "orders": "SELECT o.*, c.external_id FROM orders o LEFT JOIN customers c "
        "ON c.id = o.customer_id",
        "order_lines": "SELECT l.*, o.external_id, p.external_id, r.line_no FROM order_lines l "
        "JOIN orders o ON o.id = l.order_id LEFT JOIN products p ON p.id = l.product_id "
        "LEFT JOIN order_lines r ON r.id = l.returns_line_id",
    }
    out = {}
    with engine.connect() as conn:
        for table, sql in queries.items():
            result = conn.exec_driver_sql(sql)
            names = list(result.keys())
            keep = [i for i, n in enumerate(names) if n != "id" and not n.endswith("_id")]
            rows = []
            for row in result:
                values = [row[i] for i in keep]
                rows.append(tuple((type(v).__name__, v) for v in values))
            out[table] = sorted(rows, key=repr)
    engine.dispose()
    return out


def import_orders(url: str, path: Path, **options: object) -> str:
    migrate(url)
    engine = create_engine_from_url(url)
    service = IngestService(engine, EventBus(), FixedClock())
    mapping = Mapping(create_missing_customers=True, link_returns="customer_sku", return_prefix="R")
    report = service.import_file(
        ImportOptions(kind="orders", path=path, mapping=mapping, **options)  # type: ignore[arg-type]
    )
    engine.dispose()
    return report.status


def test_images_store_what_executemany_stores(tmp_path, monkeypatch):
    path = orders_csv(tmp_path / "orders.parquet", 600)
    written: list[int] = []
    image_of = sqlite_images.image_of

    def counted(conn, data):
        written.append(data.num_rows)
        return image_of(conn, data)

    monkeypatch.setattr(sqlite_images, "image_of", counted)
    imaged = f"sqlite:///{tmp_path / 'imaged.db'}"
    assert import_orders(imaged, path, chunk_rows=250) == "loaded"
    assert sum(written) > 600  # the lines, and the orders and customers of the chunks

    monkeypatch.setattr(sqlite_images, "MIN_ROWS", 10**9)  # every chunk by executemany
    bound = f"sqlite:///{tmp_path / 'bound.db'}"
    assert import_orders(bound, path, chunk_rows=250) == "loaded"

    assert stored(imaged) == stored(bound)
    assert len(stored(imaged)["order_lines"]) == 600


def test_a_failed_import_leaves_no_rows_and_no_scratch_file(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    path = orders_csv(tmp_path / "orders.parquet", 600, bad_at=590)  # in the third chunk
    url = f"sqlite:///{tmp_path / 'failed.db'}"

    assert import_orders(url, path, chunk_rows=250) == "failed"

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        for table in ("customers", "products", "orders", "order_lines"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 0
        attached = [row[1] for row in conn.exec_driver_sql("PRAGMA database_list")]
    engine.dispose()
    assert sqlite_images.SCHEMA not in attached
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("rows", [sqlite_images.MIN_ROWS - 1, sqlite_images.MIN_ROWS])
def test_small_chunks_are_bound_large_ones_imaged(tmp_path, monkeypatch, rows):
    written: list[int] = []
    image_of = sqlite_images.image_of
    monkeypatch.setattr(
        sqlite_images, "image_of", lambda conn, data: written.append(1) or image_of(conn, data)
    )
    path = orders_csv(tmp_path / "orders.csv", rows)
    assert import_orders(f"sqlite:///{tmp_path / 'o.db'}", path) == "loaded"
    assert bool(written) == (rows >= sqlite_images.MIN_ROWS)


def test_a_write_that_fails_in_its_thread_fails_the_import_and_leaves_nothing(
    tmp_path, monkeypatch
):
    """The lines of a chunk are written by a thread while the next chunk is read: its error
    reaches the import, which then commits nothing."""
    calls: list[int] = []
    image_of = sqlite_images.image_of

    def failing(driver, data):
        calls.append(data.num_rows)
        if len(calls) == 4:  # the second chunk's lines (each chunk: its orders, its lines)
            raise OSError(28, "No space left on device")
        return image_of(driver, data)

    monkeypatch.setattr(sqlite_images, "image_of", failing)
    path = orders_csv(tmp_path / "orders.parquet", 600)
    url = f"sqlite:///{tmp_path / 'failed.db'}"

    with pytest.raises(OSError, match="No space left"):
        import_orders(url, path, chunk_rows=250)

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        for table in ("customers", "products", "orders", "order_lines"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 0
        status = conn.exec_driver_sql("SELECT status FROM imports").scalar_one()
    engine.dispose()
    assert status == "failed" and len(calls) == 4
