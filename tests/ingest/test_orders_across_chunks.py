"""An order whose lines span chunks gets the status and the return-order count its whole file
gives, on both stores (SQLite writes chunk by chunk; PostgreSQL copies new orders chunk by
chunk, or merges a file with statuses whole)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.ingest.test_return_links import _parquet

HEADER = "order_id,customer,placed_at,currency,sku,quantity,unit_price,is_return\n"

# one line a chunk: A1's return line comes in a later chunk than its purchase, C1's purchase
# after its return; B1 is all returns over two chunks
LINES = (
    HEADER + "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50,\n"
    "B1,C1,2024-01-03 10:00:00,EUR,SKU1,-1,3.50,true\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU2,-1,10,true\n"
    "C1,C2,2024-01-04 10:00:00,EUR,SKU1,-1,3.50,true\n"
    "B1,C1,2024-01-03 10:00:00,EUR,SKU2,-1,10,true\n"
    "C1,C2,2024-01-04 10:00:00,EUR,SKU2,1,10,\n"
    "D1,C2,2024-01-05 10:00:00,EUR,SKU2,1,10,\n"
)

# a status column: an order's status is its first line's that has one, in any chunk
STATUSES = (
    HEADER.replace("\n", ",status\n") + "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50,,\n"
    "B1,C1,2024-01-03 10:00:00,EUR,SKU1,1,3.50,,\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU2,1,10,,cancelled\n"
    "B1,C1,2024-01-03 10:00:00,EUR,SKU2,-1,10,true,\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU3,1,10,,completed\n"
)


def _statuses(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT external_id, status FROM orders")).all())


def test_status_and_return_orders_count_every_chunk_of_an_order(tmp_path, run_import, engine):
    path = _parquet(tmp_path / "orders.parquet", LINES)

    report = run_import("orders", path, create_missing_customers=True, chunk_rows=1)

    assert report.status == "loaded", report.problems
    assert (report.counts["orders"], report.counts["return_orders"]) == (4, 3)
    assert _statuses(engine) == {
        "A1": "partly_returned",
        "B1": "returned",
        "C1": "partly_returned",
        "D1": "completed",
    }


def test_a_status_given_on_a_later_chunk_is_the_orders(tmp_path, run_import, engine):
    path = _parquet(tmp_path / "orders.parquet", STATUSES)

    report = run_import("orders", path, create_missing_customers=True, chunk_rows=1)

    assert report.status == "loaded", report.problems
    assert (report.counts["orders"], report.counts["return_orders"]) == (2, 1)
    assert _statuses(engine) == {"A1": "cancelled", "B1": "partly_returned"}
