"""The leaky buckets limiting anonymous visitors (``helpdesk_rate_buckets``), charged atomically
in the database so every server process shares them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from opencx.helpdesk.store.tables import rate_buckets


def _upsert(conn: Connection) -> Any:
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(rate_buckets)


def charge(conn: Connection, key: str, *, now: datetime, drain: timedelta) -> float:
    """Add one charge to bucket ``key`` (drained by one per ``drain`` since its last charge),
    atomically; its fill after the charge. The row stays locked until the transaction ends, so
    concurrent charges of one bucket queue up; a rolled-back charge never counted."""
    t, rate, b = now.timestamp(), 1.0 / drain.total_seconds(), rate_buckets.c
    drained = b.level - (t - b.at) * rate
    stmt = _upsert(conn).values(key=key, level=1.0, at=t)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "level": sa.case((drained > 0, drained), else_=sa.literal(0.0)) + 1.0,
            "at": t,
        },
    )
    conn.execute(stmt)
    return float(conn.execute(sa.select(b.level).where(b.key == key)).scalar_one())


def prune(conn: Connection, before: datetime) -> int:
    """Delete buckets not charged since ``before`` (drained long ago)."""
    return conn.execute(
        rate_buckets.delete().where(rate_buckets.c.at < before.timestamp())
    ).rowcount
