"""Partner points: a partner awards points (it owes their cost) or accepts them (it is owed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from opencx.core import NotFound
from opencx.loyalty.domain import check_points, settlement_amount, settlement_line
from opencx.loyalty.service.ledger.bookkeeping import Posted, debit, earn, request_hash
from opencx.loyalty.store import catalog


def partner_points(
    conn: Connection,
    partner_id: str,
    member_id: str,
    points: int,
    key: str,
    at: datetime,
    *,
    award: bool,
) -> Posted:
    """A partner awards points (it owes their cost) or accepts them (the program owes it)."""
    partner = catalog.partner(conn, partner_id)
    if partner is None or not partner.active:
        raise NotFound(f"partner {partner_id!r} does not exist or is inactive")
    fp = request_hash(
        op="partner", partner=partner_id, member=member_id, points=points, award=award
    )
    check_points(points)  # the points first: the amount follows from them
    settlement_amount(partner, points, awarded=award)  # refused (10^14 or more) before any write
    if award:
        posted = earn(
            conn,
            member_id,
            points,
            key,
            at,
            kind="partner_earn",
            reason=partner.name,
            ref=f"partner:{partner_id}",
            fingerprint=fp,
        )
    else:
        posted = debit(
            conn,
            member_id,
            points,
            key,
            at,
            kind="partner_spend",
            reason=partner.name,
            ref=f"partner:{partner_id}",
            floor=0,
            fingerprint=fp,
        )
    if not posted.duplicate:
        catalog.add_settlement(
            conn, settlement_line(partner, posted.entry_id, points, at, awarded=award)
        )
    return posted
