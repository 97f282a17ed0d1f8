"""The ``erased_keys`` table: keyed hashes of erased people's keys (no personal data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.customers.store.people import among, chunks
from opencx.db.schema import erased_keys


def remember(conn: Connection, digests: Mapping[str, str], now: datetime) -> int:
    """Store ``{digest: kind}`` not stored yet; the number added."""
    new = {d: k for d, k in digests.items() if d not in known(conn, digests)}
    if new:
        conn.execute(
            erased_keys.insert(),
            [{"digest": d, "kind": k, "erased_at": now} for d, k in sorted(new.items())],
        )
    return len(new)


def known(conn: Connection, digests: Iterable[str]) -> set[str]:
    """The ``digests`` that name an erased person."""
    found: set[str] = set()
    for batch in chunks(sorted(set(digests))):
        query = sa.select(erased_keys.c.digest).where(among(conn, erased_keys.c.digest, batch))
        found.update(conn.execute(query).scalars())
    return found
