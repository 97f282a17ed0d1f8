"""Writing the ledger: enroll, earn, spend, redeem, transfer, adjust, donate, partners, expiry.

Each function takes the caller's connection (its unit of work) and plain values. A write for a
member first locks the member's row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has one
writer at a time), then looks the idempotency key up: a key seen before returns the first
result and writes nothing (a key reused for a different request is a conflict); the unique
constraint on the key is the last word if two writers race past that check.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core import Conflict, InvalidInput, NotFound, new_id
from opencx.db.schema import customers
from opencx.loyalty.domain import (
    Entry,
    MemberState,
    Program,
    add_months,
    check_redeemable,
    donation_amount,
    ensure_same_request,
    parse_program,
    plan_credit,
    plan_debit,
    plan_expiries,
    settlement_line,
)
from opencx.loyalty.domain.causes import Donation
from opencx.loyalty.store import catalog, posting
from opencx.loyalty.store import ledger as store


@dataclass(frozen=True, slots=True)
class Posted:
    """The outcome of one ledger write (``duplicate``: the key was seen, nothing was written)."""

    entry_id: str
    member_id: str
    kind: str
    points: int
    at: datetime
    idempotency_key: str
    duplicate: bool
    balance: int


def request_hash(**request: Any) -> str:
    text = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


_PARSED: dict[str | None, Program] = {}


def program(conn: Connection) -> Program:
    """The program's settings (parsed once per distinct document)."""
    return parsed_program(store.program_text(conn))


def parsed_program(text: str | None) -> Program:
    """The program of a stored document text (``None``: the defaults), parsed once per text."""
    found = _PARSED.get(text)
    if found is None:
        if len(_PARSED) > 8:
            _PARSED.clear()
        found = _PARSED[text] = parse_program({} if text is None else json.loads(text))
    return found


def _check_status(member_id: str, status: str | None) -> None:
    if status is None:
        raise NotFound(f"member {member_id!r} does not exist")
    if status != "active":
        raise Conflict(f"member {member_id!r} is {status}; it takes no new points")


def _lock_active(conn: Connection, member_id: str) -> Any:
    row = store.member_row(conn, member_id, lock=True)
    _check_status(member_id, None if row is None else row.status)
    return row


def post(
    conn: Connection,
    member_id: str,
    key: str,
    plan: Callable[[MemberState, str, Program], Entry],
    *,
    fingerprint: str | None = None,
    amount: Decimal | None = None,
    locked: bool = False,
) -> Posted:
    """Lock the member, return the earlier result of ``key``, else plan and append one entry.

    Two round trips on PostgreSQL (:mod:`opencx.loyalty.store.posting`): one locks the
    member's row and reads the key's entry, the program (cached per document) and the open lots
    and debts; one appends the entry, its lot and its allocations. The balance after is the
    balance read plus the entry. Should a concurrent writer of the same key commit between
    this one's read and its insert, the unique constraint stops the second insert and
    :meth:`LoyaltyService._tx` runs the request again, which then finds the key.
    ``locked``: the caller holds the lock and has checked the member's status (a merge or an
    erasure moving points of a member it is about to mark).
    """
    if not key or len(key) > 250:
        raise InvalidInput("idempotency key: 1 to 250 characters")
    read = posting.lock_for_write(conn, member_id, key)
    if not locked:
        _check_status(member_id, read.status)
    existing = read.existing
    if existing is not None:
        ensure_same_request(existing.request_hash, fingerprint or existing.request_hash or "", key)
        return Posted(
            existing.id,
            existing.member_id,
            existing.kind,
            existing.points,
            existing.at,
            key,
            True,
            # the balance now: the open lots less the debt (the ledger's invariant), or the
            # sum of the entries of another member the key was written for
            read.state.balance
            if existing.member_id == member_id
            else store.entry_sum(conn, existing.member_id),
        )
    state = read.state
    entry = plan(state, new_id(), parsed_program(read.program_text))
    posting.append(conn, entry, request_hash=fingerprint, amount=amount)
    return Posted(
        entry.id,
        member_id,
        entry.kind,
        entry.points,
        entry.at,
        key,
        False,
        state.balance + entry.points,
    )


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


def _expiry(p: Program, at: datetime) -> datetime | None:
    return None if p.expiry_months is None else add_months(at, p.expiry_months)


def earn(
    conn: Connection,
    member_id: str,
    points: int,
    key: str,
    at: datetime,
    *,
    kind: str = "bonus",
    reason: str = "",
    ref: str | None = None,
    pending: bool = False,
    amount: Decimal | None = None,
    fingerprint: str | None = None,
    locked: bool = False,
) -> Posted:
    """Credit ``points`` in a new lot expiring by the program's rule."""

    def plan(state: MemberState, eid: str, p: Program) -> Entry:
        return plan_credit(
            state,
            entry_id=eid,
            member_id=member_id,
            kind=kind,
            points=points,
            at=at,
            key=key,
            available_at=at + timedelta(days=p.pending_days) if pending else at,
            expires_at=_expiry(p, at),
            reason=reason,
            ref=ref,
            origin=ref if kind == "earn" else None,
        )

    return post(conn, member_id, key, plan, fingerprint=fingerprint, amount=amount, locked=locked)


Floor = int | Literal["program"] | None


def debit(
    conn: Connection,
    member_id: str,
    points: int,
    key: str,
    at: datetime,
    *,
    kind: str = "spend",
    reason: str = "",
    ref: str | None = None,
    floor: Floor = 0,
    fingerprint: str | None = None,
    first_lot: str | None = None,
    locked: bool = False,
) -> Posted:
    """Debit ``points``, lots earliest expiry first, down to ``floor`` (``"program"``: the
    program's floor; ``None``: no floor)."""

    def plan(state: MemberState, eid: str, p: Program) -> Entry:
        return plan_debit(
            state,
            entry_id=eid,
            member_id=member_id,
            kind=kind,
            points=points,
            at=at,
            key=key,
            floor=p.floor if floor == "program" else floor,
            reason=reason,
            ref=ref,
            first_lot=first_lot,
        )

    return post(conn, member_id, key, plan, fingerprint=fingerprint, locked=locked)


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
            floor=p.floor,
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


def donate(
    conn: Connection, member_id: str, cause_id: str, points: int, key: str, at: datetime
) -> Posted:
    cause = catalog.cause(conn, cause_id)
    if cause is None or not cause.active:
        raise NotFound(f"cause {cause_id!r} does not exist or takes no donations")
    fp = request_hash(op="donate", member=member_id, cause=cause_id, points=points)
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
        amount = donation_amount(cause, points)
        catalog.add_donation(
            conn,
            Donation(posted.entry_id, cause_id, member_id, points, amount, cause.currency, at),
        )
    return posted


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


def expire_member(conn: Connection, member_id: str, now: datetime) -> int:
    """Write the expiry entries of one member's lapsed lots; returns the points expired."""
    store.member_row(conn, member_id, lock=True)
    state = store.open_state(conn, member_id)
    done = 0
    for entry in plan_expiries(state, member_id=member_id, at=now, new_id=iter(new_id, None)):
        if store.entry_by_key(conn, entry.idempotency_key) is None:
            posting.append(conn, entry)
            done -= entry.points
    return done
