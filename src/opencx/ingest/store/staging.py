"""A per-import staging table: checked rows go in as fast as the store takes them, then
set-based statements merge them into the canonical tables (``store.order_merge``).

On PostgreSQL the rows arrive by ``COPY`` (psycopg 3 ``cursor.copy``; the order stage's in the
binary format when every value can be encoded exactly, :func:`stage_job`, else CSV written by
Arrow);
on SQLite by one ``executemany`` per chunk into a temporary table without indexes. Either way
the table lives in the import's connection and transaction: a rolled-back import leaves nothing.
Its ``_row`` column numbers the rows in file order (identity / rowid), so "first row of an
order" and "latest earlier line" are questions the database answers.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
from sqlalchemy.engine import Connection

from opencx.ingest.store import behind
from opencx.ingest.store.pg_copy import CopyWrite, copy_csv
from opencx.ingest.store.upserts import sqlite_values

PG_TYPES = {"text": "text", "int": "integer", "money": "numeric", "time": "timestamptz"}
PG_TYPES |= {"bool": "boolean"}

BINARY_TYPES = {"text": "TEXT", "int": "INTEGER", "time": "TIMESTAMP WITH TIME ZONE"}
BINARY_TYPES |= {"bool": "BOOLEAN", "money": "NUMERIC(18, 4)"}
"""Per stage type, the column type whose binary encoding ``pg_copy`` writes. An amount is
encoded only when it is exact at the scale of the canonical tables' amounts (numeric(18, 4),
where every staged amount goes): into the stage's ``numeric`` it is then the same number the
text gave (other text goes as CSV, parsed by the server as before)."""


def create_stage(conn: Connection, name: str, columns: Mapping[str, str]) -> None:
    """Create the temporary table ``name`` with ``columns`` (name → text/int/money/time/bool).

    ``name`` and the column names come from code, never from input data.
    """
    if conn.dialect.name == "postgresql":
        cols = ", ".join(f"{c} {PG_TYPES[t]}" for c, t in columns.items())
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE {name} (_row bigint GENERATED ALWAYS AS IDENTITY, {cols})"
            " ON COMMIT DROP"
        )
    else:
        # no declared types: each value keeps the storage class it was bound with, and the
        # canonical column's affinity converts it on the merge exactly as on a direct insert
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE {name} (_row INTEGER PRIMARY KEY, {', '.join(columns)})"
        )


def stage_job(name: str, columns: Mapping[str, str], data: pa.Table) -> CopyWrite:
    """PostgreSQL: the job (``store.behind``) copying ``data`` into the stage ``name`` made by
    :func:`create_stage` with ``columns``: binary when every column can be encoded exactly (the
    server splits no CSV line and parses no number or time: the 500,000 bench lines of a
    re-import, 2.68-3.28 -> 0.98-1.18 s of server time at load 4.5-5.3), else CSV."""
    return CopyWrite(name, data, {c: BINARY_TYPES[t] for c, t in columns.items()})


def drop_stage(conn: Connection, name: str) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def stage_rows(conn: Connection, name: str, data: pa.Table) -> None:
    """Append ``data`` (columns named as the stage's) to the stage; all-null columns are left
    out (they stay null)."""
    columns = [c for c in data.column_names if data.column(c).null_count < data.num_rows]
    if data.num_rows == 0:
        return
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {name} ({names}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(copy_csv(data.select(columns)))
        return
    rows = zip(*(sqlite_values(data.column(c)) for c in columns), strict=True)
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {name} ({names}) VALUES ({marks})", list(rows))  # noqa: S608


class CopyBehind:
    """PostgreSQL: a chunk's ``COPY`` into the stage, run by the connection's write-behind
    thread (``store.behind``; a thread of its own on a connection without one) while the caller
    checks the next chunk (the client's parsing on one core, the server's on the other).

    On an import's connection every statement first settles the write-behind
    (``store.settle``): it waits for the rows to be in, and a failed copy raises its own error
    there. On a connection without one this returns once the ``COPY`` has begun: it holds the
    driver connection's lock from then to its end (psycopg 3 serialises every operation on a
    connection by that lock), so a statement sent meanwhile waits for the rows too; only
    :meth:`wait` raises the copy's error then. :meth:`wait` ends the copy and raises its error,
    if any.
    """

    def __init__(self, conn: Connection, name: str, data: pa.Table) -> None:
        started = threading.Event()

        def copy(driver: Any) -> None:
            try:
                columns = [
                    c for c in data.column_names if data.column(c).null_count < data.num_rows
                ]
                sql = f"COPY {name} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
                with driver.cursor() as cursor, cursor.copy(sql) as stream:
                    started.set()
                    stream.write(copy_csv(data.select(columns)))
            finally:
                started.set()

        self._conn = conn
        self._own: behind.WriteBehind | None = None
        if not behind.queue_jobs(conn, [copy]):
            self._own = behind.WriteBehind(conn.connection.driver_connection)
            self._own.submit([copy])
            started.wait()  # the copy holds the connection now: later statements queue behind it

    def wait(self) -> None:
        if self._own is not None:
            own, self._own = self._own, None
            try:
                own.settle()
            finally:
                own.close()
        else:
            behind.settle(self._conn)


def analyze(conn: Connection, name: str, columns: tuple[str, ...] = ()) -> None:
    """Give the planner a table's real size before a merge reads it: PostgreSQL never
    auto-analyzes temp tables, and a table filled in this transaction looks empty to it (a
    nested loop over 500,000 staged lines then takes minutes instead of seconds).

    ``columns``: only these get statistics (the row count is always counted): the stage's
    join and grouping keys, not its 17 columns (0.30 -> 0.13 s of server CPU a 500,000-line
    stage, load 4)."""
    conn.exec_driver_sql(f"ANALYZE {name}" + (f" ({', '.join(columns)})" if columns else ""))
