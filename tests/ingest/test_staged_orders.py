"""A large order file into empty tables: on PostgreSQL the merge sets the foreign keys and
secondary indexes aside and inserts plainly; everything is back, and right, after the commit."""

from __future__ import annotations

import sqlalchemy as sa

from opencx.ingest.service.writers import staged_orders

ORDERS = (
    "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50,\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU2,1,10,\n"
    "A2,C2,2024-01-03 10:00:00,EUR,SKU1,1,3.50,\n"
    "R1,C1,2024-01-09 10:00:00,EUR,SKU2,-1,10,A1\n"
)


def _schema(engine) -> dict[str, object]:
    inspector = sa.inspect(engine)
    return {
        table: (
            sorted(str(fk["constrained_columns"]) for fk in inspector.get_foreign_keys(table)),
            sorted(str(i["name"]) for i in inspector.get_indexes(table)),
        )
        for table in ("orders", "order_lines")
    }


def test_a_bulk_merge_into_empty_tables_keeps_keys_and_indexes(
    tmp_path, run_import, engine, monkeypatch
):
    monkeypatch.setattr(staged_orders, "BULK_LINES", 1)  # every file counts as large
    expected = _schema(engine)
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)

    first = run_import("orders", path, create_missing_customers=True)
    again = run_import("orders", path, create_missing_customers=True)

    assert first.status == again.status == "loaded", first.problems
    assert (first.counts["orders"], first.counts["lines"], first.counts["returns_linked"]) == (
        3,
        4,
        1,
    )
    assert again.counts["orders"] == 3
    assert _schema(engine) == expected
    with engine.connect() as conn:
        lines = conn.execute(sa.text("SELECT count(*) FROM order_lines")).scalar_one()
        statuses = dict(conn.execute(sa.text("SELECT external_id, status FROM orders")).all())
    assert lines == 4
    assert statuses == {"A1": "partly_returned", "A2": "completed", "R1": "returned"}


def test_values_equal_on_every_row_are_stored_as_if_bound(tmp_path, run_import, engine):
    """A column with one value on every row (the source, a channel, a price) is written as a
    literal on SQLite: quotes and types come out as the values went in."""
    path = tmp_path / "o'neil orders.csv"
    path.write_text(
        "order_id,customer,placed_at,currency,sku,product_name,quantity,unit_price,channel\n"
        "A1,C1,2024-01-02 10:00:00,EUR,SKU1,Ann's mug,2,3.50,shop 'x'\n"
        "A2,C1,2024-01-03 10:00:00,EUR,SKU1,Ann's mug,2,3.50,shop 'x'\n"
    )
    report = run_import("orders", path, create_missing_customers=True)
    assert report.status == "loaded", report.problems
    query = """
        SELECT o.source, o.channel, o.status, p.name, l.quantity, l.unit_price, l.discount,
               l.returns_line_id
        FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
    """
    with engine.connect() as conn:
        rows = conn.execute(sa.text(query)).all()
    assert len(rows) == 2
    for source, channel, status, name, quantity, price, discount, returns in rows:
        assert (source, channel, status, name) == (
            "csv:o'neil orders.csv",
            "shop 'x'",
            "completed",
            "Ann's mug",
        )
        assert (quantity, float(price), float(discount), returns) == (2, 3.5, 0.0, None)
