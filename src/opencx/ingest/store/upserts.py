"""Writes of an Arrow table into a canonical table, inside the caller's transaction.

On SQLite one ``executemany`` of ``INSERT ... ON CONFLICT DO UPDATE``; on PostgreSQL ``COPY`` into
a temporary table, then one ``INSERT ... SELECT ... ON CONFLICT``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import event
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
    settle(conn)  # the rows a thread is still writing come first
    prepared = _prepare_sqlite(conn, table, data, key, update)
    # through SQLAlchemy: its errors (DBAPIError) are those callers handle, e.g. a lost race
    _execute_sqlite(conn.connection.driver_connection, prepared, conn.exec_driver_sql)


@dataclass(frozen=True)
class _SqliteUpsert:
    sql: str
    data: pa.Table | None  # the columns that vary (None: every column is one literal)
    from_image: bool  # the statement SELECTs ``data`` from its image; else binds its rows


def _prepare_sqlite(
    conn: Connection, table: str, data: pa.Table, key: tuple[str, ...] | None, update: bool
) -> _SqliteUpsert:
    columns = data.column_names
    _checked(table, columns)
    constants = _constants(data)
    varying = [c for c in columns if c not in constants]
    conflict = _conflict_clause(columns, key, update)
    names = ", ".join(columns)
    if varying and sqlite_images.usable(conn, data.select(varying)):
        # the same statement fed by a SELECT: rows in the same order, the same upserts
        picked = ", ".join(constants.get(c, c) for c in columns)
        sql = f"INSERT INTO {table} ({names}) SELECT {picked} FROM {sqlite_images.ROWS}"  # noqa: S608
        sql += f" WHERE true ORDER BY rowid{conflict}"
        return _SqliteUpsert(sql, data.select(varying), True)
    values = ", ".join(constants.get(c, "?") for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({values}){conflict}"  # noqa: S608
    return _SqliteUpsert(sql, data.select(varying) if varying else None, False)


def _execute_sqlite(
    driver: Any, prepared: _SqliteUpsert, execute: Callable[..., Any] | None = None
) -> None:
    """Run ``prepared``: its image (if any) loaded into ``driver``, the DBAPI connection, then
    its statement run by ``execute`` (``exec_driver_sql`` of the caller's connection: a list
    of rows is an ``executemany``), or by ``driver`` itself on a :class:`WriteBehind` thread,
    where SQLAlchemy must not run (its events would wait for the thread)."""
    rows = None
    if prepared.from_image:
        sqlite_images.image_of(driver, prepared.data)
    elif prepared.data is not None:
        rows = list(zip(*(sqlite_values(c) for c in prepared.data.columns), strict=True))
    if execute is not None:
        execute(prepared.sql, rows)
    elif rows is None:
        driver.execute(prepared.sql)
    else:
        driver.executemany(prepared.sql, rows)


_WRITER = "opencx_write_behind"


class WriteBehind:
    """SQLite: upserts run in order by one thread while the caller goes on (reads and checks
    the next chunk: Arrow's parsing on one core, SQLite's B-trees on the other; ``sqlite3`` and
    the ADBC driver let go of the GIL while they work).

    Any statement on the connection (its ``before_cursor_execute``), a commit and a rollback
    first wait for every queued write (:func:`settle`): the statements run in the order they
    were issued, a failed write raises in the caller (so no commit follows it; the writes
    queued after it are skipped) and a rollback still undoes everything. Only on a connection
    prepared by :func:`begin_writing_behind` (a file import's); elsewhere upserts run at once.

    What must follow a write (``then``: an event whose handlers read the rows) runs on the
    caller's thread once the write is done, at the next :meth:`submit` or explicit
    :func:`settle`, when nothing is queued: its statements wait for nothing, and the write
    itself overlaps whatever the caller did in between.
    """

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-write-behind")
        self._queued: list[Future[None]] = []
        self._then: list[Callable[[], None]] = []
        self._failed = False

    def submit(self, prepared: list[_SqliteUpsert], then: Callable[[], None] | None) -> None:
        """Queue a chunk's writes once the chunk before it is written: one chunk is written
        while the next is read, never more, so memory stays bounded by the chunk size (a chunk
        that runs no statement would otherwise queue the whole file). A failed write is kept
        for :meth:`settle` to raise."""
        self._queued = [f for f in self._queued if f.exception() is not None]  # waits for each
        if not self._queued:
            self._follow()
        self._queued.append(self._thread.submit(self._write, prepared))
        if then is not None:
            self._then.append(then)

    def _follow(self) -> None:
        """Run what follows the writes done (they are, and nothing is queued)."""
        while self._then:
            self._then.pop(0)()

    def _write(self, prepared: list[_SqliteUpsert]) -> None:
        if self._failed:
            return
        try:
            for statement in prepared:
                _execute_sqlite(self._driver, statement)
        except BaseException:
            self._failed = True
            raise

    def settle(self, *, raise_error: bool = True, follow: bool = False) -> None:
        """Wait for every queued write; raise the first error (unless ``raise_error`` is off);
        then, with ``follow``, run what follows them (not from within another statement's
        event: it may run statements)."""
        queued, self._queued = self._queued, []
        errors = [f.exception() for f in queued]  # each waits for its write to end
        self._failed = False
        error = next((e for e in errors if e is not None), None)
        if error is not None:
            self.discard()  # the import fails: nothing follows
            if raise_error:
                raise error
        if follow:
            self._follow()

    def pending(self) -> bool:
        """Whether something must still follow a write (a commit then would skip it)."""
        return bool(self._then)

    def discard(self) -> None:
        """Forget what was to follow the writes (they are being rolled back)."""
        self._then.clear()

    def close(self) -> None:
        self.discard()
        self.settle(raise_error=False)
        self._thread.shutdown()


def write_behind(
    conn: Connection,
    writes: Sequence[tuple[str, pa.Table, bool]],
    *,
    then: Callable[[], None] | None = None,
) -> None:
    """Upsert each ``(table, data, update)`` in order, then call ``then``: queued on the
    connection's :class:`WriteBehind` where it has one (``then`` once the writes are done, on
    this thread, before the commit), else at once."""
    writer: WriteBehind | None = conn.info.get(_WRITER)
    if writer is None:
        for table, data, update in writes:
            upsert(conn, table, data, update=update)
        if then is not None:
            then()
        return
    writer.submit(
        [
            _prepare_sqlite(conn, table, data, KEYS.get(table), update)
            for table, data, update in writes
            if data.num_rows
        ],
        then,
    )


def settle(conn: Connection, *, raise_error: bool = True) -> None:
    """Wait for the writes queued on ``conn``, if any; raise the first error; run what follows
    them (see :func:`write_behind`)."""
    writer: WriteBehind | None = conn.info.get(_WRITER)
    if writer is not None:
        writer.settle(raise_error=raise_error, follow=True)


def _settle_before_statement(conn: Connection, *_args: Any) -> None:
    writer: WriteBehind | None = conn.info.get(_WRITER)
    if writer is not None:
        writer.settle()  # only waits: what follows the writes runs at an explicit settle


def _settle_before_commit(conn: Connection) -> None:
    writer: WriteBehind | None = conn.info.get(_WRITER)
    if writer is not None:
        writer.settle()
        if writer.pending():
            raise RuntimeError("a write's follow-up has not run: call store.settle before commit")


def _settle_before_rollback(conn: Connection) -> None:
    writer: WriteBehind | None = conn.info.get(_WRITER)
    if writer is not None:
        writer.settle(raise_error=False)  # everything is undone anyway
        writer.discard()


_LISTENERS = (
    ("before_cursor_execute", _settle_before_statement),
    ("commit", _settle_before_commit),
    ("rollback", _settle_before_rollback),
)


def begin_writing_behind(conn: Connection) -> None:
    """Give ``conn`` (SQLite, images attached) a :class:`WriteBehind` for :func:`write_behind`."""
    for name, listener in _LISTENERS:
        event.listen(conn, name, listener)
    conn.info[_WRITER] = WriteBehind(conn.connection.driver_connection)


def end_writing_behind(conn: Connection) -> None:
    writer: WriteBehind | None = conn.info.pop(_WRITER, None)
    if writer is not None:
        writer.close()
        for name, listener in _LISTENERS:
            event.remove(conn, name, listener)


def _constants(data: pa.Table) -> dict[str, str]:
    """Columns with one value on every row of ``data`` (a source, a default, all nulls) → that
    value as an SQL literal written as SQLite's own ``quote()`` writes it (a text in single
    quotes, each quote doubled; an integer in decimal), so that only the columns that vary are
    bound. A literal is stored exactly as the same value bound (same storage class, same
    affinity). Made in Python: a statement here would wait for a :class:`WriteBehind`."""
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
        found[name] = "'" + value.replace("'", "''") + "'" if isinstance(value, str) else str(value)
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
