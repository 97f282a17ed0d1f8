"""Linking listed returns (``store.link_listed_returns``: the event API on PostgreSQL, an order
event of return lines) on order tables just filled, which PostgreSQL has no statistics for yet
(a first import; autovacuum analyzes later, or never on a server without it). Its plans must
not depend on them: planned as if the source held 100 orders, the linking statements joined
the listed returns to every line by nested loops over sequential scans (10,000 returns listed
after 20,000 lines: 47 s; one return event after 10,000 orders read every line three times)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pyarrow as pa
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from opencx.core import EventBus, FixedClock
from opencx.db import create_engine_from_url, migrate
from opencx.ingest import store
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService
from tests.conftest import PG_ADMIN_URL, unavailable

pytestmark = pytest.mark.postgres

ORDERS = 600  # O<i>, and as many plain orders R<i> whose lines the returns listed are

READS = """
    SELECT relname, seq_scan, seq_tup_read FROM pg_stat_xact_user_tables
    WHERE relname IN ('orders', 'order_lines')
"""


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    """A database of its own, migrated, into which one import copied ``2 * ORDERS`` one-line
    orders; never analyzed (the session's database was, by earlier merges)."""
    name = f"opencx_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        unavailable(f"PostgreSQL at {PG_ADMIN_URL} ({exc.__class__.__name__})")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = create_engine_from_url(url)
    try:
        migrate(url)
        path = tmp_path_factory.mktemp("fresh") / "orders.csv"
        rows = [
            f"{prefix}{i},C{i},2024-01-02 10:00:00,EUR,S{i % 50},1,3.50"
            for prefix in ("O", "R")
            for i in range(ORDERS)
        ]
        header = "order_id,customer,placed_at,currency,sku,quantity,unit_price"
        path.write_text("\n".join([header, *rows]) + "\n")
        service = IngestService(engine, EventBus(), FixedClock())
        mapping = Mapping(create_missing_customers=True)
        report = service.import_file(ImportOptions(kind="orders", path=path, mapping=mapping))
        assert report.status == "loaded", report.problems[:3]
        yield engine, report.source
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _listed(count: int) -> pa.Table:
    """R<i>'s line listed as a return of O<i>'s SKU, as the order writer lists it."""
    return pa.table(
        {
            "order_id": pa.array([f"R{i}" for i in range(count)], pa.string()),
            "line_no": pa.array([1] * count, pa.int32()),
            "sku": pa.array([f"S{i % 50}" for i in range(count)], pa.string()),
            "returns_order": pa.array([f"O{i}" for i in range(count)], pa.string()),
            "prev_order": pa.nulls(count, pa.string()),
            "prev_line": pa.nulls(count, pa.int32()),
        }
    )


def _reads(conn: Connection) -> dict[str, tuple[int, int]]:
    """Per order table, the sequential scans and the rows they read in this transaction."""
    return {name: (scans, rows) for name, scans, rows in conn.exec_driver_sql(READS)}


def _linked(conn: Connection) -> dict[str, str]:
    query = """
        SELECT o.external_id, ot.external_id FROM order_lines l
        JOIN orders o ON o.id = l.order_id
        JOIN order_lines t ON t.id = l.returns_line_id JOIN orders ot ON ot.id = t.order_id
    """
    return dict(conn.exec_driver_sql(query).all())


def test_tables_are_not_analyzed(fresh):
    engine, _ = fresh
    with engine.connect() as conn:
        query = "SELECT count(*) FROM pg_stats WHERE tablename IN ('orders', 'order_lines')"
        assert conn.exec_driver_sql(query).scalar_one() == 0


def test_one_return_reads_the_lines_by_their_keys(fresh):
    """An order event of one return line scans neither order table."""
    engine, source = fresh
    with engine.connect() as conn, conn.begin() as transaction:
        before = _reads(conn)
        links = store.link_listed_returns(conn, source, _listed(1), by_customer=False)
        after = _reads(conn)
        assert (links.linked, links.unlinked) == (1, 0)
        assert _linked(conn) == {"R0": "O0"}
        status = "SELECT status FROM orders WHERE external_id = 'O0'"
        assert conn.exec_driver_sql(status).scalar_one() == "partly_returned"
        assert after == before
        transaction.rollback()


def test_many_returns_read_each_line_a_few_times(fresh):
    """Every R<i> listed at once: the lines are read by a few scans at most, not one per
    return (before: 541,500 lines read for the 600 returns of 1,200 lines)."""
    engine, source = fresh
    with engine.connect() as conn, conn.begin() as transaction:
        before = _reads(conn)
        links = store.link_listed_returns(conn, source, _listed(ORDERS), by_customer=False)
        after = _reads(conn)
        assert (links.linked, links.unlinked) == (ORDERS, 0)
        assert _linked(conn) == {f"R{i}": f"O{i}" for i in range(ORDERS)}
        statuses = "SELECT status, count(*) FROM orders GROUP BY status"
        assert dict(conn.exec_driver_sql(statuses).all()) == {
            "completed": ORDERS,
            "partly_returned": ORDERS,
        }
        lines = after.get("order_lines", (0, 0))[1] - before.get("order_lines", (0, 0))[1]
        assert lines <= 10 * 2 * ORDERS
        transaction.rollback()
