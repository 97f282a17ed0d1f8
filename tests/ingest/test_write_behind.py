"""Writes behind the caller (store.write_behind): on SQLite a thread writes a chunk's rows while
the next is read; what must follow a write (an event whose handlers read the rows) runs on the
caller's thread once the rows are written, before the commit."""

from __future__ import annotations

import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from opencx.ingest import store
from opencx.ingest.domain import CustomersUpserted


def orders_file(path: Path, lines: int) -> Path:
    """Parquet: read in batches of exactly ``chunk_rows`` rows (a CSV is read by the MiB)."""
    n = range(lines)  # three lines an order, a new customer every second order
    table = pa.table(
        {
            "order_id": [f"O{i // 3}" for i in n],
            "customer": [f"C{i // 6}" for i in n],
            "placed_at": [f"2024-03-{i // 3 % 28 + 1:02d}" for i in n],
            "currency": ["EUR"] * lines,
            "sku": [f"S{i % 9}" for i in n],
            "quantity": ["1"] * lines,
            "unit_price": ["2.5"] * lines,
        }
    )
    pq.write_table(table, path)
    return path


def test_new_customers_are_announced_once_written(engine, bus, run_import, tmp_path):
    found: list[tuple[int, int]] = []

    def on_upserted(event: CustomersUpserted, conn: sa.Connection) -> None:
        ids = list(event.customer_ids)
        stored = conn.execute(
            sa.text("SELECT count(*) FROM customers WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": ids},
        ).scalar_one()
        found.append((len(ids), stored))

    bus.subscribe(CustomersUpserted, on_upserted)
    report = run_import(
        "orders",
        orders_file(tmp_path / "o.parquet", 1200),
        create_missing_customers=True,
        chunk_rows=300,
    )
    assert report.status == "loaded"
    assert len(found) >= 4  # one announcement a chunk
    assert all(announced == stored for announced, stored in found)
    assert sum(announced for announced, _ in found) == 200


def products(n: int) -> pa.Table:
    return pa.table(
        {
            "id": [f"P{i:025d}" for i in range(n)],
            "source": ["t"] * n,
            "external_id": [f"SKU{i}" for i in range(n)],
            "is_merchandise": [True] * n,
        }
    )


def test_what_follows_a_write_runs_on_the_callers_thread_after_it(sqlite_engine):
    seen: list[tuple[threading.Thread, int]] = []

    with sqlite_engine.connect() as conn:
        store.begin_bulk(conn)
        try:
            with conn.begin():

                def follow() -> None:
                    count = conn.exec_driver_sql("SELECT count(*) FROM products").scalar_one()
                    seen.append((threading.current_thread(), count))

                store.write_behind(conn, [("products", products(500), False)], then=follow)
                assert seen == []  # not before the caller waits for its writes
                store.settle(conn)
                assert seen == [(threading.current_thread(), 500)]
        finally:
            store.end_bulk(conn)


def test_a_commit_refuses_to_skip_what_follows_a_write(sqlite_engine):
    """A bug guard: every import settles (runs what follows) before it commits."""
    with sqlite_engine.connect() as conn:
        store.begin_bulk(conn)
        with pytest.raises(RuntimeError, match="follow-up"), conn.begin():
            store.write_behind(conn, [("products", products(100), False)], then=lambda: None)
        with pytest.raises(sa.exc.OperationalError):  # still in its transaction: discarded
            store.end_bulk(conn)
        assert conn.invalidated
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM products").scalar_one() == 0
