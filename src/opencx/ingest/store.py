"""Bulk reads and writes of the canonical tables for imports (SQLAlchemy Core + driver fast paths).

Lookups take a set of keys and answer in batches of ``IN (...)`` queries, never one query per
row. Writes take an Arrow table: on SQLite one ``executemany`` of ``INSERT ... ON CONFLICT DO
UPDATE``; on PostgreSQL ``COPY`` into a temporary table, then one ``INSERT ... SELECT ... ON
CONFLICT``. Both run inside the caller's transaction.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db import schema

BATCH = 500
TABLES: dict[str, sa.Table] = {t.name: t for t in schema.metadata.sorted_tables}
KEYS: dict[str, tuple[str, ...]] = {
    "customers": ("source", "external_id"),
    "products": ("source", "external_id"),
    "orders": ("source", "external_id"),
    "order_lines": ("order_id", "line_no"),
    "subscriptions": ("source", "external_id"),
    "interactions": ("source", "external_id"),
    "cases": ("source", "external_id"),
    "responses": ("source", "external_id"),
    "answers": ("response_id", "question_key"),
}


def _batches(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = list(values)
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def has_rows(conn: Connection, table: str, source: str) -> bool:
    """Whether ``table`` holds any row of ``source`` (if not, lookups by id can be skipped)."""
    t = TABLES[table]
    query = sa.select(sa.literal(1)).select_from(t).where(t.c.source == source).limit(1)
    return conn.execute(query).first() is not None


def ids_by_external_id(
    conn: Connection, table: str, source: str, external_ids: Iterable[str]
) -> dict[str, str]:
    """``external_id → id`` for the rows of ``source`` in ``table`` among ``external_ids``."""
    t = TABLES[table]
    found: dict[str, str] = {}
    for part in _batches(external_ids):
        query = sa.select(t.c.external_id, t.c.id).where(
            t.c.source == source, t.c.external_id.in_(part)
        )
        found.update({ext: id_ for ext, id_ in conn.execute(query)})
    return found


def ids_any_source(
    conn: Connection, table: str, external_ids: Iterable[str], prefer_source: str
) -> dict[str, str]:
    """Rows by external id in any source; ``prefer_source`` wins, then the first source.

    Merged-away customers are skipped: a reference lands on the surviving customer's row.
    """
    t = TABLES[table]
    found: dict[str, tuple[bool, str, str]] = {}
    for part in _batches(external_ids):
        query = sa.select(t.c.external_id, t.c.id, t.c.source).where(t.c.external_id.in_(part))
        if table == "customers":
            query = query.where(t.c.merged_into.is_(None))
        for ext, id_, source in conn.execute(query):
            rank = (source != prefer_source, source, id_)
            if ext not in found or rank < found[ext]:
                found[ext] = rank
    return {ext: rank[2] for ext, rank in found.items()}


def erased_customers(conn: Connection, ids: Iterable[str]) -> set[str]:
    """The customers among ``ids`` whose personal data was erased (``erased_at`` set)."""
    t = schema.customers
    found: set[str] = set()
    for part in _batches(ids):
        query = sa.select(t.c.id).where(t.c.id.in_(part), t.c.erased_at.is_not(None))
        found.update(conn.execute(query).scalars())
    return found


def line_ids(conn: Connection, order_ids: Iterable[str]) -> dict[tuple[str, int], str]:
    """``(order_id, line_no) → line id`` of existing lines of ``order_ids``."""
    t = schema.order_lines
    found: dict[tuple[str, int], str] = {}
    for part in _batches(order_ids):
        query = sa.select(t.c.order_id, t.c.line_no, t.c.id).where(t.c.order_id.in_(part))
        found.update({(o, n): id_ for o, n, id_ in conn.execute(query)})
    return found


def lines_by_sku(conn: Connection, order_ids: Iterable[str]) -> dict[tuple[str, str], str]:
    """``(order_id, sku) → id`` of the first positive line per sku of ``order_ids``."""
    t = schema.order_lines
    found: dict[tuple[str, str], str] = {}
    for part in _batches(order_ids):
        query = (
            sa.select(t.c.order_id, t.c.sku, t.c.id)
            .where(t.c.order_id.in_(part), t.c.quantity > 0)
            .order_by(t.c.line_no.desc())
        )
        found.update({(o, s): id_ for o, s, id_ in conn.execute(query)})
    return found


def survey_ids(conn: Connection, keys: Iterable[str]) -> dict[str, str]:
    """``key → id`` of the latest version of each survey."""
    t = schema.surveys
    found: dict[str, tuple[int, str]] = {}
    for part in _batches(keys):
        for key, version, id_ in conn.execute(
            sa.select(t.c.key, t.c.version, t.c.id).where(t.c.key.in_(part))
        ):
            if key not in found or version > found[key][0]:
                found[key] = (version, id_)
    return {k: v[1] for k, v in found.items()}


def question_types(conn: Connection, survey_ids_: Iterable[str]) -> dict[tuple[str, str], str]:
    t = schema.survey_questions
    found: dict[tuple[str, str], str] = {}
    for part in _batches(survey_ids_):
        query = sa.select(t.c.survey_id, t.c.key, t.c.type).where(t.c.survey_id.in_(part))
        found.update({(s, k): ty for s, k, ty in conn.execute(query)})
    return found


def existing_case_events(conn: Connection, case_ids: Iterable[str]) -> set[tuple[Any, ...]]:
    t = schema.case_events
    found: set[tuple[Any, ...]] = set()
    for part in _batches(case_ids):
        query = sa.select(t.c.case_id, t.c.at, t.c.kind, t.c.actor, t.c.body)
        found.update(tuple(r) for r in conn.execute(query.where(t.c.case_id.in_(part))))
    return found


def mark_partly_returned(conn: Connection, order_ids: Iterable[str]) -> None:
    t = schema.orders
    for part in _batches(set(order_ids)):
        conn.execute(
            t.update()
            .where(t.c.id.in_(part), t.c.status == "completed")
            .values(status="partly_returned")
        )


BULK_CACHE_KIB = 65_536
"""SQLite page cache of an import connection (64 MiB; the default is 2 MiB)."""

DEFERRABLE: dict[str, tuple[str, ...]] = {"orders": ("orders",), "interactions": ("interactions",)}
"""Per kind, the tables whose secondary indexes may be built after the load (on SQLite, when the
table starts empty). Only tables that no event handler searches by those indexes mid-import."""


def begin_bulk(conn: Connection) -> None:
    """Tune a connection for one long write, before its transaction begins.

    On SQLite, no foreign-key checks row by row (every reference an import writes was looked
    up in the same transaction first), and a 64 MiB page cache instead of 2 MiB, so index pages
    of a large load are not spilled to the WAL and read back again and again. Durability is
    unchanged (``synchronous`` stays as the engine set it).
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        conn.commit()


def end_bulk(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA foreign_keys = ON")
        conn.exec_driver_sql("PRAGMA cache_size = -2000")
        conn.commit()


def defer_indexes(conn: Connection, kind: str) -> list[sa.Index]:
    """On SQLite, drop the secondary indexes of the empty tables ``kind`` fills; return them.

    Building an index once after the load (one sort) is much cheaper than inserting a million
    rows into it in random order. Unique indexes stay: they back the upserts' ``ON CONFLICT``.
    DDL is transactional in SQLite, so a rolled-back import gets the indexes back;
    :func:`restore_indexes` must run before the commit.
    """
    if conn.dialect.name != "sqlite":
        return []  # on PostgreSQL, DROP INDEX would lock readers out for the whole import
    dropped: list[sa.Index] = []
    driver = conn.connection.driver_connection
    for name in DEFERRABLE.get(kind, ()):
        t = TABLES[name]
        if conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is not None:
            continue
        if not driver.in_transaction:  # type: ignore[union-attr]
            # pysqlite opens its implicit transaction before DML only: DDL would autocommit
            driver.execute("BEGIN")  # type: ignore[union-attr]
        for index in sorted(t.indexes, key=lambda i: str(i.name)):
            if not index.unique:
                index.drop(conn)
                dropped.append(index)
    return dropped


def restore_indexes(conn: Connection, indexes: Iterable[sa.Index]) -> None:
    for index in indexes:
        index.create(conn)


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


def _sqlite_column(array: pa.ChunkedArray | pa.Array) -> list[Any]:
    if pa.types.is_timestamp(array.type):
        # SQLAlchemy's stored text of UtcDateTime on SQLite: naive UTC "YYYY-MM-DD HH:MM:SS.ffffff"
        # (a plain cast of the UTC values: ~30x faster than strftime, same text)
        array = pc.cast(pc.cast(array, pa.timestamp("us")), pa.string())
    elif pa.types.is_boolean(array.type):
        array = pc.cast(array, pa.int8())
    values: list[Any] = array.to_pylist()
    return values


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
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
        + _conflict_clause(columns, key, update)
    )
    rows = list(zip(*(_sqlite_column(data.column(c)) for c in columns), strict=True))
    conn.exec_driver_sql(sql, rows)


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
    buffer = io.BytesIO()
    pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {temp} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())
    names = ", ".join(columns)
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM {temp}"  # noqa: S608
        + _conflict_clause(columns, key, update)
    )


def start_import(
    conn: Connection, *, id_: str, kind: str, file_name: str, sha256: str, at: datetime
) -> None:
    conn.execute(
        schema.imports.insert().values(
            id=id_, kind=kind, file_name=file_name, file_sha256=sha256, started_at=at,
            status="running",
        )
    )  # fmt: skip


def finish_import(conn: Connection, id_: str, **values: Any) -> None:
    conn.execute(schema.imports.update().where(schema.imports.c.id == id_).values(**values))


def question_scales(
    conn: Connection, survey_ids_: Iterable[str]
) -> dict[tuple[str, str], tuple[str, int | None, int | None]]:
    """(survey id, question key) → (type, scale_min, scale_max) of the surveys' questions."""
    t = schema.survey_questions
    found: dict[tuple[str, str], tuple[str, int | None, int | None]] = {}
    for part in _batches(survey_ids_):
        query = sa.select(t.c.survey_id, t.c.key, t.c.type, t.c.scale_min, t.c.scale_max)
        for s, k, ty, lo, hi in conn.execute(query.where(t.c.survey_id.in_(part))):
            found[(s, k)] = (ty, lo, hi)
    return found
