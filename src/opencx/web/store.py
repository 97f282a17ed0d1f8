"""The API's idempotency records: one row per (caller, ``Idempotency-Key``), holding a digest
of the request and, once answered, the response to replay (see :mod:`opencx.web.idempotency`).

A row is claimed by inserting it (unique on caller and key: of two requests at the same moment
one insert wins), answered by an update, and released (deleted) when the request failed with
a server error, so a retry runs it again. A key is a promise for a day, as at Stripe: a record
older than :data:`KEEP` is taken over by the next request with its key, as a new one, and purged
as new keys arrive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from opencx.core.redaction import redact, redactable
from opencx.db.schema import metadata, owned_by
from opencx.db.types import UtcDateTime

KEEP = timedelta(hours=24)

api_idempotency = sa.Table(
    "api_idempotency",
    metadata,
    sa.Column("caller", sa.String(120), primary_key=True),  # "api_key:<id>" or "user:<id>"
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("request_digest", sa.String(64), nullable=False),  # method, path and body
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("claimed_until", UtcDateTime),  # set while the first request runs
    sa.Column("status_code", sa.Integer),  # null until answered
    sa.Column("media_type", sa.String(100)),
    sa.Column("body", sa.Text),
    sa.Index("ix_api_idempotency_created_at", "created_at"),
    info=owned_by("web"),
)


@dataclass(frozen=True, slots=True)
class Record:
    request_digest: str
    claimed_until: datetime | None
    status_code: int | None
    media_type: str | None
    body: str | None


def _insert(conn: Connection) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(api_idempotency)


def claim(
    conn: Connection, caller: str, key: str, digest: str, *, now: datetime, until: datetime
) -> bool:
    """Insert the record of a new key, or take over one older than :data:`KEEP` (a key is a
    promise for a day: past it the request is a new one, replayed or compared with nothing,
    whether or not the purge has deleted the old record yet); False when (caller, key) holds a
    record of the last day."""
    stmt = _insert(conn).values(
        caller=caller, key=key, request_digest=digest, created_at=now, claimed_until=until
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["caller", "key"],
        set_={
            "request_digest": stmt.excluded.request_digest,
            "created_at": stmt.excluded.created_at,
            "claimed_until": stmt.excluded.claimed_until,
            "status_code": None,
            "media_type": None,
            "body": None,
        },
        where=api_idempotency.c.created_at < now - KEEP,
    ).returning(api_idempotency.c.key)  # rowcount is -1 here with psycopg and SQLAlchemy 2.1
    return conn.execute(stmt).first() is not None


def take_over(
    conn: Connection, caller: str, key: str, digest: str, *, now: datetime, until: datetime
) -> bool:
    """Claim a record whose first request stopped without an answer (its claim lapsed)."""
    c = api_idempotency.c
    result = conn.execute(
        api_idempotency.update()
        .where(
            c.caller == caller,
            c.key == key,
            c.request_digest == digest,
            c.status_code.is_(None),
            c.claimed_until < now,
        )
        .values(claimed_until=until)
    )
    return bool(result.rowcount)


def find(conn: Connection, caller: str, key: str) -> Record | None:
    c = api_idempotency.c
    row = conn.execute(
        sa.select(c.request_digest, c.claimed_until, c.status_code, c.media_type, c.body).where(
            c.caller == caller, c.key == key
        )
    ).first()
    return Record(*row) if row is not None else None


def answer(
    conn: Connection, caller: str, key: str, *, status_code: int, media_type: str, body: str
) -> None:
    c = api_idempotency.c
    conn.execute(
        api_idempotency.update()
        .where(c.caller == caller, c.key == key)
        .values(status_code=status_code, media_type=media_type, body=body, claimed_until=None)
    )


def release(conn: Connection, caller: str, key: str) -> None:
    c = api_idempotency.c
    conn.execute(
        api_idempotency.delete().where(c.caller == caller, c.key == key, c.status_code.is_(None))
    )


def redact_bodies(conn: Connection, personal: Sequence[str]) -> int:
    """Redact ``personal`` values from every stored response (an erased person's name, email
    or phone echoed by an API answer kept for replay); how many responses changed. The table
    holds a day of answers, so it is read whole."""
    values = redactable(personal)
    if not values:
        return 0
    c = api_idempotency.c
    rows = conn.execute(sa.select(c.caller, c.key, c.body).where(c.body.is_not(None))).all()
    changed = [
        {"b_caller": r.caller, "b_key": r.key, "b_body": redacted}
        for r in rows
        if (redacted := redact(r.body, values)) != r.body
    ]
    if changed:
        conn.execute(
            api_idempotency.update()
            .where(c.caller == sa.bindparam("b_caller"), c.key == sa.bindparam("b_key"))
            .values(body=sa.bindparam("b_body")),
            changed,
        )
    return len(changed)


def purge(conn: Connection, before: datetime) -> int:
    result = conn.execute(api_idempotency.delete().where(api_idempotency.c.created_at < before))
    return int(result.rowcount)
