"""Writes of an Arrow table into a canonical table, inside the caller's transaction.

On SQLite one ``executemany`` of ``INSERT ... ON CONFLICT DO UPDATE``; on PostgreSQL ``COPY`` into
a temporary table, then one ``INSERT ... SELECT ... ON CONFLICT``, or, for a few rows (an event's),
one ``INSERT ... VALUES ... ON CONFLICT``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.ingest.store import behind, sqlite_images
from opencx.ingest.store.pg_copy import CopyWrite, copy_csv, csv_text
from opencx.ingest.store.tables import KEYS, TABLES


def upsert(conn: Connection, table: str, data: pa.Table, *, update: bool = True) -> None:
    """Insert ``data`` into ``table``; on a key conflict update the given columns (or skip)."""
    if data.num_rows == 0:
        return
    key = KEYS.get(table)
    if conn.dialect.name == "postgresql":
        _upsert_postgres(conn, table, data, key, update)
    else:
        _upsert_sqlite(conn, table, data, key, update)


def _conflict_clause(
    columns: Sequence[str], key: tuple[str, ...] | None, update: bool, *, unchanged: str = ""
) -> str:
    """The statement's ``ON CONFLICT`` clause. ``unchanged``: the table (SQLite) whose stored
    rows that already hold every updated value are left as they are (``DO UPDATE ... WHERE``
    some value differs): rewriting a row to its own values changes nothing a reader sees, but
    wrote the row, its changed indexes' entries and checked its foreign keys, the most of a
    re-import of unchanged orders."""
    if key is None:
        return ""
    changed = [c for c in columns if c not in key and c != "id"]
    if not update or not changed:
        return f" ON CONFLICT ({', '.join(key)}) DO NOTHING"
    sets = ", ".join(f"{c} = excluded.{c}" for c in changed)
    clause = f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"
    if unchanged:
        # IS NOT: null-safe; both sides carry the column's affinity, so equal values are
        # stored alike
        clause += " WHERE " + " OR ".join(f"{unchanged}.{c} IS NOT excluded.{c}" for c in changed)
    return clause


def sqlite_values(array: pa.ChunkedArray | pa.Array) -> list[Any]:
    values: list[Any] = sqlite_images.stored(array).to_pylist()
    return values


def _checked(table: str, columns: Sequence[str]) -> None:
    """Identifiers in the SQL below come from the schema only, never from input data."""
    unknown = set(columns) - set(TABLES[table].c.keys())
    if unknown:
        raise ValueError(f"{table}: no column(s) {sorted(unknown)}")


def _upsert_sqlite(
    conn: Connection, table: str, data: pa.Table, key: tuple[str, ...] | None, update: bool
) -> None:
    behind.settle(conn)  # the rows a thread is still writing come first
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
    conflict = _conflict_clause(columns, key, update, unchanged=table)
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
    of rows is an ``executemany``), or by ``driver`` itself on a write-behind thread
    (``store.behind``), where SQLAlchemy must not run (its events would wait for the thread)."""
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


def write_behind(
    conn: Connection,
    writes: Sequence[tuple[str, pa.Table, bool]],
    *,
    then: Callable[[], None] | None = None,
    before: Sequence[behind.Job] = (),
) -> None:
    """Run the jobs ``before`` (on the driver connection), upsert each ``(table, data,
    update)`` in order, then call ``then``: queued on the
    connection's write-behind thread where it has one (``store.behind``; ``then`` once the
    writes are done, on this thread, before the commit), else at once.

    ``update`` false: rows the caller looked up and found missing (the customers an import
    creates). On PostgreSQL's write-behind thread they are copied straight into the table
    (``pg_copy.CopyWrite``, encoded ahead), not through a temporary table and ``ON CONFLICT
    DO NOTHING``: a key another writer stored meanwhile then fails the import at once with a
    unique violation naming it, where skipping the row failed it later on the foreign key of a
    row referring to the id it did not get (46,000 customers: 0.52–0.57 → 0.36–0.43 s of
    server CPU)."""
    if not behind.writing_behind(conn):
        for job in before:
            job(conn.connection.driver_connection)
        for table, data, update in writes:
            upsert(conn, table, data, update=update)
        if then is not None:
            then()
        return
    jobs: list[behind.Job] = list(before)
    for table, data, update in writes:
        if data.num_rows == 0:
            continue
        if conn.dialect.name == "postgresql":
            _checked(table, data.column_names)
            if update:
                jobs.append(partial(upsert_job, table=table, data=data, update=update))
            else:
                jobs.append(CopyWrite(table, data))
        else:
            prepared = _prepare_sqlite(conn, table, data, KEYS.get(table), update)
            if prepared.from_image:
                jobs.append(_ImageWrite(prepared))
            else:
                jobs.append(partial(_execute_sqlite, prepared=prepared))
    behind.queue_jobs(conn, jobs, then=then)


class _ImageWrite:
    """An SQLite upsert fed by an image, in two steps (a two-step job of ``store.behind``):
    :meth:`prepare` builds the image without the connection (on the write-behind's builder
    thread, while the writer runs the statements queued before it); calling it with the
    driver connection loads that image and runs the statement (on the writer thread)."""

    def __init__(self, prepared: _SqliteUpsert) -> None:
        self._prepared = prepared
        self._image: bytes | None = None

    def prepare(self) -> None:
        if self._prepared.data is None:  # from_image: the varying columns are the image's
            raise RuntimeError("an image write without rows")  # a bug guard
        self._image = sqlite_images.build(self._prepared.data)

    def __call__(self, driver: Any) -> None:
        image, self._image = self._image, None  # let go of once loaded
        if image is None:
            raise RuntimeError("an image write runs once, after it is prepared")  # bug guard
        with sqlite_images.built_ahead(self._prepared.data, image):
            _execute_sqlite(driver, self._prepared)


def _constants(data: pa.Table) -> dict[str, str]:
    """Columns with one value on every row of ``data`` (a source, a default, all nulls) → that
    value as an SQL literal written as SQLite's own ``quote()`` writes it (a text in single
    quotes, each quote doubled; an integer in decimal), so that only the columns that vary are
    bound. A literal is stored exactly as the same value bound (same storage class, same
    affinity). Made in Python: a statement here would wait for the write-behind thread."""
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
        if column[0] != column[n - 1]:  # an id, a name: varies, told without a pass over it
            continue
        bounds = pc.min_max(column)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if low != high or (isinstance(low, str) and "\x00" in low):
            continue
        value = sqlite_values(column.slice(0, 1))[0]
        found[name] = "'" + value.replace("'", "''") + "'" if isinstance(value, str) else str(value)
    return found


VALUES_ROWS = 64
"""Fewer rows go into PostgreSQL by one ``INSERT ... VALUES`` (:func:`_values_insert`) rather than
a temporary table: an event's order (a customer, an order, its lines) spent 5–6 ms of its 17–19
ms creating, truncating and filling three temporary tables, and each created one wrote and,
dropped at commit, deleted rows of the system catalogs (bench/events.py)."""


def _upsert_postgres(
    conn: Connection, table: str, data: pa.Table, key: tuple[str, ...] | None, update: bool
) -> None:
    columns = data.column_names
    _checked(table, columns)
    if data.num_rows < VALUES_ROWS:
        conn.exec_driver_sql(*_values_insert(table, data, key, update))
        return
    temp = f"_ingest_{table}"
    conn.exec_driver_sql(_temp_like(table))
    conn.exec_driver_sql(f"TRUNCATE {temp}")
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {temp} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(copy_csv(data))
    conn.exec_driver_sql(_insert_from_temp(table, columns, key, update))


def upsert_job(driver: Any, *, table: str, data: pa.Table, update: bool) -> None:
    """:func:`upsert` on PostgreSQL, run on the psycopg connection (a write-behind thread:
    ``store.behind``)."""
    columns = data.column_names
    _checked(table, columns)
    with driver.cursor() as cursor:
        cursor.execute(_temp_like(table))
        cursor.execute(f"TRUNCATE _ingest_{table}")
        with cursor.copy(
            f"COPY _ingest_{table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
        ) as copy:
            copy.write(copy_csv(data))
        cursor.execute(_insert_from_temp(table, columns, KEYS.get(table), update))


def _values_insert(
    table: str, data: pa.Table, key: tuple[str, ...] | None, update: bool
) -> tuple[str, tuple[str | None, ...]]:
    """The statement and parameters that upsert ``data`` as :func:`_insert_from_temp` does from
    its temporary table. Every value is bound as the text ``COPY`` would read (``csv_text``) with
    no type of its own, so PostgreSQL reads it with its column's input function, as ``COPY``
    does (the same rounding of a numeric, the same error for a text too long), and rows of one
    key in ``data`` fail alike (``ON CONFLICT DO UPDATE`` cannot change a row twice)."""
    columns = data.column_names
    texts = [csv_text(data.column(i)).to_pylist() for i in range(len(columns))]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    rows = ", ".join([row] * data.num_rows)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {rows}"  # noqa: S608
    params = tuple(value for values in zip(*texts, strict=True) for value in values)
    return sql + _conflict_clause(columns, key, update), params


def _temp_like(table: str) -> str:
    return (
        f"CREATE TEMP TABLE IF NOT EXISTS _ingest_{table} (LIKE {table} INCLUDING DEFAULTS)"
        " ON COMMIT DROP"
    )


def _insert_from_temp(
    table: str, columns: Sequence[str], key: tuple[str, ...] | None, update: bool
) -> str:
    names = ", ".join(columns)
    return (
        f"INSERT INTO {table} ({names}) SELECT {names} FROM _ingest_{table}"  # noqa: S608
        + _conflict_clause(columns, key, update)
    )


def set_statuses(conn: Connection, ids: list[str], statuses: list[str], given: list[bool]) -> None:
    """Give the orders ``ids`` (written earlier in this import) their ``statuses``, and whether
    their file gave them (``given``): on SQLite queued on the write-behind thread after those
    orders' rows (``store.behind``), else at once."""
    rows = list(zip(statuses, given, ids, strict=True))

    def job(driver: Any) -> None:
        driver.executemany("UPDATE orders SET status = ?, status_given = ? WHERE id = ?", rows)

    if conn.dialect.name == "sqlite" and behind.queue_jobs(conn, [job]):
        return
    params = [{"status": s, "given": g, "id": i} for s, g, i in rows]
    update = "UPDATE orders SET status = :status, status_given = :given WHERE id = :id"
    conn.execute(sa.text(update), params)
