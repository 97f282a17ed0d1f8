"""A connection tuned for one long write: SQLite pragmas; secondary indexes built after a load."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex

from opencx.ingest.store.tables import TABLES

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


@contextmanager
def merging_into_empty(conn: Connection, tables: Iterable[str]) -> Iterator[set[str]]:
    """On PostgreSQL, merge into each empty table of ``tables`` without its foreign keys and
    secondary indexes, then add them back (each foreign key checked by one query, each index
    built by one sort) before the transaction ends.

    Row-by-row foreign-key triggers cost two thirds of an ``INSERT … SELECT`` of a million
    order lines. Every reference a merge writes comes from a join, and adding the constraint
    back validates all rows at once, so integrity is still proven before the commit. Dropping
    locks the table until the commit; an empty table has no reader to keep waiting.
    On SQLite nothing changes here (see :func:`defer_indexes`). Yields the tables set aside.
    """
    if conn.dialect.name != "postgresql":
        yield set()
        return
    restore: list[str] = []
    emptied: set[str] = set()
    for name in tables:
        t = TABLES[name]
        if conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is not None:
            continue
        emptied.add(name)
        for con_name, definition in conn.exec_driver_sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %(t)s::regclass AND contype = 'f' ORDER BY conname",
            {"t": name},
        ):
            conn.exec_driver_sql(f'ALTER TABLE {name} DROP CONSTRAINT "{con_name}"')
            restore.append(f'ALTER TABLE {name} ADD CONSTRAINT "{con_name}" {definition}')
        for index in sorted(t.indexes, key=lambda i: str(i.name)):
            if not index.unique:
                index.drop(conn)
                restore.append(str(CreateIndex(index).compile(dialect=conn.dialect)))
    yield emptied
    for statement in restore:
        conn.exec_driver_sql(statement)
