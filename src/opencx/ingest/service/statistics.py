"""Planner statistics after an import: the tables it wrote a good share of are analyzed once it
committed, so the reads that follow (metrics, model fits, a customer's 360 view, dashboards)
are planned on the tables' real sizes and values, not on guesses.

Which tables: an import that wrote at least :data:`ANALYZE_FROM_ROWS` rows in all, each table
of which it wrote at least :data:`ANALYZE_FROM_SHARE` of the rows (PostgreSQL's own rule for
autovacuum's analyze is 10 % of a table's rows, plus 50). Smaller imports leave the
statistics as they are, as does the event API.

When and where (bench/planner_statistics.py, bench/RESULTS.md "Planner statistics after an
import"):

- SQLite: at once on the import's connection after its commit, with ``analysis_limit``
  (``store.statistics``), before the import's checkpoint starts (which then copies its pages
  too; its commit is synced as the import's is): 0.011–0.012 s for the bench's 500,000 lines,
  inside the import's time; it changed no plan of the reads measured, but nothing else ever
  writes ``sqlite_stat1``.
- PostgreSQL: by the job :data:`ANALYZE_JOB`, queued in the import's transaction (so only a
  committed import has one) and run by a worker (``opencx worker``, or the web process's job
  thread) within its poll interval. ``ANALYZE`` of the four tables of the bench's import costs
  0.26 s, 11 % of its 2.35 s (7–34 % from 2,000 to 500,000 lines): more than the import's time
  should carry, so it is not in the import's figure. What it saves: after the bench's import
  ``models fit rfm`` was stopped after 120 s (11 minutes in another run) without statistics,
  5.75 s with; 20 customers' 360 views 2.74 s against 0.53 s.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from opencx.ingest.store import statistics
from opencx.jobs import queue_once

ANALYZE_JOB = "ingest.analyze"

log = logging.getLogger("opencx.ingest")

ANALYZE_FROM_ROWS = 1_000
"""Rows an import writes (all tables together) before any table of it is analyzed. On
PostgreSQL a first import of the bench file's first 2,000 lines (about 4,300 rows in four
tables) left ``models fit rfm`` 1.84 s against 1.39 s analyzed; 10,000 lines 11.4 s against
1.6 s; 50,000 lines 212 s against 2.2 s."""

ANALYZE_FROM_SHARE = 0.1
"""The share of a table's rows (after the import) the import must have written for that
table to be analyzed."""


def mark(conn: Connection) -> dict[str, int]:
    """In the import's transaction, before it writes: what :func:`stale_tables` compares with
    (``store.statistics.mark``)."""
    return statistics.mark(conn)


def stale_tables(conn: Connection, before: dict[str, int]) -> list[str]:
    """The tables the import running on ``conn`` wrote enough of (module docstring), from
    ``store.statistics.mark``'s ``before``, in name order; none if it wrote too few rows."""
    written = statistics.written(conn, before)
    if sum(w.rows for w in written) < ANALYZE_FROM_ROWS:
        return []
    return sorted(w.table for w in written if w.rows >= ANALYZE_FROM_SHARE * w.holds)


def analyze_after(conn: Connection, before: dict[str, int], *, now: datetime) -> list[str]:
    """In the import's transaction, before its commit: the :func:`stale_tables`. On PostgreSQL
    :data:`ANALYZE_JOB` is queued for them (it commits with the import) and none are returned;
    on SQLite they are returned, for :func:`analyze_now` once the import committed."""
    tables = stale_tables(conn, before)
    if not tables or conn.dialect.name == "sqlite":
        return tables
    queue_once(conn, ANALYZE_JOB, now=now, params={"tables": tables})
    return []


def analyze_now(conn: Connection, tables: list[str]) -> None:
    """``ANALYZE`` ``tables`` on ``conn`` (outside any transaction), committed. The import has
    committed: a failure (the store locked by another writer past its busy timeout) is
    logged, not raised, and the statistics are left as they were."""
    try:
        statistics.analyze_tables(conn, tables)
    except DBAPIError as exc:
        conn.rollback()
        log.warning("ANALYZE %s after an import failed: %s", ", ".join(tables), exc)


LOCK_WAIT = "5s"
"""How long the job's ``ANALYZE`` waits for a table's lock: a running import that rebuilds
the table's indexes or keys holds one it conflicts with for as long as the import runs; the
run then fails and is retried later (the job's backoff)."""


def analyze_job(engine: Engine, tables: list[str]) -> str:
    """What :data:`ANALYZE_JOB` does: ``ANALYZE`` ``tables`` on a connection of its own,
    waiting at most :data:`LOCK_WAIT` for each lock."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
        statistics.analyze_tables(conn, tables)
    return f"analyzed {', '.join(tables)}" if tables else "nothing to analyze"
