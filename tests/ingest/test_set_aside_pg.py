"""Setting aside the keys of empty order tables on PostgreSQL (``store.set_aside``) leaves
``customers`` readable once some are stored (their foreign key goes only while none is), and
keeps the keys of a table a writer filled first."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from opencx.core import EventBus
from opencx.db.schema import customers, orders, products
from opencx.ingest import store
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService
from opencx.ingest.service.writers import staged_orders
from opencx.ingest.store import bulk

pytestmark = pytest.mark.postgres

CONSTRAINTS = """
    SELECT conrelid::regclass::text, conname FROM pg_constraint
    WHERE conrelid IN ('orders'::regclass, 'order_lines'::regclass) ORDER BY 1, 2
"""


def _constraints(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(CONSTRAINTS)]


def _readable(engine, table: sa.Table) -> bool:
    """Whether another session reads ``table`` without waiting (a 200 ms lock timeout)."""
    with engine.connect() as conn, conn.begin():
        conn.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
        try:
            conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        except OperationalError:
            return False
    return True


def test_customers_stay_readable_while_order_keys_are_aside(pg_clean):
    before = _constraints(pg_clean)
    with pg_clean.connect() as conn, conn.begin() as tx:
        aside = store.set_aside(conn, ("orders", "order_lines"))
        assert aside.tables == ("orders", "order_lines")
        names = {name for _, name in _constraints_in(conn)}
        assert not any("customer" in n for n in {n for _, n in before} - names)
        assert _readable(pg_clean, customers)
        assert not _readable(pg_clean, orders)  # the tables set aside wait for the commit
        assert not _readable(pg_clean, products)  # its foreign key went
        store.restore_keys(conn, aside)
        tx.commit()
    assert _constraints(pg_clean) == before


def _order(conn, customer_id: str | None = None) -> None:
    conn.execute(
        orders.insert().values(
            id="o1",
            source="api",
            external_id="E1",
            customer_id=customer_id,
            placed_at=datetime(2024, 1, 2, tzinfo=UTC),
            currency="EUR",
        )
    )


def _constraints_in(conn) -> list[tuple[str, str]]:
    return [tuple(r) for r in conn.exec_driver_sql(CONSTRAINTS)]


def test_the_foreign_key_to_customers_is_kept(pg_clean):
    with pg_clean.connect() as conn, conn.begin() as tx:
        store.set_aside(conn, ("orders", "order_lines"))
        kept = {
            (table, target)
            for table, target in conn.exec_driver_sql(
                "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid IN ('orders'::regclass, 'order_lines'::regclass)"
            )
        }
        tx.rollback()
    assert kept == {("orders", "customers")}


def test_a_table_filled_before_the_locks_were_held_keeps_its_keys(pg_clean, monkeypatch):
    before = _constraints(pg_clean)
    with pg_clean.begin() as conn:
        _order(conn)
    checks = iter([True, True])  # the first look sees both tables empty, as just before a write
    real = bulk._empty
    monkeypatch.setattr(bulk, "_empty", lambda conn, name: next(checks, None) or real(conn, name))
    with pg_clean.connect() as conn, conn.begin() as tx:
        aside = store.set_aside(conn, ("orders", "order_lines"))
        assert aside.tables == () and aside.statements == ()
        assert _constraints_in(conn) == before
        assert _readable(pg_clean, orders)  # its locks were let go
        tx.rollback()


def test_the_partial_index_of_return_links_stays_and_the_others_come_back(pg_clean):
    """``ix_order_lines_returns_line_id`` holds no copied or merged row (links are set after,
    by an update): it is not rebuilt; every other index is dropped and added back."""
    indexes = (
        "SELECT indexname FROM pg_indexes WHERE tablename IN ('orders', 'order_lines') ORDER BY 1"
    )
    with pg_clean.connect() as conn:
        before = [r[0] for r in conn.exec_driver_sql(indexes)]
    with pg_clean.connect() as conn, conn.begin() as tx:
        aside = store.set_aside(conn, ("orders", "order_lines"))
        during = [r[0] for r in conn.exec_driver_sql(indexes)]
        store.restore_keys(conn, aside)
        after = [r[0] for r in conn.exec_driver_sql(indexes)]
        tx.rollback()
    assert during == ["ix_order_lines_returns_line_id"]
    assert after == before


def _foreign_keys(conn) -> set[tuple[str, str]]:
    return {
        (table, target)
        for table, target in conn.exec_driver_sql(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid IN ('orders'::regclass, 'order_lines'::regclass)"
        )
    }


def _customer(conn, ident: str = "c1") -> None:
    conn.execute(
        customers.insert().values(
            id=ident, source="api", external_id=ident, created_at=datetime(2024, 1, 2, tzinfo=UTC)
        )
    )


def test_the_foreign_key_to_customers_goes_while_no_customer_is_stored(pg_clean):
    """A first import into a new store creates its customers: nothing to read there yet, so
    the foreign key to them is set aside too, and added back (validated) at the end."""
    before = _constraints(pg_clean)
    with pg_clean.connect() as conn, conn.begin() as tx:
        aside = store.set_aside(conn, ("orders", "order_lines"), referenced=("customers",))
        assert ("orders", "customers") not in _foreign_keys(conn)
        assert not _readable(pg_clean, customers)  # locked until the commit
        _customer(conn)  # the import's own customers, then its orders
        _order(conn, "c1")
        store.restore_keys(conn, aside)
        assert _constraints_in(conn) == before
        tx.commit()
    assert _readable(pg_clean, customers)


def test_an_order_of_no_stored_customer_fails_when_the_key_comes_back(pg_clean):
    with pg_clean.connect() as conn, conn.begin() as tx:
        aside = store.set_aside(conn, ("orders", "order_lines"), referenced=("customers",))
        _order(conn, "nobody")
        with pytest.raises(sa.exc.IntegrityError, match="fk_orders_customer_id"):
            store.restore_keys(conn, aside)
        tx.rollback()


@pytest.mark.parametrize("looked_before", [False, True])
def test_stored_customers_keep_their_foreign_key_and_stay_readable(
    pg_clean, monkeypatch, looked_before
):
    """Customers stored keep the foreign key to them, and stay readable; also when they were
    stored between the first look and the locks (``looked_before``): the locks are let go (a
    savepoint) and taken again without customers."""
    with pg_clean.begin() as conn:
        _customer(conn)
    if looked_before:
        checks = iter([True, True, True])  # orders, order_lines, customers: empty at first look
        real = bulk._empty
        monkeypatch.setattr(
            bulk, "_empty", lambda conn, name: next(checks, None) or real(conn, name)
        )
    with pg_clean.connect() as conn, conn.begin() as tx:
        aside = store.set_aside(conn, ("orders", "order_lines"), referenced=("customers",))
        assert aside.tables == ("orders", "order_lines")
        assert ("orders", "customers") in _foreign_keys(conn)
        assert _readable(pg_clean, customers)
        tx.rollback()


def test_two_first_imports_that_looked_before_either_locked_both_load(
    tmp_path, pg_clean, clock, monkeypatch
):
    """Two first imports of different sources both find the tables empty, then both lock:
    each one's first look holds a read lock the other's ``LOCK TABLE`` waits for. The server
    breaks the deadlock by failing one's statement; that import goes on without setting
    anything aside (it failed whole, "deadlock detected", before the fix)."""
    monkeypatch.setattr(staged_orders, "BULK_LINES", 8)
    both_looked = threading.Barrier(2, timeout=10)
    looked = threading.local()
    real = bulk._empty

    def empty(conn, name):
        found = real(conn, name)
        if name == "customers" and not getattr(looked, "done", False):  # the last first look
            looked.done = True
            both_looked.wait()
        return found

    monkeypatch.setattr(bulk, "_empty", empty)
    before = _constraints(pg_clean)
    ingest = IngestService(pg_clean, EventBus(), clock)
    outcome: dict[str, object] = {}

    def run(source: str) -> None:
        path = tmp_path / f"{source}.csv"
        rows = [
            f"{source}{i},c{i % 7},2024-01-02 10:00:00,EUR,S{i % 3},1,2.50\n" for i in range(40)
        ]
        path.write_text(
            "order_id,customer,placed_at,currency,sku,quantity,unit_price\n" + "".join(rows)
        )
        mapping = Mapping(source=source, create_missing_customers=True)
        try:
            report = ingest.import_file(
                ImportOptions(kind="orders", path=path, mapping=mapping, chunk_rows=40)
            )
            outcome[source] = report.status
        except Exception as exc:  # the test looks at what was raised
            outcome[source] = exc

    threads = [threading.Thread(target=run, args=(source,)) for source in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcome == {"A": "loaded", "B": "loaded"}
    with pg_clean.connect() as conn:
        counts = conn.exec_driver_sql("SELECT source, count(*) FROM orders GROUP BY 1 ORDER BY 1")
        assert [tuple(r) for r in counts] == [("A", 40), ("B", 40)]
    assert _constraints(pg_clean) == before


def test_a_first_import_failing_on_its_first_chunk_locks_nothing(tmp_path, pg_clean, clock):
    """A bad line in the first chunk fails an all-or-nothing import: the rest of the file is
    still read (every problem is reported) but nothing will be written, so no table is locked
    meanwhile (the set-aside had locked customers, products and orders for that read)."""
    path = tmp_path / "orders.csv"
    rows = [f"O{i},c{i % 97},2024-01-02 10:00:00,EUR,S{i % 3},1,2.50\n" for i in range(30_000)]
    rows[0] = rows[0].replace("EUR", "EURO")  # line 2: not a currency
    path.write_text(
        "order_id,customer,placed_at,currency,sku,quantity,unit_price\n" + "".join(rows)
    )
    ingest = IngestService(pg_clean, EventBus(), clock)
    mapping = Mapping(source="shop", create_missing_customers=True)
    readable: list[bool] = []

    def after_chunk(_rows: int) -> None:
        readable.append(all(_readable(pg_clean, t) for t in (customers, orders, products)))

    report = ingest.import_file(
        ImportOptions(kind="orders", path=path, mapping=mapping, chunk_rows=8_000),
        progress=after_chunk,
    )
    assert report.status == "failed" and report.problem_count == 1
    assert len(readable) >= 2 and all(readable)  # a chunk read after the failing one


def test_a_large_file_read_in_small_chunks_sets_the_keys_aside(tmp_path, pg_clean, clock):
    """Whatever ``chunk_rows``: a large file (``BULK_BYTES``) whose first chunk is full is a
    large first import. With 5,000-row chunks the first one (1,250 rows) never reached
    ``BULK_LINES``, and the keys stayed, checked row by row: 4x slower on the bench's file."""
    path = tmp_path / "orders.csv"
    lines = (
        f"O{i:07d},C{i % 997:05d},2024-01-02 10:00:00,EUR,SKU{i % 50:03d},1,2.50,Product {i % 50}\n"
        for i in range(66_000)
    )
    path.write_text("order_id,customer,placed_at,currency,sku,quantity,unit_price,product_name\n")
    with path.open("a") as handle:
        handle.writelines(lines)
    assert path.stat().st_size >= staged_orders.BULK_BYTES
    before = _constraints(pg_clean)
    readable: list[bool] = []

    def after_chunk(_rows: int) -> None:
        if not readable:  # the first chunk: the order tables locked, their keys aside
            readable.append(_readable(pg_clean, orders))

    ingest = IngestService(pg_clean, EventBus(), clock)
    mapping = Mapping(source="shop", create_missing_customers=True)
    report = ingest.import_file(
        ImportOptions(kind="orders", path=path, mapping=mapping, chunk_rows=5_000),
        progress=after_chunk,
    )
    assert report.status == "loaded" and report.rows_loaded == 66_000
    assert readable == [False]
    assert _constraints(pg_clean) == before
