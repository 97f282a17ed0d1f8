"""Points going out and moving: spend, redeem a reward, transfer between members, adjust."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import InvalidInput, NotFound
from opencx.loyalty.domain import (
    Entry,
    MemberState,
    Program,
    check_points,
    check_redeemable,
    plan_debit,
)
from opencx.loyalty.service.ledger.bookkeeping import (
    Posted,
    check_active,
    debit,
    earn,
    post,
    request_hash,
)
from opencx.loyalty.store import catalog
from opencx.loyalty.store import ledger as store


def _lock_active(conn: Connection, member_id: str) -> Any:
    row = store.member_row(conn, member_id, lock=True)
    check_active(member_id, None if row is None else row.status)
    return row


def spend(
    conn: Connection, member_id: str, points: int, key: str, at: datetime, reason: str = ""
) -> Posted:
    fp = request_hash(op="spend", member=member_id, points=points)
    return debit(conn, member_id, points, key, at, reason=reason, floor="program", fingerprint=fp)


def redeem(conn: Connection, member_id: str, reward_id: str, key: str, at: datetime) -> Posted:
    """Spend a reward's price. Under the member's lock (every writer takes it first), the
    reward's row is locked and its stock checked, so two members never take the last unit;
    a retry is answered from its key before the reward is looked at."""
    fp = request_hash(op="redeem", member=member_id, reward=reward_id)

    def plan(state: MemberState, eid: str, p: Program) -> Entry:
        reward = catalog.reward(conn, reward_id, lock=True)
        if reward is None:
            raise NotFound(f"reward {reward_id!r} does not exist")
        limited = reward.stock is not None
        check_redeemable(
            reward, catalog.redemptions(conn, reward_id).get(reward_id, 0) if limited else 0
        )
        return plan_debit(
            state,
            entry_id=eid,
            member_id=member_id,
            kind="redeem",
            points=reward.points,
            at=at,
            key=key,
            floor=p.debit_floor(),  # refused while a stored floor is above 0
            reason=reward.name,
            ref=f"reward:{reward_id}",
        )

    return post(conn, member_id, key, plan, fingerprint=fp)


def transfer(
    conn: Connection, from_id: str, to_id: str, points: int, key: str, at: datetime
) -> tuple[Posted, Posted]:
    """Move points between members: never below zero, the new lot expires as an earn would."""
    if from_id == to_id:
        raise InvalidInput("transfer: the two members must differ")
    for member_id in sorted((from_id, to_id)):  # one lock order: no deadlock between two
        _lock_active(conn, member_id)
    fp = request_hash(op="transfer", source=from_id, to=to_id, points=points)
    out = debit(
        conn,
        from_id,
        points,
        f"{key}:out",
        at,
        kind="transfer_out",
        reason=f"to {to_id}",
        ref=f"member:{to_id}",
        floor=0,
        fingerprint=fp,
        locked=True,
    )
    into = earn(
        conn,
        to_id,
        points,
        f"{key}:in",
        at,
        kind="transfer_in",
        reason=f"from {from_id}",
        ref=f"member:{from_id}",
        fingerprint=fp,
        locked=True,
    )
    return out, into


def adjust(
    conn: Connection, member_id: str, points: int, reason: str, key: str, at: datetime, by: str
) -> Posted:
    """An admin adjustment, up or down, always with a reason (kept in the ledger)."""
    if not reason.strip():
        raise InvalidInput("adjustment: a reason is required")
    if points == 0:
        raise InvalidInput("adjustment: points must not be zero")
    check_points(points)  # signed, as given (the debit below would name -points)
    fp = request_hash(op="adjust", member=member_id, points=points, reason=reason)
    text = f"{reason.strip()} (by {by})"
    if points > 0:
        return earn(conn, member_id, points, key, at, kind="adjust_in", reason=text, fingerprint=fp)
    return debit(
        conn,
        member_id,
        -points,
        key,
        at,
        kind="adjust_out",
        reason=text,
        floor="program",
        fingerprint=fp,
    )
