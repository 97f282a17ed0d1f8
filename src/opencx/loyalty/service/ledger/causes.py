"""Donations of points to a cause, with the money they are worth."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from opencx.core import NotFound
from opencx.loyalty.domain import check_points, donation_amount
from opencx.loyalty.domain.causes import Donation
from opencx.loyalty.service.ledger.bookkeeping import Posted, debit, request_hash
from opencx.loyalty.store import catalog


def donate(
    conn: Connection, member_id: str, cause_id: str, points: int, key: str, at: datetime
) -> Posted:
    cause = catalog.cause(conn, cause_id)
    if cause is None or not cause.active:
        raise NotFound(f"cause {cause_id!r} does not exist or takes no donations")
    fp = request_hash(op="donate", member=member_id, cause=cause_id, points=points)
    check_points(points)  # the points first: the amount follows from them
    amount = donation_amount(cause, points)  # refused (10^14 or more) before any write
    posted = debit(
        conn,
        member_id,
        points,
        key,
        at,
        kind="donate",
        reason=cause.name,
        ref=f"cause:{cause_id}",
        floor=0,
        fingerprint=fp,
    )
    if not posted.duplicate:
        catalog.add_donation(
            conn,
            Donation(posted.entry_id, cause_id, member_id, points, amount, cause.currency, at),
        )
    return posted
