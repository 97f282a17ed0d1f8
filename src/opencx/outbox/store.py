"""Queries on the ``outbox`` table: insert once, claim due messages, record the outcome.

Claiming is one statement on both stores::

    UPDATE outbox SET status='sending', attempts=attempts+1, locked_until=:lease_end
    WHERE id IN (SELECT id FROM outbox WHERE <due> ORDER BY next_attempt_at LIMIT :n
                 FOR UPDATE SKIP LOCKED)
    RETURNING ...

On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets concurrent workers take disjoint batches without
waiting on each other. SQLite has no row locks (the clause is not rendered there); the caller
opens the transaction with ``BEGIN IMMEDIATE`` so the write lock is taken before the read.

Every outcome update is fenced on ``attempts``: the claim incremented it, so a worker whose
lease expired and whose message was reclaimed by another worker updates nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from opencx.core.redaction import redact_json
from opencx.db import driver
from opencx.db.schema import outbox
from opencx.outbox.domain import OutboxMessage, Status

RETRYABLE = (Status.PENDING.value, Status.FAILED.value)
MAX_ERROR_CHARS = 2000


_INSERT_ONCE: dict[tuple[str, bool], Any] = {}


def _insert_once(dialect: str, *, returning: bool = True) -> Any:
    """``INSERT … ON CONFLICT (dedupe_key) DO NOTHING [RETURNING id]``, built once per dialect
    (a request that answers a survey queues a task: building the statement cost more CPU
    than running it)."""
    stmt = _INSERT_ONCE.get((dialect, returning))
    if stmt is None:
        if dialect == "postgresql":
            base: Any = postgresql.insert(outbox)
        elif dialect == "sqlite":
            base = sqlite.insert(outbox)
        else:  # pragma: no cover - only the two supported stores
            raise NotImplementedError(f"outbox: no ON CONFLICT insert for dialect {dialect!r}")
        stmt = base.on_conflict_do_nothing(index_elements=["dedupe_key"])
        if returning:
            stmt = stmt.returning(outbox.c.id)
        _INSERT_ONCE[dialect, returning] = stmt
    return stmt


# the same insert on the driver's connection, in a pipelined unit of work (opencx.db.driver)
_PG_INSERT_IF_NEW = """
INSERT INTO outbox (id, kind, dedupe_key, payload, status, attempts, next_attempt_at, created_at)
VALUES (%(id)s, %(kind)s, %(dedupe_key)s, %(payload)s, %(status)s, 0, %(now)s, %(now)s)
ON CONFLICT (dedupe_key) DO NOTHING
"""


def insert_if_new(
    conn: Connection,
    *,
    id: str,
    kind: str,
    dedupe_key: str,
    payload: Mapping[str, Any],
    now: datetime,
) -> None:
    """:func:`insert_once` without reading back which id holds the key: in a pipelined unit
    of work the insert is queued and travels with the unit's other writes."""
    if driver.in_unit(conn):  # PostgreSQL: psycopg is loaded (a SQLite command loads none)
        from psycopg.types.json import Json

        values = {
            "id": id,
            "kind": kind,
            "dedupe_key": dedupe_key,
            "payload": Json(dict(payload)),
            "status": Status.PENDING.value,
            "now": now,
        }
        driver.write(conn, _PG_INSERT_IF_NEW, values)
        return
    conn.execute(
        _insert_once(conn.dialect.name, returning=False),
        _pending(id, kind, dedupe_key, payload, now),
    )


def _pending(
    id: str, kind: str, dedupe_key: str, payload: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """The row of a new pending message, due now."""
    return {
        "id": id,
        "kind": kind,
        "dedupe_key": dedupe_key,
        "payload": dict(payload),
        "status": Status.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def insert_once(
    conn: Connection,
    *,
    id: str,
    kind: str,
    dedupe_key: str,
    payload: Mapping[str, Any],
    now: datetime,
) -> str:
    """Insert a pending message unless ``dedupe_key`` exists; return the id that holds the key."""
    values = _pending(id, kind, dedupe_key, payload, now)
    inserted = conn.execute(_insert_once(conn.dialect.name), values).scalar_one_or_none()
    if inserted is not None:
        return str(inserted)
    existing = conn.execute(
        sa.select(outbox.c.id).where(outbox.c.dedupe_key == dedupe_key)
    ).scalar_one()
    return str(existing)


def _due(now: datetime, kinds: Sequence[str]) -> sa.ColumnElement[bool]:
    """Due for a try: waiting and its time has come, or claimed by a worker whose lease ran out."""
    waiting = sa.and_(outbox.c.status.in_(RETRYABLE), outbox.c.next_attempt_at <= now)
    abandoned = sa.and_(outbox.c.status == Status.SENDING.value, outbox.c.locked_until <= now)
    return sa.and_(sa.or_(waiting, abandoned), outbox.c.kind.in_(list(kinds)))


def bury_abandoned(conn: Connection, now: datetime, max_attempts: int) -> int:
    """Mark dead the messages whose lease ran out on their last allowed attempt."""
    result = conn.execute(
        outbox.update()
        .where(
            outbox.c.status == Status.SENDING.value,
            outbox.c.locked_until <= now,
            outbox.c.attempts >= max_attempts,
        )
        .values(
            status=Status.DEAD.value,
            locked_until=None,
            last_error="lease expired on the last attempt (worker stopped mid-delivery)",
        )
    )
    return int(result.rowcount)


def claim(
    conn: Connection, *, now: datetime, lease_end: datetime, batch: int, kinds: Sequence[str]
) -> list[OutboxMessage]:
    """Take up to ``batch`` due messages of ``kinds`` for this worker until ``lease_end``."""
    picked = (
        sa.select(outbox.c.id)
        .where(_due(now, kinds))
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    stmt = (
        outbox.update()
        .where(outbox.c.id.in_(picked))
        .values(
            status=Status.SENDING.value,
            attempts=outbox.c.attempts + 1,
            locked_until=lease_end,
        )
        .returning(
            outbox.c.id,
            outbox.c.kind,
            outbox.c.dedupe_key,
            outbox.c.payload,
            outbox.c.attempts,
            outbox.c.created_at,
            outbox.c.locked_until,
        )
    )
    rows = conn.execute(stmt).all()
    messages = [
        OutboxMessage(
            id=row.id,
            kind=row.kind,
            dedupe_key=row.dedupe_key,
            payload=row.payload,
            attempts=row.attempts,
            created_at=row.created_at,
            locked_until=row.locked_until,
        )
        for row in rows
    ]
    return sorted(messages, key=lambda m: (m.created_at, m.id))


def _fenced(message: OutboxMessage) -> Any:
    return outbox.update().where(
        outbox.c.id == message.id,
        outbox.c.status == Status.SENDING.value,
        outbox.c.attempts == message.attempts,
    )


def mark_sent(conn: Connection, message: OutboxMessage, at: datetime) -> bool:
    """Record delivery; False if the claim was lost (the lease expired and another took it)."""
    result = conn.execute(
        _fenced(message).values(
            status=Status.SENT.value, sent_at=at, locked_until=None, last_error=None
        )
    )
    return bool(result.rowcount)


def mark_failed(
    conn: Connection, message: OutboxMessage, *, status: Status, due: datetime, error: str
) -> bool:
    """Record a failed attempt: ``failed`` (due again at ``due``) or ``dead``."""
    result = conn.execute(
        _fenced(message).values(
            status=status.value,
            next_attempt_at=due,
            locked_until=None,
            last_error=error[:MAX_ERROR_CHARS],
        )
    )
    return bool(result.rowcount)


def release(conn: Connection, message: OutboxMessage) -> bool:
    """Give back a claimed message that was not tried (the worker is stopping)."""
    previous = Status.PENDING if message.attempts <= 1 else Status.FAILED
    result = conn.execute(
        _fenced(message).values(
            status=previous.value, attempts=message.attempts - 1, locked_until=None
        )
    )
    return bool(result.rowcount)


def counts_by_status(conn: Connection) -> dict[str, int]:
    """How many messages are in each status (for ``opencx worker --status`` and tests)."""
    rows = conn.execute(sa.select(outbox.c.status, sa.func.count()).group_by(outbox.c.status)).all()
    return {str(status): int(n) for status, n in rows}


def dead_letters(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """The most recent dead messages: id, kind, dedupe key, attempts, last error, when."""
    o = outbox
    query = (
        sa.select(o.c.id, o.c.kind, o.c.dedupe_key, o.c.attempts, o.c.last_error)
        .where(o.c.status == Status.DEAD.value)
        .order_by(o.c.next_attempt_at.desc(), o.c.id)
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def revive(conn: Connection, ids: Sequence[str] | None, now: datetime) -> int:
    """Make dead messages (``ids``, or all when None) due again with a fresh set of attempts.

    The last error is kept until the next attempt replaces it; only dead messages change, so
    a message sent or retried meanwhile is left alone. Returns how many were revived.
    """
    query = outbox.update().where(outbox.c.status == Status.DEAD.value)
    if ids is not None:
        query = query.where(outbox.c.id.in_(list(ids)))
    result = conn.execute(
        query.values(status=Status.PENDING.value, attempts=0, next_attempt_at=now)
    )
    return int(result.rowcount)


ERASED_ERROR = "not sent: the recipient was erased"


def redact_messages(conn: Connection, personal: Sequence[str]) -> int:
    """Redact ``personal`` values from every message's payload; a message not yet sent that
    mentioned them is never sent (dead, with :data:`ERASED_ERROR`). Returns messages changed."""
    if not personal:
        return 0
    text = sa.func.lower(sa.cast(outbox.c.payload, sa.Text))
    needles = {n.lower() for v in personal for n in (v, json.dumps(v)[1:-1])}
    query = sa.select(outbox.c.id, outbox.c.payload, outbox.c.status).where(
        sa.or_(*(text.contains(n, autoescape=True) for n in sorted(needles)))
    )
    changed = 0
    for row in conn.execute(query).all():
        payload = redact_json(row.payload, personal)
        if payload == row.payload:
            continue
        values: dict[str, Any] = {"payload": payload}
        if row.status in RETRYABLE:
            values.update(status=Status.DEAD.value, last_error=ERASED_ERROR)
        conn.execute(outbox.update().where(outbox.c.id == row.id).values(**values))
        changed += 1
    return changed
