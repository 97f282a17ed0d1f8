"""A ledger write's reads and its append, in as few round trips as the store allows.

On PostgreSQL the hot path (every earn, spend, redeem, transfer ...) runs on the psycopg
connection under the SQLAlchemy one, with statements written once here: the member's row lock,
then the key's entry with the member's open lots and debts, go out in one pipeline (one round
trip), and the entry with its lot and allocations is one statement. In READ COMMITTED each
statement of the pipeline takes its snapshot when it starts, so the key and the open state are
read *after* the lock is granted: a writer of the same member that committed while this one
waited is seen. A transaction that is one write and nothing else (:func:`single_write`) sends
its ``BEGIN`` with the reads and its ``COMMIT`` with the append: two round trips in all. SQLite
(one writer at a time) runs the same reads through SQLAlchemy Core.

Nothing here decides anything: the domain core plans the entry from what :func:`lock_for_write`
read, and :func:`append` inserts what it planned.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.driver import (
    IDLE,
    announce,
    autocommit,
    driver,
    pipeline,
    rollback_or_invalidate,
)
from opencx.db.types import MONEY
from opencx.loyalty.domain import Entry, Lot, MemberState
from opencx.loyalty.store.ledger import (
    allocations,
    entries,
    lots,
    members,
    open_state,
    programs,
    state_of_rows,
)


@dataclass(frozen=True, slots=True)
class Keyed:
    """The entry an idempotency key already wrote."""

    id: str
    member_id: str
    kind: str
    points: int
    at: datetime
    request_hash: str | None


@dataclass(frozen=True, slots=True)
class Locked:
    """What a write reads under the member's lock: its status (None: no such member), the
    key's earlier entry, the program document's text and the member's open state."""

    status: str | None
    existing: Keyed | None
    program_text: str | None
    state: MemberState


def lock_for_write(conn: Connection, member_id: str, key: str) -> Locked:
    """Lock the member's row (serialising its writers) and read what a write needs."""
    if conn.dialect.name == "postgresql":
        return _lock_for_write_pg(conn, member_id, key)
    row = conn.execute(_LOCK, {"member": member_id}).first()
    existing = conn.execute(_KEY, {"key": key}).first()
    return Locked(
        None if row is None else row.status,
        None if existing is None else _keyed(existing),
        None if row is None else row.program_text,
        open_state(conn, member_id),
    )


_LOCK = (
    sa.select(
        members.c.status,
        sa.select(sa.cast(programs.c.document, sa.Text))
        .where(programs.c.id == "default")
        .scalar_subquery()
        .label("program_text"),
    )
    .where(members.c.id == sa.bindparam("member"))
    .with_for_update()
)
_KEY = sa.select(
    entries.c.id,
    entries.c.member_id,
    entries.c.kind,
    entries.c.points,
    entries.c.at,
    entries.c.request_hash,
).where(entries.c.idempotency_key == sa.bindparam("key"))


def key_entry(conn: Connection, key: str) -> Keyed | None:
    """The entry ``key`` already wrote, alone (a member enrolled in this transaction: nothing
    else of it is to read, and no other transaction sees its row to lock)."""
    row = conn.execute(_KEY, {"key": key}).first()
    return None if row is None else _keyed(row)


def _keyed(row: Any) -> Keyed:
    return Keyed(row[0], row[1], row[2], int(row[3]), _utc(row[4]), row[5])


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


_PG_LOCK = (
    "SELECT status, (SELECT CAST(document AS TEXT) FROM loyalty_programs"
    " WHERE id = 'default') FROM loyalty_members WHERE id = %s FOR UPDATE"
)
# after the lock: the key's entry ('K': id, points, at, kind, member, request hash), the
# member's open lots ('L': id, points, available_at, expires_at, origin, paid) and open debts
# ('D': debit id, owed), as ledger.open_state reads them
_PG_READ = """
SELECT 'K', id, points, at, NULL, kind, NULL, member_id, request_hash
FROM loyalty_entries WHERE idempotency_key = %(k)s
UNION ALL
SELECT 'L', l.id, l.points, l.available_at, l.expires_at, l.origin,
       CAST(COALESCE(u.used, 0) AS BIGINT), NULL, NULL
FROM loyalty_lots AS l
LEFT JOIN (
    SELECT lot_id, SUM(points) AS used FROM loyalty_allocations
    WHERE member_id = %(m)s AND lot_id IS NOT NULL GROUP BY lot_id
) AS u ON u.lot_id = l.id
WHERE l.member_id = %(m)s AND l.points > COALESCE(u.used, 0)
UNION ALL
SELECT 'D', debit_id, NULL, NULL, NULL, NULL, CAST(SUM(points) AS BIGINT), NULL, NULL
FROM loyalty_allocations
WHERE member_id = %(m)s AND lot_id IS NULL GROUP BY debit_id HAVING SUM(points) > 0
"""


def _in_transaction(conn: Connection) -> None:
    """Begin SQLAlchemy's transaction if it has not begun: statements run beside it do not
    autobegin it, and its ``commit()`` would then commit nothing (a write lost silently)."""
    if not conn.in_transaction():
        conn.begin()


def _lock_for_write_pg(conn: Connection, member_id: str, key: str) -> Locked:
    single = conn.info.get(_SINGLE)
    if single == "committed":
        raise RuntimeError("single_write: the write is committed; nothing may follow it")
    if not single:
        _in_transaction(conn)
    with pipeline(conn) as sent:
        # one round trip; the second statement's snapshot is taken after the lock is granted
        if single and sent.raw.info.transaction_status == IDLE:
            sent.execute("BEGIN")
        lock_params, read_params = (member_id,), {"k": key, "m": member_id}
        announce(conn, _PG_LOCK, lock_params)
        announce(conn, _PG_READ, read_params)
        lock = sent.execute(_PG_LOCK, lock_params)
        read = sent.execute(_PG_READ, read_params)
    row = lock.fetchone()
    existing = None
    open_rows = []
    for k, i, p, a, x, o, n, m, h in read.fetchall():
        if k == "K":
            existing = Keyed(i, m, o, p, _utc(a), h)
        else:
            open_rows.append((k, i, p, a and _utc(a), x and _utc(x), o, n))
    return Locked(
        None if row is None else row[0],
        existing,
        None if row is None else row[1],
        state_of_rows(open_rows),
    )


_SINGLE = "opencx.loyalty.single_write"


@contextmanager
def single_write(conn: Connection) -> Iterator[None]:
    """The transaction of one ledger write whose reads are its first statements and whose
    append is its last (an earn, a spend, an adjustment, a redemption), on ``conn`` fresh
    from the pool.

    On PostgreSQL the psycopg connection runs in autocommit mode meanwhile, so the ``BEGIN``
    goes out in the reads' round trip (:func:`lock_for_write`) and the ``COMMIT`` in the
    append's (:func:`append`): two round trips, where psycopg would add one for its own
    ``BEGIN`` (its pipeline waits for it) and one for the ``COMMIT``. A write answered from
    its key commits on leaving; a refused or failed one rolls back through libpq, keeping the
    prepared statements (:func:`abandon`). SQLAlchemy statements inside (a reward's stock)
    run in the transaction the reads began. SQLite: an ordinary transaction.
    """
    if conn.dialect.name != "postgresql":
        with conn.begin():
            yield
        return
    with autocommit(conn, "single_write", _SINGLE) as (raw, info):
        info[_SINGLE] = "open"
        yield
        if raw.info.transaction_status != IDLE:  # answered from its key: nothing written
            with driver(conn, "COMMIT"):
                raw.commit()


def abandon(conn: Connection) -> None:
    """Roll back a transaction whose request was refused (no points, no such member ...),
    keeping the connection's prepared statements.

    psycopg forgets every prepared statement of a connection on a rollback (and sends
    ``DEALLOCATE ALL``, one more round trip), so the next transactions on that connection
    would have each statement parsed and planned again until it is prepared anew: with one
    spend in ten refused, that doubled PostgreSQL's CPU per write. A refused write created
    no table and no type a prepared statement could depend on, so libpq's own rollback is
    enough; SQLAlchemy's rollback then finds the connection idle and does nothing more.
    """
    if conn.dialect.name != "postgresql":
        return
    with driver(conn, "ROLLBACK") as raw:
        rollback_or_invalidate(conn, raw)


_INSERT_ENTRY = entries.insert()
_INSERT_LOT = lots.insert()
_INSERT_ALLOCATIONS = allocations.insert()

# PostgreSQL: the entry, its lot and its allocations in one statement (one round trip); the
# foreign keys of the lot and the allocations are checked at the end of the statement.
_APPEND_PG = """
WITH e AS (
    INSERT INTO loyalty_entries
        (id, member_id, kind, points, at, idempotency_key, request_hash, reason, ref, amount)
    VALUES (%(id)s, %(member_id)s, %(kind)s, %(points)s, %(at)s, %(idempotency_key)s,
            %(request_hash)s, %(reason)s, %(ref)s, %(amount)s)
), l AS (
    INSERT INTO loyalty_lots (id, member_id, points, available_at, expires_at, origin)
    SELECT %(id)s, %(member_id)s, %(lot_points)s, %(available_at)s, %(expires_at)s, %(origin)s
    WHERE %(has_lot)s
)
INSERT INTO loyalty_allocations (entry_id, member_id, debit_id, lot_id, points)
SELECT %(id)s, %(member_id)s, a.debit_id, a.lot_id, a.points
FROM unnest(CAST(%(debit_ids)s AS VARCHAR[]), CAST(%(lot_ids)s AS VARCHAR[]),
            CAST(%(allocated)s AS BIGINT[])) AS a(debit_id, lot_id, points)
"""


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} given; use UTC-aware values")
    return value


def append(
    conn: Connection,
    entry: Entry,
    *,
    request_hash: str | None = None,
    amount: Any = None,
) -> None:
    """Insert ``entry`` with its lot and allocations (never an update); in a
    :func:`single_write`, commit with it.

    ``amount`` is bound by the house money rule on both stores (:data:`opencx.db.types.MONEY`,
    the column's type: rounded half away from zero to 4 decimals; from 10^14 on, or not
    finite, a ``StatementError`` whose ``orig`` is the ValueError, as SQLAlchemy raises it on
    SQLite), before anything is sent: PostgreSQL's statement is written by hand, and the
    column's type would not run there.
    """
    if conn.dialect.name == "postgresql":
        amount = _money(amount, conn)
    row = {
        "id": entry.id,
        "member_id": entry.member_id,
        "kind": entry.kind,
        "points": entry.points,
        "at": _aware(entry.at),
        "idempotency_key": entry.idempotency_key,
        "request_hash": request_hash,
        "reason": entry.reason[:500],
        "ref": entry.ref,
        "amount": amount,
    }
    lot = entry.lot
    if conn.dialect.name == "postgresql":
        params = {**row, **_lot_and_allocations(entry, lot)}
        announce(conn, _APPEND_PG, params)
        if conn.info.get(_SINGLE) != "open":
            _in_transaction(conn)
            with driver(conn, _APPEND_PG) as raw:
                raw.execute(_APPEND_PG, params)
            return
        with pipeline(conn) as sent:  # the append and the COMMIT: one round trip
            sent.execute(_APPEND_PG, params)
            sent.execute("COMMIT")
        conn.info[_SINGLE] = "committed"
        return
    conn.execute(_INSERT_ENTRY, row)
    if lot is not None:
        conn.execute(
            _INSERT_LOT,
            {
                "id": lot.id,
                "member_id": entry.member_id,
                "points": lot.points,
                "available_at": lot.available_at,
                "expires_at": lot.expires_at,
                "origin": lot.origin,
            },
        )
    if entry.allocations:
        conn.execute(
            _INSERT_ALLOCATIONS,
            [
                {
                    "entry_id": entry.id,
                    "member_id": entry.member_id,
                    "debit_id": a.debit_id,
                    "lot_id": a.lot_id,
                    "points": a.points,
                }
                for a in entry.allocations
            ],
        )


def _money(amount: Any, conn: Connection) -> Any:
    try:
        return MONEY.process_bind_param(amount, conn.dialect)
    except Exception as exc:  # as SQLAlchemy wraps a bind processor's error
        raise sa.exc.StatementError(
            str(exc), "INSERT INTO loyalty_entries", {"amount": amount}, exc
        ) from exc


def _lot_and_allocations(entry: Entry, lot: Lot | None) -> dict[str, Any]:
    return {
        "has_lot": lot is not None,
        "lot_points": None if lot is None else lot.points,
        "available_at": None if lot is None else _aware(lot.available_at),
        "expires_at": None if lot is None else _aware(lot.expires_at),
        "origin": None if lot is None else lot.origin,
        "debit_ids": [a.debit_id for a in entry.allocations],
        "lot_ids": [a.lot_id for a in entry.allocations],
        "allocated": [a.points for a in entry.allocations],
    }
