"""Membership: enroll a customer (its survivor if merged), and who may enroll."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.engine import Connection

from opencx.core import Conflict, NotFound, new_id
from opencx.loyalty.store import ledger as store
from opencx.loyalty.store.ledger import Enrolling


def enroll(conn: Connection, customer_id: str, at: datetime, source: str = "api") -> str:
    """The member id of ``customer_id`` (of its survivor if merged), enrolling it if new."""
    return enroll_customer(conn, customer_id, at, source)[0]


def enroll_customer(
    conn: Connection,
    customer_id: str,
    at: datetime,
    source: str,
    read: dict[str, Enrolling] | None = None,
) -> tuple[str, bool]:
    """``(member id, enrolled now)`` of ``customer_id`` (of its survivor if merged), enrolling
    it if new. ``read``: what :func:`~opencx.loyalty.store.ledger.enrolling` read of it (and of
    other customers) in this transaction, so it is not read again; a customer enrolled here is
    noted in it, so a later call for the same one finds its membership."""
    known = read if read is not None else store.enrolling(conn, [customer_id])
    row = known.get(customer_id)
    for _ in range(20):
        if row is None or row.merged_into is None:
            break
        row = store.enrolling(conn, [row.merged_into]).get(row.merged_into)
    if row is None:
        raise NotFound(f"customer {customer_id!r} does not exist")
    if row.erased_at is not None:
        raise Conflict(f"customer {customer_id!r} was erased and cannot be enrolled")
    if row.member_id is not None:
        return row.member_id, False
    member_id = new_id()
    store.insert_member(
        conn,
        id=member_id,
        customer_id=row.customer_id,
        enrolled_at=at,
        source=source,
        status="active",
    )
    if read is not None:
        read[row.customer_id] = replace(row, member_id=member_id, member_status="active")
    return member_id, True


def enrollable(conn: Connection, customer_id: str) -> bool:
    """The customer exists, is not merged into another nor erased, and is no member yet."""
    row = store.enrolling(conn, [customer_id]).get(customer_id)
    if row is None or row.merged_into is not None or row.erased_at is not None:
        return False
    return row.member_id is None
