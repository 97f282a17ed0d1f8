"""Writes of an Arrow table into a canonical table, inside the caller's transaction.

On SQLite one ``executemany`` of ``INSERT ... ON CONFLICT DO UPDATE``; on PostgreSQL ``COPY`` into
a temporary table, then one ``INSERT ... SELECT ... ON CONFLICT``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy.engine import Connection

from opencx.db import schema
from opencx.ingest.store import sqlite_images
from opencx.ingest.store.tables import KEYS, TABLES, batched


def upsert(conn: Connection, table: str, data: pa.Table, *, update: bool = True) -> None:
    """Insert ``data`` into ``table``; on a key conflict update the given columns (or skip)."""
    if data.num_rows == 0:
        return
    key = KEYS.get(table)
    if conn.dialect.name == "postgresql":
        _upsert_postgres(conn, table, data, key, update)
    else:
        _upsert_sqlite(conn, table, data, key, update)


def _conflict_clause(columns: Sequence[str], key: tuple[str, ...] | None, update: bool) -> str:
    if key is None:
        return ""
    changed = [c for c in columns if c not in key and c != "id"]
    if not update or not changed:
        return f" ON CONFLICT ({', '.join(key)}) DO NOTHING"
    sets = ", ".join(f"{c} = excluded.{c}" for c in changed)
    return f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"


def sqlite_values(array: pa.ChunkedArray | pa.Array) -> list[Any]:
    values: list[Any] = sqlite_images.stored(array).to_pylist()
    return values


def copy_csv(data: pa.Table) -> bytes:
    """``data`` as CSV for PostgreSQL's ``COPY … (FORMAT csv)``, without a header.

    A zoned timestamp is written as its UTC text with ``Z`` (the same text Arrow writes for it),
    by a cast: Arrow's CSV writer formats zoned timestamps through the time-zone database,
    ~15 µs a value, which made it most of the cost of staging a chunk of order lines.
    """
    for i, column in enumerate(data.schema):
        if pa.types.is_timestamp(column.type) and column.type.tz is not None:
            text = pc.cast(pc.cast(data.column(i), pa.timestamp("us")), pa.string())
            data = data.set_column(i, column.name, pc.binary_join_element_wise(text, "Z", ""))
    buffer = io.BytesIO()
    pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False))
    return buffer.getvalue()


def _checked(table: str, columns: Sequence[str]) -> None:
    """Identifiers in the SQL below come from the schema only, never from input data."""
    unknown = set(columns) - set(TABLES[table].c.keys())
    if unknown:
        raise ValueError(f"{table}: no column(s) {sorted(unknown)}")


def _upsert_sqlite(
    conn: Connection, table: str, data: pa.Table, key: tuple[str, ...] | None, update: bool
) -> None:
    columns = data.column_names
    _checked(table, columns)
    constants = _constants(conn, data)
    varying = [c for c in columns if c not in constants]
    values = ", ".join(constants.get(c, "?") for c in columns)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"  # noqa: S608
        + _conflict_clause(columns, key, update)
    )
    if not varying:
        conn.exec_driver_sql(sql)
        return
    if sqlite_images.usable(conn, data.select(varying)):
        # the same statement fed by a SELECT: rows in the same order, the same upserts
        image = sqlite_images.image_of(conn, data.select(varying))
        picked = ", ".join(constants.get(c, c) for c in columns)
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {picked} FROM {image} WHERE true ORDER BY rowid"
            + _conflict_clause(columns, key, update)
        )
        conn.exec_driver_sql(sql)
        return
    rows = list(zip(*(sqlite_values(data.column(c)) for c in varying), strict=True))
    conn.exec_driver_sql(sql, rows)


def _constants(conn: Connection, data: pa.Table) -> dict[str, str]:
    """Columns with one value on every row of ``data`` (a source, a default, all nulls) → that
    value as an SQL literal written by SQLite's own ``quote()``, so that ``executemany`` binds
    only the columns that vary. Binding is most of an insert's cost in Python's ``sqlite3``;
    a literal is stored exactly as the same value bound (same storage class, same affinity)."""
    found: dict[str, str] = {}
    n = data.num_rows
    for name in data.column_names:
        column = data.column(name)
        if column.null_count == n:
            found[name] = "NULL"
            continue
        kind = column.type
        simple = pa.types.is_string(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind)
        if not simple or column.null_count or n < 2:
            continue
        bounds = pc.min_max(column)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if low != high or (isinstance(low, str) and "\x00" in low):
            continue
        value = sqlite_values(column.slice(0, 1))[0]
        found[name] = str(conn.exec_driver_sql("SELECT quote(?)", (value,)).scalar_one())
    return found


def _upsert_postgres(
    conn: Connection, table: str, data: pa.Table, key: tuple[str, ...] | None, update: bool
) -> None:
    columns = data.column_names
    _checked(table, columns)
    temp = f"_ingest_{table}"
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {temp} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
    )
    conn.exec_driver_sql(f"TRUNCATE {temp}")
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {temp} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(copy_csv(data))
    names = ", ".join(columns)
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM {temp}"  # noqa: S608
        + _conflict_clause(columns, key, update)
    )


def mark_partly_returned(conn: Connection, order_ids: Iterable[str]) -> None:
    t = schema.orders
    for part in batched(set(order_ids)):
        conn.execute(
            t.update()
            .where(t.c.id.in_(part), t.c.status == "completed")
            .values(status="partly_returned")
        )
