"""The planner's statistics of the canonical tables after an import: which tables it wrote and
how many of their rows, and ``ANALYZE`` of those (when: ``service.statistics``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from opencx.ingest.store.tables import TABLES

ANALYSIS_LIMIT = 1_000
"""SQLite's ``analysis_limit`` for an import's ``ANALYZE``: rows of each index read (about
this many), not all of them. The bench's 500,000 lines: 0.002 s for the four tables against
0.08 s with every row, the same plans and timings of the reads that follow
(bench/RESULTS.md, "Planner statistics after an import")."""


@dataclass(frozen=True, slots=True)
class Written:
    """One table's rows written by an import (inserted, updated or deleted; on SQLite, rows
    added), and the rows it holds afterwards (PostgreSQL: the planner's count)."""

    table: str
    rows: int
    holds: int


def mark(conn: Connection) -> dict[str, int]:
    """Each canonical table's count before an import writes, as the first statement of its
    transaction: on SQLite the largest rowid (the rows it adds go past it); on PostgreSQL the
    rows the connection wrote and did not yet report (``pg_stat_xact_user_tables``: a
    transaction's own writes, plus those of its connection's transactions of the last second
    or so, which the server reports only between transactions)."""
    if conn.dialect.name == "sqlite":
        return {name: _last_rowid(conn, name) for name in TABLES}
    return {name: n for name, n, _ in _pending(conn)}


def written(conn: Connection, before: dict[str, int]) -> list[Written]:
    """The canonical tables written since :func:`mark` gave ``before`` (see :class:`Written`)
    in the same transaction. PostgreSQL: each table's ``reltuples`` too, which the import's
    index builds and ``ANALYZE``s keep current."""
    if conn.dialect.name == "sqlite":
        found = []
        for name, last in before.items():
            now = _last_rowid(conn, name)
            if now > last:
                found.append(Written(name, now - last, now))
        return found
    return [
        Written(name, n - before.get(name, 0), max(n - before.get(name, 0), holds))
        for name, n, holds in _pending(conn)
        if n > before.get(name, 0)
    ]


def analyze_tables(conn: Connection, tables: list[str]) -> None:
    """``ANALYZE`` ``tables`` (canonical tables only), committed. PostgreSQL: one statement
    for all; it takes ``SHARE UPDATE EXCLUSIVE`` locks, which block no reader and no writer
    of rows, and waits at most ``lock_timeout`` for one (a running import's DDL holds them
    longer). SQLite: with :data:`ANALYSIS_LIMIT`, the connection's own limit put back."""
    names = [TABLES[name].name for name in tables]  # KeyError: not a canonical table
    if not names:
        return
    if conn.dialect.name == "sqlite":
        found = conn.exec_driver_sql("PRAGMA analysis_limit").scalar()
        conn.exec_driver_sql(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        try:
            for name in names:
                conn.exec_driver_sql(f"ANALYZE {name}")
            conn.commit()
        finally:
            conn.exec_driver_sql(f"PRAGMA analysis_limit = {int(found or 0)}")
        return
    conn.exec_driver_sql(f"ANALYZE {', '.join(names)}")
    conn.commit()


def _pending(conn: Connection) -> list[tuple[str, int, int]]:
    """PostgreSQL: (table, rows written not yet reported, ``reltuples``) of the canonical
    tables."""
    rows = conn.exec_driver_sql(
        "SELECT s.relname, s.n_tup_ins + s.n_tup_upd + s.n_tup_del, c.reltuples"
        " FROM pg_stat_xact_user_tables s JOIN pg_class c ON c.oid = s.relid"
        " WHERE s.schemaname = current_schema() AND s.relname = ANY(%(names)s)",
        {"names": list(TABLES)},
    ).all()
    return [(str(name), int(n), int(holds)) for name, n, holds in rows]


def _last_rowid(conn: Connection, name: str) -> int:
    return int(conn.exec_driver_sql(f"SELECT max(rowid) FROM {name}").scalar() or 0)  # noqa: S608
