"""Membership: enroll a customer (its survivor if merged), and who may enroll."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core import Conflict, NotFound, new_id
from opencx.db.schema import customers
from opencx.loyalty.store import ledger as store


def enroll(conn: Connection, customer_id: str, at: datetime, source: str = "api") -> str:
    """The member id of ``customer_id`` (of its survivor if merged), enrolling it if new."""
    row = conn.execute(
        sa.select(customers.c.id, customers.c.merged_into, customers.c.erased_at).where(
            customers.c.id == customer_id
        )
    ).first()
    for _ in range(20):
        if row is None or row.merged_into is None:
            break
        row = conn.execute(
            sa.select(customers.c.id, customers.c.merged_into, customers.c.erased_at).where(
                customers.c.id == row.merged_into
            )
        ).first()
    if row is None:
        raise NotFound(f"customer {customer_id!r} does not exist")
    if row.erased_at is not None:
        raise Conflict(f"customer {customer_id!r} was erased and cannot be enrolled")
    found = store.member_by_customer(conn, [row.id]).get(row.id)
    if found is not None:
        return str(found.id)
    member_id = new_id()
    store.insert_member(
        conn, id=member_id, customer_id=row.id, enrolled_at=at, source=source, status="active"
    )
    return member_id


def enrollable(conn: Connection, customer_id: str) -> bool:
    """The customer exists, is not merged into another nor erased, and is no member yet."""
    row = conn.execute(
        sa.select(customers.c.merged_into, customers.c.erased_at).where(
            customers.c.id == customer_id
        )
    ).first()
    if row is None or row.merged_into is not None or row.erased_at is not None:
        return False
    return customer_id not in store.member_by_customer(conn, [customer_id])
