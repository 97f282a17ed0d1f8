"""A few rows (an API event's) reach PostgreSQL by one ``INSERT ... VALUES`` that stores exactly
what the temporary table and ``COPY`` stored, and fails alike; "was anyone erased?" is one probe
of its partial index, also on customers never analyzed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import EventBus, FixedClock
from opencx.ingest.service import IngestService
from opencx.ingest.store import lookups, upserts

pytestmark = pytest.mark.postgres

WHEN = datetime(2025, 3, 4, 5, 6, 7, 891234, tzinfo=UTC)


def _customers(n: int, *, names: list[str | None] | None = None) -> pa.Table:
    names = names if names is not None else [f"name {i}" for i in range(n)]
    return pa.table(
        {
            "id": [f"c{i}" for i in range(n)],
            "source": ["shop"] * n,
            "external_id": [f"E{i}" for i in range(n)],
            "name": pa.array(names, pa.string()),
            "country": pa.array(["FR", None] * (n // 2) + ["FR"] * (n % 2), pa.string()),
            "created_at": pa.array([WHEN] * n, pa.timestamp("us", "UTC")),
            "attributes": [f'{{"tier": "gold", "n": {i}, "s": "a\\"b"}}' for i in range(n)],
            "consent_email": [i % 2 == 0 for i in range(n)],
            "consent_sms": [False] * n,
            "consent_surveys": [True] * n,
        }
    )


def _stored(engine: Engine, table: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id")]


def _statements(engine: Engine, data: pa.Table, table: str, *, update: bool = True) -> list[str]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.begin() as conn:
            upserts.upsert(conn, table, data, update=update)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


NAMES = ['quote "inside"', "comma, and\nline break", "", None, "ünïcødé 🎉", "back\\slash", "x"]


def test_a_few_rows_store_what_the_temporary_table_stores(pg_clean, monkeypatch):
    data = _customers(len(NAMES), names=NAMES)
    statements = _statements(pg_clean, data, "customers")
    assert not any("TEMP" in s or "COPY" in s for s in statements), statements
    assert any(s.startswith("INSERT INTO customers (") and "VALUES" in s for s in statements)
    few = _stored(pg_clean, "customers")
    # the same rows again, changed, as an upsert: every value updated in place
    changed = data.set_column(3, "name", pa.array([f"{n}!" if n else n for n in NAMES]))
    _statements(pg_clean, changed, "customers")
    few_updated = _stored(pg_clean, "customers")
    with pg_clean.begin() as conn:
        conn.exec_driver_sql("DELETE FROM customers")

    monkeypatch.setattr(upserts, "VALUES_ROWS", 0)  # every upsert through the temporary table
    statements = _statements(pg_clean, data, "customers")
    temp = "CREATE TEMP TABLE IF NOT EXISTS _ingest_customers"
    assert any(s.startswith(temp) for s in statements)
    assert _stored(pg_clean, "customers") == few
    _statements(pg_clean, changed, "customers")
    assert _stored(pg_clean, "customers") == few_updated
    by_id = {row[0]: row for row in few}
    assert by_id["c0"][3] == 'quote "inside"' and by_id["c2"][3] == "" and by_id["c3"][3] is None
    assert by_id["c4"][3] == "ünïcødé 🎉"
    assert by_id["c0"][-1] is None  # erased_at: left out, its default


def test_numbers_are_read_by_the_column_as_copy_reads_them(pg_clean):
    with pg_clean.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO orders (id, source, external_id, placed_at, channel, status, currency, "
            "discount_total) VALUES ('o1', 'shop', 'O1', now(), 'web', 'completed', 'EUR', 0)"
        )
    lines = pa.table(
        {
            "id": ["l1", "l2"],
            "order_id": ["o1", "o1"],
            "line_no": pa.array([1, 2], pa.int64()),
            "sku": ["A", "B"],
            "quantity": pa.array([1, 2], pa.int64()),
            "unit_price": pa.array([1.23455, -0.00005]),  # to 4 decimals, half away from 0
            "discount": pa.array([Decimal("0.1"), Decimal("0")], pa.decimal128(10, 4)),
        }
    )
    _statements(pg_clean, lines, "order_lines")
    with pg_clean.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT quantity, unit_price, discount FROM order_lines ORDER BY id"
        ).all()
    assert [tuple(r) for r in rows] == [
        (1, Decimal("1.2346"), Decimal("0.1000")),
        (2, Decimal("-0.0001"), Decimal("0.0000")),
    ]


def _sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL error code, raised by SQLAlchemy (a statement) or psycopg (a ``COPY``)."""
    return getattr(getattr(exc, "orig", exc), "sqlstate", None)


@pytest.mark.parametrize("values_rows", [upserts.VALUES_ROWS, 0])
def test_a_few_rows_fail_as_the_temporary_table_fails(pg_clean, monkeypatch, values_rows):
    monkeypatch.setattr(upserts, "VALUES_ROWS", values_rows)
    too_long = _customers(1).set_column(4, "country", pa.array(["FRA"]))
    with pytest.raises(Exception, match="value too long") as caught:
        _statements(pg_clean, too_long, "customers")
    assert _sqlstate(caught.value) == "22001"
    twice = pa.concat_tables([_customers(1), _customers(1)])  # one key twice in one upsert
    with pytest.raises(Exception, match="cannot affect row a second time") as caught:
        _statements(pg_clean, twice, "customers")
    assert _sqlstate(caught.value) == "21000"
    assert _stored(pg_clean, "customers") == []


def test_an_order_event_creates_no_temporary_table(pg_clean):
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    service = IngestService(pg_clean, EventBus(), FixedClock(WHEN))
    sa.event.listen(pg_clean, "before_cursor_execute", record)
    try:
        service.ingest_event(
            "order",
            {
                "order_id": "E1",
                "customer": "C1",
                "placed_at": "2025-01-02T03:04:05Z",
                "currency": "EUR",
                "lines": [{"sku": "S1", "quantity": 2, "unit_price": "9.99"}],
            },
            create_missing_customers=True,
        )
    finally:
        sa.event.remove(pg_clean, "before_cursor_execute", record)
    assert not [s for s in seen if "TEMP" in s or "_ingest_" in s]
    with pg_clean.connect() as conn:
        line = conn.exec_driver_sql("SELECT sku, quantity, unit_price FROM order_lines").one()
    assert tuple(line) == ("S1", 2, Decimal("9.9900"))


def test_anyone_erased_is_one_probe_also_on_customers_never_analyzed(pg_clean):
    with pg_clean.connect() as conn, conn.begin() as tx:
        conn.exec_driver_sql("LOCK TABLE customers IN SHARE UPDATE EXCLUSIVE MODE")  # no analyze
        conn.exec_driver_sql(
            "INSERT INTO customers (id, source, external_id, created_at, attributes, "
            "consent_email, consent_sms, consent_surveys) SELECT 'c' || n, 'shop', 'E' || n, "
            "now(), '{}', false, false, false FROM generate_series(1, 20000) AS n"
        )
        # as after a first import: no column statistics, a table never counted
        conn.exec_driver_sql("DELETE FROM pg_statistic WHERE starelid = 'customers'::regclass")
        conn.exec_driver_sql(
            "UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = 'customers'::regclass"
        )
        literal = {"literal_binds": True}
        query = str(lookups.ANYONE_ERASED.compile(dialect=conn.dialect, compile_kwargs=literal))
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {query}"))
        assert not lookups.anyone_erased(conn)
        conn.exec_driver_sql("UPDATE customers SET erased_at = now() WHERE id = 'c777'")
        assert lookups.anyone_erased(conn)
        tx.rollback()
    assert "ix_customers_erased_at" in plan, plan
    assert "Seq Scan on customers" not in plan, plan
