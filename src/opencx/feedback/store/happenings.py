"""What happened elsewhere that may invite: resolved cases, delivered orders, ended chats,
purchases, and the customers a relationship survey may reach. Read-only over other tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import cases, customers, interactions, orders

Happening = tuple[str, str | None, datetime]  # reference, customer id, when


def resolved_cases(conn: Connection, ids: Sequence[str]) -> list[Happening]:
    c = cases.c
    rows = conn.execute(
        sa.select(c.id, c.customer_id, c.resolved_at).where(
            c.id.in_(list(ids)), c.resolved_at.is_not(None)
        )
    )
    return [(r.id, r.customer_id, r.resolved_at) for r in rows]


def interaction_kinds(
    conn: Connection, ids: Sequence[str], kinds: Iterable[str]
) -> list[tuple[str, str | None, datetime, str]]:
    i = interactions.c
    rows = conn.execute(
        sa.select(i.id, i.customer_id, i.occurred_at, i.kind).where(
            i.id.in_(list(ids)), i.kind.in_(list(kinds))
        )
    )
    return [(r.id, r.customer_id, r.occurred_at, r.kind) for r in rows]


def completed_orders(conn: Connection, ids: Sequence[str]) -> list[Happening]:
    o = orders.c
    rows = conn.execute(
        sa.select(o.id, o.customer_id, o.placed_at).where(
            o.id.in_(list(ids)), o.status == "completed"
        )
    )
    return [(r.id, r.customer_id, r.placed_at) for r in rows]


def reachable_customers(conn: Connection) -> list[str]:
    """Customers who consent to surveys, are not erased and not merged away."""
    c = customers.c
    query = sa.select(c.id).where(c.consent_surveys, c.erased_at.is_(None), c.merged_into.is_(None))
    return list(conn.execute(query).scalars())


def case_origin(conn: Connection, case_id: str) -> tuple[str, str] | None:
    """``(source, external_id)`` of a case: a closed-loop case comes from ``feedback``."""
    row = conn.execute(
        sa.select(cases.c.source, cases.c.external_id).where(cases.c.id == case_id)
    ).first()
    return (str(row.source), str(row.external_id)) if row is not None else None
