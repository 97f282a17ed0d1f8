"""Program-wide sums: points by kind, liability, members, activity, tier qualification."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.loyalty.store.ledger import allocations, entries, lots, members

EARNED = ("earn", "bonus", "partner_earn")
REDEEMED = ("redeem", "spend", "partner_spend", "donate")


def points_by_kind(conn: Connection, since: datetime | None = None) -> dict[str, int]:
    q = sa.select(entries.c.kind, sa.func.sum(entries.c.points).label("p")).group_by(entries.c.kind)
    if since is not None:
        q = q.where(entries.c.at >= since)
    return {r.kind: int(r.p) for r in conn.execute(q)}


def liability(conn: Connection) -> tuple[int, int]:
    """``(sum of open lots, open debt)`` over every member."""
    in_lots = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(lots.c.points), 0))).scalar_one()
    used = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(allocations.c.points), 0)).where(
            allocations.c.lot_id.is_not(None)
        )
    ).scalar_one()
    debt = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(allocations.c.points), 0)).where(
            allocations.c.lot_id.is_(None)
        )
    ).scalar_one()
    return int(in_lots) - int(used), int(debt)


def total_balance(conn: Connection) -> int:
    return int(
        conn.execute(sa.select(sa.func.coalesce(sa.func.sum(entries.c.points), 0))).scalar_one()
    )


def member_counts(conn: Connection, active_since: datetime) -> tuple[int, int]:
    """``(members, members with ledger activity since active_since)``."""
    total = conn.execute(
        sa.select(sa.func.count()).where(members.c.status == "active")
    ).scalar_one()
    active = conn.execute(
        sa.select(sa.func.count(sa.distinct(entries.c.member_id)))
        .join(members, members.c.id == entries.c.member_id)
        .where(entries.c.at >= active_since, members.c.status == "active")
    ).scalar_one()
    return int(total), int(active)


def active_members(conn: Connection) -> list[tuple[str, str, datetime]]:
    q = sa.select(members.c.id, members.c.customer_id, members.c.enrolled_at).where(
        members.c.status == "active"
    )
    return [(r.id, r.customer_id, r.enrolled_at) for r in conn.execute(q)]


def qualifying(
    conn: Connection, basis: str, since: datetime | None, member_ids: Sequence[str] | None = None
) -> dict[str, Decimal]:
    """Per member: points earned, order spend or order count since ``since`` (tiers)."""
    measure: Any
    if basis == "points":
        measure = sa.func.sum(entries.c.points)
        q = sa.select(entries.c.member_id, measure.label("v")).where(entries.c.kind.in_(EARNED))
    else:
        measure = sa.func.sum(entries.c.amount) if basis == "spend" else sa.func.count()
        q = sa.select(entries.c.member_id, measure.label("v")).where(
            entries.c.kind == "earn", entries.c.ref.like("order:%")
        )
    if since is not None:
        q = q.where(entries.c.at >= since)
    if member_ids is not None:
        q = q.where(entries.c.member_id.in_(list(member_ids)))
    return {r.member_id: Decimal(r.v or 0) for r in conn.execute(q.group_by(entries.c.member_id))}


def recent_members(conn: Connection, limit: int) -> list[Any]:
    """The latest enrolled members with their balances (``id, customer_id, enrolled_at,
    status, balance``), newest first."""
    balance = (
        sa.select(entries.c.member_id, sa.func.sum(entries.c.points).label("balance"))
        .group_by(entries.c.member_id)
        .subquery()
    )
    q = (
        sa.select(
            members.c.id,
            members.c.customer_id,
            members.c.enrolled_at,
            members.c.status,
            sa.func.coalesce(balance.c.balance, 0).label("balance"),
        )
        .outerjoin(balance, balance.c.member_id == members.c.id)
        .order_by(members.c.enrolled_at.desc(), members.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(q))
