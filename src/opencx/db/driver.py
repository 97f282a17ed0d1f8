"""Statements on the psycopg connection under a SQLAlchemy one, and the unit of work built on it.

SQLAlchemy Core wraps every statement in an execution context, a result and its metadata; on a
path that runs a few statements per request (a survey answer, a ledger write) that wrapping costs
more CPU than PostgreSQL spends on the statements. A store may run such a path's statements on
the driver's connection instead, with the helpers here, and stay honest about it:

- :func:`driver` hands out the psycopg connection; its errors come out as SQLAlchemy's (an
  ``IntegrityError`` as from any statement), and a connection the server dropped is invalidated,
  so the pool replaces it.
- :func:`announce` shows a statement to SQLAlchemy's ``before_cursor_execute`` listeners, as if
  SQLAlchemy had run it: whatever watches every statement (the suite's table-ownership guard)
  sees these too. This module's frames are skipped when the guard looks for the writer.
- :func:`autocommit` lends a unit of work that sends its own ``BEGIN`` and ``COMMIT`` (this
  module's :func:`pipelined`, the loyalty ledger's ``single_write``) the connection in
  autocommit mode, and on the way out rolls back, invalidates and restores it the one way.
- :func:`rollback` rolls back through libpq: psycopg's own ``rollback()`` forgets every prepared
  statement of the connection (and sends ``DEALLOCATE ALL``), so the next transactions would have
  each statement parsed and planned again.

:func:`pipelined` is a unit of work made for a request that reads, decides, then writes (a
survey answer): on PostgreSQL its reads run as they come, outside any transaction, and its
writes travel together at the end: one write alone is one statement (atomic by itself), several
go out in one pipeline with one sync point, which PostgreSQL runs as one implicit transaction:
one round trip, no ``BEGIN`` or ``COMMIT``. A read-then-write answer is two
round trips and no ``BEGIN``/``COMMIT`` of its own. Reads before the first write see committed
data, as every statement does in READ COMMITTED, and hold no locks: a unit that must lock (``FOR
UPDATE``) or run other statements after a write gets a real transaction at that point (see
:func:`pipelined`).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:  # imported where a PostgreSQL connection is used: a SQLite command loads none
    import psycopg

#: libpq's PQTRANS_IDLE, as psycopg.pq.TransactionStatus.IDLE (an IntEnum) compares equal to it
IDLE = 0
_UNIT = "opencx_pipeline"  # key in the pooled connection's info while a unit runs on it
_WATCHED: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines given to watch()


@contextmanager
def driver(conn: Connection, statement: str) -> Iterator[psycopg.Connection[Any]]:
    """The psycopg connection under ``conn``; a psycopg error inside comes out as SQLAlchemy's
    (naming ``statement``), and a connection the server dropped is invalidated."""
    import psycopg

    raw = _psycopg(conn)
    try:
        yield raw
    except psycopg.Error as exc:
        raise _failed(conn, raw, statement, exc) from exc


def _failed(
    conn: Connection, raw: psycopg.Connection[Any], statement: str | None, exc: psycopg.Error
) -> sa.exc.StatementError:
    """SQLAlchemy's error for ``exc`` raised by ``statement`` (None: not known) on ``raw``,
    the connection under ``conn``; a dropped connection is invalidated."""
    import psycopg

    dropped = conn.dialect.is_disconnect(cast(Any, exc), cast(Any, raw), None)
    if dropped and not conn.invalidated:
        conn.invalidate(exc)
    return sa.exc.DBAPIError.instance(
        statement, None, exc, psycopg.Error, connection_invalidated=dropped
    )


@dataclass(slots=True)
class Pipeline:
    """Statements sent in psycopg's pipeline mode (one round trip), each remembered with its
    cursor so that a failure names the statement that failed."""

    raw: psycopg.Connection[Any]
    statements: list[str] = field(default_factory=list)
    cursors: list[psycopg.Cursor[Any]] = field(default_factory=list)

    def execute(self, statement: str, parameters: Any = None) -> psycopg.Cursor[Any]:
        self.statements.append(statement)
        cursor = self.raw.execute(statement, parameters)
        self.cursors.append(cursor)
        return cursor

    def failing(self, exc: psycopg.Error) -> str:
        """What ``exc`` came from. PostgreSQL answers a pipeline's statements in order and
        skips those after an error, and psycopg gives a cursor its result only once the result
        is checked: an error the server reported belongs to the first statement without a
        result. An error with no statement to blame (the connection lost, a failure at the
        sync point) names the pipeline: the statements sent (or being sent) so far."""
        if exc.sqlstate is not None:
            for cursor, statement in zip(self.cursors, self.statements, strict=False):
                if cursor.pgresult is None:
                    return statement
        return "-- a pipeline of\n" + ";\n".join(self.statements)


@contextmanager
def pipeline(conn: Connection) -> Iterator[Pipeline]:
    """A :class:`Pipeline` on the psycopg connection under ``conn``; a psycopg error comes out
    as SQLAlchemy's, naming the statement that failed (see :meth:`Pipeline.failing`)."""
    import psycopg

    sent = Pipeline(_psycopg(conn))
    try:
        with sent.raw.pipeline():
            yield sent
    except psycopg.Error as exc:
        raise _failed(conn, sent.raw, sent.failing(exc), exc) from exc


def _psycopg(conn: Connection) -> psycopg.Connection[Any]:
    import psycopg

    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    return raw


def announce(conn: Connection, statement: str, parameters: Any) -> None:
    """Show a statement run beside SQLAlchemy to its ``before_cursor_execute`` listeners."""
    for listener in conn.dispatch.before_cursor_execute:
        listener(conn, None, statement, parameters, None, False)


def rollback(raw: psycopg.Connection[Any]) -> None:
    """ROLLBACK through libpq, keeping the prepared statements; nothing when idle."""
    import psycopg

    if raw.closed or raw.broken:
        raise psycopg.OperationalError("the connection was closed")
    if raw.info.transaction_status == IDLE:
        return
    result = raw.pgconn.exec_(b"ROLLBACK")
    if result.status != psycopg.pq.ExecStatus.COMMAND_OK:
        raise psycopg.OperationalError(result.get_error_message())


def rollback_or_invalidate(conn: Connection, raw: psycopg.Connection[Any]) -> None:
    """:func:`rollback` ``raw`` (under ``conn``); a connection that cannot roll back is gone
    or unusable, and is invalidated (once), so the pool replaces it."""
    import psycopg

    try:
        rollback(raw)
    except psycopg.Error:
        if not conn.invalidated:
            conn.invalidate()


@contextmanager
def autocommit(
    conn: Connection, user: str, mark: str
) -> Iterator[tuple[psycopg.Connection[Any], dict[Any, Any]]]:
    """The psycopg connection under ``conn`` (fresh from the pool, outside any transaction)
    in autocommit mode, for a unit of work that sends its own ``BEGIN`` and ``COMMIT`` (or
    none), with the connection's ``info`` where the unit keeps its state under ``mark``.

    A psycopg error from the body comes out as SQLAlchemy's (statements run through
    :func:`driver` or :func:`pipeline` are named there). If the body raises, whatever
    transaction it left open is rolled back through libpq
    (:func:`rollback`, keeping the prepared statements); a connection that cannot roll back is
    invalidated, so the pool replaces it. On leaving, ``mark`` is removed from the ``info``
    taken on entry (an invalidated connection would reconnect to reach it through ``conn``)
    and an idle connection leaves autocommit mode. ``user`` names the caller in the error for
    a connection already in a transaction.
    """
    import psycopg

    raw = _psycopg(conn)
    if raw.info.transaction_status != IDLE:
        raise RuntimeError(f"{user} needs a connection outside any transaction")
    raw.autocommit = True
    info = conn.info
    try:
        yield raw, info
    except psycopg.Error as exc:  # run on ``raw`` by the body itself: no statement to name
        failed = _failed(conn, raw, None, exc)
        rollback_or_invalidate(conn, raw)
        raise failed from exc
    except BaseException:
        rollback_or_invalidate(conn, raw)
        raise
    finally:
        info.pop(mark, None)
        if not (raw.closed or raw.broken) and raw.info.transaction_status == IDLE:
            raw.autocommit = False


@dataclass(slots=True)
class _Unit:
    """A :func:`pipelined` unit on PostgreSQL: its driver connection and its queued writes."""

    raw: psycopg.Connection[Any]
    writes: list[tuple[str, Any]] = field(default_factory=list)
    begun: bool = (
        False  # a transaction is open on the server (a lock, or a statement after a write)
    )


def in_unit(conn: Connection) -> bool:
    """Whether ``conn`` runs a :func:`pipelined` unit on PostgreSQL (then a store may use
    :func:`read` and :func:`write`)."""
    return _UNIT in conn.info


def aware(parameters: Mapping[str, Any]) -> Mapping[str, Any]:
    """``parameters`` once every time among them has a zone: what ``UtcDateTime`` refuses on
    SQLAlchemy's path is refused here too (a naive time would be read in the session's zone)."""
    for name, value in parameters.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} given for {name}; use UTC-aware values"
            )
    return parameters


def read(conn: Connection, statement: str, parameters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Run a read in the unit (after sending its queued writes, so it sees them); its rows."""
    unit: _Unit = conn.info[_UNIT]
    announce(conn, statement, aware(parameters))
    if unit.writes:
        _begin(conn, unit)
    with driver(conn, statement) as raw:
        return raw.execute(statement, parameters).fetchall()


def write(conn: Connection, statement: str, parameters: Mapping[str, Any]) -> None:
    """Queue a write (no ``RETURNING``): it goes out with the unit's end, or before its next
    statement."""
    unit: _Unit = conn.info[_UNIT]
    announce(conn, statement, aware(parameters))
    unit.writes.append((statement, parameters))


def _begin(conn: Connection, unit: _Unit) -> None:
    """Open the unit's transaction (once) and send its queued writes, in one round trip; a
    failed write raises here."""
    writes, unit.writes = unit.writes, []
    with pipeline(conn) as sent:
        if not unit.begun:
            sent.execute("BEGIN")
            unit.begun = True
        for statement, parameters in writes:
            sent.execute(statement, parameters)


def _end(conn: Connection, unit: _Unit) -> None:
    """Send the queued writes with the commit: one round trip. Outside a transaction, one write
    is its own transaction, and several sent as one pipeline (one sync point) are one implicit
    transaction: a failure rolls back those that ran and skips the rest (libpq's pipeline mode),
    with no ``BEGIN`` and ``COMMIT`` to send."""
    writes = unit.writes
    if not writes and not unit.begun:
        return
    if len(writes) == 1 and not unit.begun:
        with driver(conn, writes[0][0]) as raw:
            raw.execute(*writes[0])
        return
    with pipeline(conn) as sent:
        for statement, parameters in writes:
            sent.execute(statement, parameters)
        if unit.begun:
            sent.execute("COMMIT")


def _before_statement(
    conn: Connection,
    cursor: Any,
    _statement: str,
    _parameters: Any,
    context: Any,
    _executemany: bool,
) -> None:
    """A statement SQLAlchemy runs inside a unit: a write, a locking read or any statement
    after a queued write gets the unit's transaction first (with the queued writes sent), so
    it commits or rolls back with the rest and sees what the unit wrote."""
    if cursor is None:  # an announcement (this module's own statements)
        return
    unit = conn.info.get(_UNIT)
    if unit is None or (unit.begun and not unit.writes):
        return
    if unit.writes or not _plain_read(context):
        _begin(conn, unit)


def _plain_read(context: Any) -> bool:
    compiled = getattr(context, "compiled", None)
    if compiled is None or context.isinsert or context.isupdate or context.isdelete:
        return False  # a textual statement counts as a write
    select = getattr(compiled, "statement", None)
    return isinstance(select, sa.Select) and select._for_update_arg is None


def watch(engine: Engine) -> None:
    """Have :func:`pipelined` units on ``engine`` see the statements SQLAlchemy runs in them
    (``create_engine_from_url`` calls it once, for a PostgreSQL engine)."""
    event.listen(engine, "before_cursor_execute", _before_statement)
    _WATCHED.add(engine)


@contextmanager
def pipelined(engine: Engine) -> Iterator[Connection]:
    """One unit of work whose writes travel together at its end (see the module's docstring).

    On PostgreSQL the connection runs in autocommit meanwhile. A store runs the unit's hot
    statements with :func:`read` and :func:`write`; statements through SQLAlchemy work too:
    reads as they come, and a write, a locking read or any statement after a queued write first
    opens a transaction (``BEGIN`` with the queued writes: one round trip), which the unit's end
    commits. A failing write raises where it is sent (at the end, or before the next statement)
    and undoes the whole unit; so does an exception in the caller. The connection goes back to
    the pool as it came, its prepared statements kept. On SQLite, where a statement is a
    function call, it is an ordinary transaction.
    """
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            yield conn
        return
    if engine not in _WATCHED:
        raise RuntimeError(
            "pipelined needs an engine made by create_engine_from_url, which has it see the"
            " statements SQLAlchemy runs"
        )
    with engine.connect() as conn, autocommit(conn, "pipelined", _UNIT) as (raw, info):
        unit = info[_UNIT] = _Unit(raw)
        yield conn
        _end(conn, unit)


def columns(names: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    """A row read with :func:`read` as a mapping of its column names."""
    return dict(zip(names, row, strict=True))
