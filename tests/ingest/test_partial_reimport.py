"""A re-import of a partly changed order file (some orders changed, lines added and removed,
new orders) gives what a fresh import of the new file gives, plus the stored rows the file no
longer names, as they were; stored rows keep their ids."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import sqlalchemy as sa

HEADER = "order_id,customer,placed_at,channel,currency,sku,quantity,unit_price,returns_order\n"


def _orders(rng: random.Random) -> dict[str, list[list[Any]]]:
    """Orders O0..O119, 1-4 lines each, and returns R0..R9 of a line of O0..O9."""
    orders: dict[str, list[list[Any]]] = {}
    for n in range(120):
        head = [f"C{rng.randrange(40)}", f"2024-01-{1 + n % 28:02d} 10:00:00", "web", "EUR"]
        skus = rng.sample(range(30), rng.randint(1, 4))
        lines = [[f"S{s}", rng.randint(1, 5), f"{rng.randint(1, 99)}.50", ""] for s in skus]
        orders[f"O{n}"] = [head, *lines]
    for n in range(10):
        head, first = orders[f"O{n}"][0], orders[f"O{n}"][1]
        return_head = [head[0], "2024-02-01 10:00:00", "web", "EUR"]
        orders[f"R{n}"] = [return_head, [first[0], -1, first[2], f"O{n}"]]
    return orders


def _changed(orders: dict[str, list[list[Any]]], rng: random.Random) -> dict[str, list[list[Any]]]:
    """A tenth of O10..O119 changed (a quantity, a price, the channel, the customer), some lines
    added, some removed (an order's last one), new orders N0..N9; the returns unchanged."""
    new = {key: [list(row) for row in rows] for key, rows in orders.items()}
    keys = [f"O{n}" for n in range(10, 120)]
    for key in rng.sample(keys, 11):
        head, lines = new[key][0], new[key][1:]
        head[2] = "store"
        lines[0][1] += 1
        lines[-1][2] = "1.25"
    for key in rng.sample(keys, 6):
        head = new[key][0]
        head[0] = "C99" if key.endswith("1") else f"C{int(key[1:]) % 40}"
    for key in rng.sample(keys, 8):
        new[key].append([f"S{40 + rng.randrange(5)}", 2, "7.00", ""])
    for key in [k for k in keys if len(new[k]) > 2][:8]:
        new[key].pop()
    for n in range(10):
        new[f"N{n}"] = [["C1", "2024-03-01 10:00:00", "app", "EUR"], ["S1", 1, "2.00", ""]]
    return new


def _write(path: Path, orders: dict[str, list[list[Any]]]) -> Path:
    rows = [
        ",".join(str(v) for v in [key, *head[:2], head[2], head[3], *line])
        for key, (head, *lines) in orders.items()
        for line in lines
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return path


def _stored(engine: sa.Engine, source: str) -> tuple[dict[str, Any], dict[Any, Any]]:
    """Orders by external id and lines by (order, line number), with every value written, the
    references by external key, and each row's id."""
    orders = """
        SELECT o.external_id, o.id, c.external_id, o.placed_at, o.channel, o.status,
               o.currency, o.discount_total
        FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.source = :s
    """
    lines = """
        SELECT o.external_id, l.line_no, l.id, l.sku, p.external_id, l.quantity, l.unit_price,
               l.discount, ro.external_id, r.line_no
        FROM order_lines l JOIN orders o ON o.id = l.order_id
        LEFT JOIN products p ON p.id = l.product_id
        LEFT JOIN order_lines r ON r.id = l.returns_line_id
        LEFT JOIN orders ro ON ro.id = r.order_id
        WHERE o.source = :s
    """
    with engine.connect() as conn:
        by_order = {r[0]: tuple(r[1:]) for r in conn.execute(sa.text(orders), {"s": source})}
        by_line = {(r[0], r[1]): tuple(r[2:]) for r in conn.execute(sa.text(lines), {"s": source})}
    return by_order, by_line


def _values(rows: dict[Any, tuple[Any, ...]]) -> dict[Any, tuple[Any, ...]]:
    return {key: row[1:] for key, row in rows.items()}  # without the id


def test_a_partly_changed_reimport_is_a_fresh_import_plus_the_rows_it_no_longer_names(
    tmp_path, run_import, engine
):
    rng = random.Random(16)
    old = _orders(rng)
    new = _changed(old, rng)
    old_file = _write(tmp_path / "old.csv", old)
    new_file = _write(tmp_path / "new.csv", new)
    options = {"create_missing_customers": True, "chunk_rows": 97}

    first = run_import("orders", old_file, source="shop", **options)
    before = _stored(engine, "shop")
    again = run_import("orders", new_file, source="shop", **options)
    after = _stored(engine, "shop")
    fresh = run_import("orders", new_file, source="fresh", **options)
    expected = _stored(engine, "fresh")

    assert first.status == again.status == fresh.status == "loaded", again.problems
    # the same counts, but for what the first import had created already
    created = {"customers_created", "products_created"}
    assert {k: v for k, v in again.counts.items() if k not in created} == {
        k: v for k, v in fresh.counts.items() if k not in created
    }
    for kind in (0, 1):  # orders, then lines
        old_rows, now, wanted = before[kind], after[kind], expected[kind]
        # the new file's rows as a fresh import writes them, the others as they were
        assert _values(now) == _values(old_rows) | _values(wanted)
        # stored rows are updated in place
        assert {k: now[k][0] for k in old_rows} == {k: v[0] for k, v in old_rows.items()}
    # the file changed what it says: not a vacuous comparison
    assert _values(before[1]) != _values(after[1])
    assert len(after[1]) > len(expected[1]) and len(after[0]) > len(before[0])


def test_sqlite_leaves_the_rows_a_reimport_does_not_change_as_they_are(
    tmp_path, sqlite_engine, clock
):
    """On SQLite (whose chunks are upserted, not staged and merged) a stored order or line
    whose values are the file's is not updated at all: only the changed ones are."""
    from opencx.core import EventBus
    from opencx.ingest.domain import Mapping
    from opencx.ingest.service import ImportOptions, IngestService

    rng = random.Random(16)
    old = _orders(rng)
    new = {key: [list(row) for row in rows] for key, rows in old.items()}
    new["O20"][1][1] += 1  # one line's quantity
    new["O30"][0][2] = "store"  # one order's channel
    ingest = IngestService(sqlite_engine, EventBus(), clock)
    mapping = Mapping(source="shop", create_missing_customers=True)
    for orders in (old, new):
        path = _write(tmp_path / "orders.csv", orders)
        report = ingest.import_file(ImportOptions(kind="orders", path=path, mapping=mapping))
        assert report.status == "loaded", report.problems
        if orders is old:
            with sqlite_engine.begin() as conn:
                conn.exec_driver_sql("CREATE TABLE updated (tbl TEXT, id TEXT)")
                for table in ("orders", "order_lines"):
                    conn.exec_driver_sql(
                        f"CREATE TRIGGER {table}_updated AFTER UPDATE ON {table} "
                        f"BEGIN INSERT INTO updated VALUES ('{table}', new.id); END"
                    )
    with sqlite_engine.connect() as conn:
        updated = conn.exec_driver_sql(
            "SELECT u.tbl, coalesce(o.external_id, lo.external_id || ':' || l.line_no) "
            "FROM updated u LEFT JOIN orders o ON u.tbl = 'orders' AND o.id = u.id "
            "LEFT JOIN order_lines l ON u.tbl = 'order_lines' AND l.id = u.id "
            "LEFT JOIN orders lo ON lo.id = l.order_id"
        ).all()
    # the changed line and order; each return line, its link reset and set again, and the
    # status of the orders its returns reverse, reset to what the file's lines say and set again
    returned = {f"O{n}" for n in range(10)}
    assert {u for u in updated if u[0] == "orders"} == {("orders", "O30")} | {
        ("orders", o) for o in returned
    }
    assert {u for u in updated if u[0] == "order_lines"} == {("order_lines", "O20:1")} | {
        ("order_lines", f"R{n}:1") for n in range(10)
    }
