"""Orders the ledger took no points for, past the points bound: one row per order, with the
sentence that names it, kept until the order earns (a later delivery, a backfill after the
program changed), so a live import or a backfill goes on without that order and the refusal
stays where an admin reads it (the overview: page, API, ``opencx loyalty overview``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import metadata
from opencx.db.types import ID, UtcDateTime
from opencx.loyalty.store.ledger import programs

refused_orders = sa.Table(
    "loyalty_refused_orders",
    metadata,
    sa.Column("order_id", ID, primary_key=True),
    sa.Column("member_id", ID, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
)

_DELETE_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Refusal:
    """An order whose points (or whose return's reversal) the ledger refused, and why."""

    order_id: str
    member_id: str
    reason: str


@cache
def _program_and_kept() -> sa.Select[Any]:
    """Built once: the program's document text, and whether any refusal is kept."""
    document = sa.select(sa.cast(programs.c.document, sa.Text)).where(programs.c.id == "default")
    return sa.select(document.scalar_subquery(), sa.exists().select_from(refused_orders))


def program_and_kept(conn: Connection) -> tuple[str | None, bool]:
    """The program's document as stored (JSON text, None: none set) and whether any refusal
    is kept: what earning reads first, in one statement."""
    text, kept = conn.execute(_program_and_kept()).one()
    return text, bool(kept)


def settle(
    conn: Connection,
    refused: Sequence[Refusal],
    earned: Sequence[str],
    at: datetime,
    *,
    kept: bool | None = None,
) -> None:
    """Record ``refused`` (replacing an order's earlier refusal) and forget the refusals of the
    orders in ``earned`` (taken now, or before). Whether any refusal is kept at all is asked
    first (``kept``: already read in this transaction, by :func:`program_and_kept`), so a
    store that has none pays nothing more per order."""
    forget = [*earned, *(r.order_id for r in refused)]
    if kept is None and forget:
        kept = conn.execute(sa.select(refused_orders.c.order_id).limit(1)).first() is not None
    if forget and kept:
        for i in range(0, len(forget), _DELETE_BATCH):
            chunk = forget[i : i + _DELETE_BATCH]
            conn.execute(refused_orders.delete().where(refused_orders.c.order_id.in_(chunk)))
    if refused:
        conn.execute(
            refused_orders.insert(),
            [
                {"order_id": r.order_id, "member_id": r.member_id, "reason": r.reason, "at": at}
                for r in refused
            ],
        )


def forget_members(conn: Connection, member_ids: Sequence[str]) -> None:
    """Drop the refusals of these members (an erasure: the sentences name their orders)."""
    if member_ids:
        conn.execute(refused_orders.delete().where(refused_orders.c.member_id.in_(member_ids)))


def latest(conn: Connection, limit: int) -> tuple[int, list[Any]]:
    """``(how many orders are refused, the latest ``limit`` of them: order_id, member_id,
    reason, at)``."""
    count = conn.execute(sa.select(sa.func.count()).select_from(refused_orders)).scalar_one()
    q = sa.select(refused_orders).order_by(refused_orders.c.at.desc(), refused_orders.c.order_id)
    return int(count), list(conn.execute(q.limit(limit))) if count else []
