"""Charging the leaky buckets that limit anonymous visitors, inside the caller's transaction.

A refusal raises :class:`TooManyRequests`, which rolls the whole transaction back: the charge
with it, so refused attempts cost nothing and nothing of the refused request is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from opencx.helpdesk.domain.limits import Bucket, TooManyRequests, bucket_key
from opencx.helpdesk.store import limits as store


def charge(
    conn: Connection,
    bucket: Bucket,
    *,
    secret: str,
    kind: str,
    value: str,
    what: str,
    now: datetime,
) -> None:
    """Charge one to the bucket of ``kind``/``value`` or refuse (``what`` says for whom)."""
    level = store.charge(conn, bucket_key(secret, kind, value), now=now, drain=bucket.drain)
    wait = bucket.wait(level)
    if wait is not None:
        raise TooManyRequests(what, wait)
