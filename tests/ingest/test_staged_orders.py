"""A large order file into empty tables: on PostgreSQL the merge sets the foreign keys and
secondary indexes aside and inserts plainly; everything is back, and right, after the commit."""

from __future__ import annotations

import psycopg
import pyarrow as pa
import pytest
import sqlalchemy as sa

from opencx.core import EventBus
from opencx.ingest import store
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService
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


MIXED = (
    "order_id,customer,placed_at,currency,sku,product_name,category,quantity,unit_price,"
    "status,line_no,returns_order\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU1,,,2,3.50,,,\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU2,Lamp,Home,1,10,shipped,,\n"
    "A2,,2024-01-03 10:00:00,EUR,SKU1,Mug,Kitchen,1,3.50,,,\n"
    "A3,C2,2024-01-04 10:00:00,EUR,SKU3,Pen,,1,2,,5,\n"
    "A3,C2,2024-01-04 10:00:00,EUR,SKU1,Mug,,3,3.50,,2,\n"
    "A2,,2024-01-03 11:00:00,EUR,SKU3,Pen,Office,4,2,,,\n"
    "R1,C1,2024-01-09 10:00:00,EUR,SKU2,Lamp,,-1,10,,,A1\n"
)


def _stored(engine, source: str) -> list[tuple[object, ...]]:
    query = """
        SELECT o.external_id, c.external_id, o.placed_at, o.status, l.line_no, p.external_id,
               p.name, p.category, l.quantity, l.unit_price, ro.external_id, rl.line_no
        FROM order_lines l
        JOIN orders o ON o.id = l.order_id
        JOIN products p ON p.id = l.product_id
        LEFT JOIN customers c ON c.id = o.customer_id
        LEFT JOIN order_lines rl ON rl.id = l.returns_line_id
        LEFT JOIN orders ro ON ro.id = rl.order_id
        WHERE o.source = :source
        ORDER BY o.external_id, l.line_no
    """
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(query), {"source": source}).all()]


def test_the_bulk_merge_gives_the_rows_of_the_ordinary_merge(
    tmp_path, run_import, engine, monkeypatch
):
    """Into empty tables (keys and indexes set aside, order ids computed, first values searched
    only in columns with some nulls) the same rows as into tables that already hold rows."""
    inspector = sa.inspect(engine)
    keys = {
        t: (inspector.get_pk_constraint(t), inspector.get_unique_constraints(t))
        for t in ("orders", "order_lines")
    }
    path = tmp_path / "orders.csv"
    path.write_text(MIXED)
    options = {"create_missing_customers": True, "anonymous": "orders"}
    monkeypatch.setattr(staged_orders, "BULK_LINES", 1)
    bulk = run_import("orders", path, source="bulk", **options)
    monkeypatch.setattr(staged_orders, "BULK_LINES", 10**9)
    ordinary = run_import("orders", path, source="ordinary", **options)

    assert bulk.status == ordinary.status == "loaded", bulk.problems
    assert bulk.counts == ordinary.counts
    rows = _stored(engine, "bulk")
    assert rows == _stored(engine, "ordinary")
    # first non-null values in file order: A1's status, SKU1's name and category, SKU3's category
    assert [r[:2] + r[3:5] + r[6:8] for r in rows] == [
        ("A1", "C1", "shipped", 1, "Mug", "Kitchen"),
        ("A1", "C1", "shipped", 2, "Lamp", "Home"),
        ("A2", None, "completed", 1, "Mug", "Kitchen"),
        ("A2", None, "completed", 2, "Pen", "Office"),
        ("A3", "C2", "completed", 2, "Mug", "Kitchen"),
        ("A3", "C2", "completed", 5, "Pen", "Office"),
        ("R1", "C1", "returned", 1, "Lamp", "Home"),
    ]
    assert rows[-1][-2:] == ("A1", 2)
    inspector = sa.inspect(engine)
    assert keys == {
        t: (inspector.get_pk_constraint(t), inspector.get_unique_constraints(t))
        for t in ("orders", "order_lines")
    }
    assert keys["order_lines"][0]["constrained_columns"] == ["id"]


INTERLEAVED = (
    "order_id,customer,placed_at,currency,sku,quantity,unit_price,channel\n"
    "B2,C2,2024-01-02 11:00:00,EUR,SKU2,1,3,store\n"
    "B1,C1,2024-01-02 10:00:00,EUR,SKU1,1,2,web\n"
    "B2,C2,2024-01-02 11:30:00,EUR,SKU1,2,2,web\n"
    "B1,C1,2024-01-02 10:05:00,EUR,SKU2,1,3,phone\n"
    "B1,C1,2024-01-02 10:09:00,EUR,SKU3,4,1,store\n"
)


def test_an_order_takes_its_first_line_when_its_lines_are_apart_and_none_is_a_return(
    tmp_path, run_import, engine, monkeypatch
):
    """Without returns PostgreSQL takes each order's first line by one sort (DISTINCT ON):
    the same orders as the grouping, into empty tables and into tables that hold rows."""
    path = tmp_path / "orders.csv"
    path.write_text(INTERLEAVED)
    monkeypatch.setattr(staged_orders, "BULK_LINES", 1)
    bulk = run_import("orders", path, source="bulk", create_missing_customers=True)
    monkeypatch.setattr(staged_orders, "BULK_LINES", 10**9)
    ordinary = run_import("orders", path, source="ordinary", create_missing_customers=True)

    assert bulk.status == ordinary.status == "loaded", bulk.problems
    assert bulk.counts["orders"] == ordinary.counts["orders"] == 2
    query = """
        SELECT o.external_id, o.channel, o.status, l.line_no, l.sku
        FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE o.source = :source ORDER BY o.external_id, l.line_no
    """
    with engine.connect() as conn:
        rows = {
            source: [tuple(r) for r in conn.execute(sa.text(query), {"source": source})]
            for source in ("bulk", "ordinary")
        }
        placed = conn.execute(
            sa.text("SELECT external_id, placed_at FROM orders WHERE source = 'bulk'")
        ).all()
    assert (
        rows["bulk"]
        == rows["ordinary"]
        == [
            ("B1", "web", "completed", 1, "SKU1"),
            ("B1", "web", "completed", 2, "SKU2"),
            ("B1", "web", "completed", 3, "SKU3"),
            ("B2", "store", "completed", 1, "SKU2"),
            ("B2", "store", "completed", 2, "SKU1"),
        ]
    )
    assert sorted((e, str(p)[11:16]) for e, p in placed) == [("B1", "10:00"), ("B2", "11:00")]


def test_a_chunk_copied_behind_is_in_before_the_next_statement_and_its_error_is_raised(
    pg_clean,
):
    """PostgreSQL copies a chunk into the stage while the next one is checked: a statement sent
    meanwhile sees every row of it, and a copy that fails raises its own error."""
    rows = pa.table({"order_id": [f"A{i}" for i in range(20_000)], "quantity": [1] * 20_000})
    with pg_clean.connect() as conn, conn.begin():
        store.create_stage(conn, "_t_stage", {"order_id": "text", "quantity": "int"})
        pending = store.CopyBehind(conn, "_t_stage", rows)
        assert conn.exec_driver_sql("SELECT count(*) FROM _t_stage").scalar_one() == 20_000
        pending.wait()
        bad = store.CopyBehind(conn, "_t_stage", pa.table({"quantity": ["x"]}))
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            bad.wait()


@pytest.mark.postgres
def test_a_reimport_rewrites_only_the_rows_it_changes(tmp_path, pg_clean, clock):
    """A re-import merges into stored orders: an order or line whose stored values are the
    file's is left as it is (same row version), a changed one is updated, a return link is
    set again; the counts are those of the file."""
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)
    ingest = IngestService(pg_clean, EventBus(), clock)
    options = ImportOptions(
        kind="orders", path=path, mapping=Mapping(source="shop", create_missing_customers=True)
    )
    first = ingest.import_file(options)
    versions = """
        SELECT o.external_id || ':' || l.sku, l.xmin::text, o.xmin::text, l.quantity,
               l.returns_line_id IS NOT NULL, o.status
        FROM orders o JOIN order_lines l ON l.order_id = o.id ORDER BY 1
    """
    with pg_clean.connect() as conn:
        before = {r[0]: r[1:] for r in conn.exec_driver_sql(versions)}
    path.write_text(
        ORDERS.replace(
            "A2,C2,2024-01-03 10:00:00,EUR,SKU1,1,", "A2,C2,2024-01-03 10:00:00,EUR,SKU1,4,"
        )
    )
    again = ingest.import_file(options)
    with pg_clean.connect() as conn:
        after = {r[0]: r[1:] for r in conn.exec_driver_sql(versions)}

    assert first.status == again.status == "loaded"
    assert again.counts["orders"] == first.counts["orders"] == 3
    # the changed line is a new version; its order, unchanged, is the same one
    assert after["A2:SKU1"][0] != before["A2:SKU1"][0] and after["A2:SKU1"][2] == 4
    assert after["A2:SKU1"][1] == before["A2:SKU1"][1]
    assert after["A1:SKU1"][0] == before["A1:SKU1"][0]  # an unchanged line: the same version
    assert after["A1:SKU1"][2:] == before["A1:SKU1"][2:]
    assert after["A1:SKU1"][4] == "partly_returned"  # its return linked again
    assert after["R1:SKU2"][2:] == before["R1:SKU2"][2:] == (-1, True, "returned")
