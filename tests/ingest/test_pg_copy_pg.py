"""Rows copied in PostgreSQL's binary format (``store.pg_copy``) are stored exactly as the same
rows sent as CSV, which the server parses: every value, amounts to their bytes; what the
encoder cannot write exactly goes as CSV, and the server refuses what it refused."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg
import pyarrow as pa
import pytest

from opencx.ingest.store import pg_copy

pytestmark = pytest.mark.postgres

AMOUNTS = [
    "0",
    "-0",
    "+5",
    ".5",
    "5.",
    "007.50",
    "13.21",
    "-0.0001",
    "99999999999999.9999",
    "-12345678901234.5678",
    "1e3",
    "2.5E-3",
    None,
]
NAMES = ["", "Élodie ☕", 'a,b"c', "tab\there", "line\nbreak", "back\\slash", None]


def _rows(conn, table: str, source: str, columns: str) -> list[tuple]:
    sql = f"SELECT external_id, {columns} FROM {table} WHERE source = %s ORDER BY external_id"
    return conn.execute(sql, (source,)).fetchall()


def _both(conn, table: str, data: pa.Table, columns: str) -> tuple[list[tuple], list[tuple]]:
    """``data`` copied once in binary (source ``bin``), once as CSV (source ``csv``), each row
    with an id of 26 characters; the stored rows of each."""
    n = data.num_rows

    def tagged(source: str) -> pa.Table:
        ids = pa.array([f"{source}{i:023d}" for i in range(n)])
        return data.append_column("id", ids).append_column("source", pa.array([source] * n))

    binary = pg_copy.payload(table, tagged("bin"))
    assert binary.sql.endswith("(FORMAT binary)")
    pg_copy.send(conn, binary)
    text = tagged("csv")
    sql = f"COPY {table} ({', '.join(text.column_names)}) FROM STDIN (FORMAT csv)"
    pg_copy.send(conn, pg_copy.Payload(sql, (pg_copy.copy_csv(text),)))
    return _rows(conn, table, "bin", columns), _rows(conn, table, "csv", columns)


@pytest.fixture
def conn(pg_database_url):
    with psycopg.connect(pg_database_url.replace("+psycopg", "")) as connection:
        yield connection
        connection.rollback()


def test_amounts_texts_and_flags_are_stored_as_csv_stores_them(conn):
    n = len(AMOUNTS)
    data = pa.table(
        {
            "external_id": pa.array([f"SKU{i:02d}" for i in range(n)]),
            "name": pa.array((NAMES * 2)[:n]),
            "list_price": pa.array(AMOUNTS),
            "is_merchandise": pa.array([i % 2 == 0 for i in range(n)]),
        }
    )
    columns = "name, list_price, numeric_send(list_price), is_merchandise"
    binary, text = _both(conn, "products", data, columns)
    assert binary == text
    assert binary[8][2] == Decimal("99999999999999.9999")  # exact, not through a float


def test_times_json_and_whole_numbers_are_stored_as_csv_stores_them(conn):
    times = [
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2000, 1, 1, tzinfo=UTC),
        datetime(2024, 3, 31, 1, 30, 15, 250, tzinfo=UTC),
        datetime(1900, 2, 28, 12, tzinfo=UTC),
        None,
    ]
    n = len(times)
    data = pa.table(
        {
            "external_id": pa.array([f"C{i}" for i in range(n)]),
            "created_at": pa.array(times, pa.timestamp("us", "UTC")),
            "erased_at": pa.array(list(reversed(times)), pa.timestamp("us", "UTC")),
            "attributes": pa.array(['{"a": [1, 2.50]}', "{}", '{"é": null}', "{ }", "{}"]),
            "consent_email": pa.array([True, False, True, False, True]),
            "consent_sms": pa.array([False] * n),
            "consent_surveys": pa.array([True] * n),
        }
    )
    data = data.set_column(1, "created_at", data.column("created_at").fill_null(times[0]))
    binary, text = _both(
        conn, "customers", data, "created_at, erased_at, attributes::text, consent_email"
    )
    assert binary == text
    assert binary[0][1] == times[0]


def test_an_amount_with_more_decimals_than_the_column_goes_as_csv_and_is_rounded(conn):
    data = pa.table(
        {
            "id": pa.array(["r" * 26, "s" * 26]),
            "source": pa.array(["bin", "bin"]),
            "external_id": pa.array(["R1", "R2"]),
            "list_price": pa.array(["1.23455", "2"]),
            "is_merchandise": pa.array([True, True]),
        }
    )
    rows = pg_copy.payload("products", data)
    assert rows.sql.endswith("(FORMAT csv)")
    pg_copy.send(conn, rows)
    assert [r[1] for r in _rows(conn, "products", "bin", "list_price::text")] == [
        "1.2346",
        "2.0000",
    ]


def test_a_value_the_column_cannot_hold_is_refused_as_before(conn):
    long_name = pa.table(
        {
            "id": pa.array(["t" * 26]),
            "source": pa.array(["bin"]),
            "external_id": pa.array(["T1"]),
            "currency": pa.array(["EURO"]),
            "is_merchandise": pa.array([True]),
        }
    )
    rows = pg_copy.payload("products", long_name)
    assert rows.sql.endswith("(FORMAT binary)")
    with pytest.raises(psycopg.errors.StringDataRightTruncation, match=r"varying\(3\)"):
        pg_copy.send(conn, rows)


def test_the_order_stage_takes_binary_rows_that_hold_what_its_csv_rows_held(conn):
    """The order stage (no canonical table) is copied in binary from the types it is made
    with; every value reaches the merge as the server parsed it from CSV (an amount as the
    same number, and, cast to the canonical amount's type, the same bytes)."""
    from opencx.ingest.store import staging
    from opencx.ingest.store.order_merge import STAGE_COLUMNS

    n = len(AMOUNTS)
    times = [datetime(2024, 3, 31, 1, 30, 15, 250, tzinfo=UTC)] * (n - 1) + [None]
    data = pa.table(
        {
            "order_id": pa.array([f"A{i}" for i in range(n)]),
            "customer_id": pa.array((NAMES * 2)[:n]),
            "placed_at": pa.array(times, pa.timestamp("us", "UTC")),
            "unit_price": pa.array([*AMOUNTS[:-3], "1.5", "-2", None]),
            "discount_total": pa.array(["0.25"] * n),
            "quantity": pa.array([i - 3 for i in range(n)], pa.int64()),
            "is_return": pa.array([i % 3 == 0 if i != 4 else None for i in range(n)]),
        }
    )
    columns = {c: t for c, t in STAGE_COLUMNS.items() if c in data.column_names}
    cols = ", ".join(f"{c} {staging.PG_TYPES[t]}" for c, t in columns.items())
    for name in ("_bin_stage", "_csv_stage"):
        conn.execute(f"CREATE TEMP TABLE {name} (_row bigint GENERATED ALWAYS AS IDENTITY, {cols})")
    types = {c: staging.BINARY_TYPES[t] for c, t in columns.items()}
    assert pg_copy.payload("_bin_stage", data, types).sql.endswith("(FORMAT binary)")
    staging.stage_job("_bin_stage", columns, data)(conn)
    sql = f"COPY _csv_stage ({', '.join(data.column_names)}) FROM STDIN (FORMAT csv)"
    pg_copy.send(conn, pg_copy.Payload(sql, (pg_copy.copy_csv(data),)))
    read = (
        "SELECT _row, order_id, customer_id, placed_at, unit_price, "
        "numeric_send(unit_price::numeric(18, 4)), discount_total, quantity, is_return "
        "FROM {} ORDER BY _row"
    )
    binary = conn.execute(read.format("_bin_stage")).fetchall()
    assert binary == conn.execute(read.format("_csv_stage")).fetchall()
    assert binary[8][4] == Decimal("99999999999999.9999") and binary[-1][4] is None
