"""The ledger's entries: the one write path (lock, key, plan, append), credits, debits, expiry.

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
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.engine import Connection

from opencx.core import Conflict, InvalidInput, NotFound, new_id
from opencx.loyalty.domain import (
    Entry,
    FirstLots,
    MemberState,
    Program,
    check_amount,
    ensure_same_request,
    parse_program,
    plan_credit,
    plan_debit,
    plan_expiries,
    read_stored,
)
from opencx.loyalty.store import ledger as store
from opencx.loyalty.store import posting
from opencx.loyalty.store.ledger import state_of_rows


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
_NOTHING = state_of_rows(())  # a member that holds no lot and owes nothing


def program(conn: Connection) -> Program:
    """The program's settings (parsed once per distinct document)."""
    return parsed_program(store.program_text(conn))


def parsed_program(text: str | None) -> Program:
    """The program of a stored document text (``None``: the defaults), parsed once per text."""
    found = _PARSED.get(text)
    if found is None:
        if len(_PARSED) > 8:
            _PARSED.clear()
        found = _PARSED[text] = parse_program({}) if text is None else read_stored(text)
    return found


def check_active(member_id: str, status: str | None) -> None:
    """Refuse a write for a member that does not exist or is not active."""
    if status is None:
        raise NotFound(f"member {member_id!r} does not exist")
    if status != "active":
        raise Conflict(f"member {member_id!r} is {status}; it takes no new points")


def post(
    conn: Connection,
    member_id: str,
    key: str,
    plan: Callable[[MemberState, str, Program], Entry],
    *,
    fingerprint: str | None = None,
    amount: Decimal | None = None,
    locked: bool = False,
    enrolled: Program | None = None,
) -> Posted:
    """Lock the member, return the earlier result of ``key``, else plan and append one entry.

    Two round trips on PostgreSQL (:mod:`opencx.loyalty.store.posting`): one locks the
    member's row and reads the key's entry, the program (cached per document) and the open lots
    and debts; one appends the entry, its lot and its allocations. The balance after is the
    balance read plus the entry. Should a concurrent writer of the same key commit between
    this one's read and its insert, the unique constraint stops the second insert and
    :meth:`LoyaltyService._tx` runs the request again, which then finds the key.
    ``locked``: the caller holds the lock and has checked the member's status (a merge or an
    erasure moving points of a member it is about to mark). ``amount``: checked here, whoever
    the caller (:func:`~opencx.loyalty.domain.check_amount`: past the money bound an
    OutOfRange naming it, before anything is read or written; before, the store's
    StatementError).
    ``enrolled``: the member was enrolled in this transaction under this program, and this is
    its first write: no other transaction sees its row (nothing to lock), it is active and
    holds nothing, so only the key is read (one statement).
    """
    if not key or len(key) > 250:
        raise InvalidInput("idempotency key: 1 to 250 characters")
    if amount is not None:  # refused here for every caller, before anything is read or sent
        amount = check_amount(amount)
    if enrolled is not None:
        read = posting.Locked("active", posting.key_entry(conn, key), None, _NOTHING)
    else:
        read = posting.lock_for_write(conn, member_id, key)
    if not locked:
        check_active(member_id, read.status)
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
    entry = plan(state, new_id(), enrolled or parsed_program(read.program_text))
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
    times: tuple[datetime, datetime | None] | None = None,
    bounded: bool = True,
    enrolled: Program | None = None,
) -> Posted:
    """Credit ``points`` in a new lot expiring by the program's rule (``times``: spendable
    from and expiring at these instead, an earlier lot's). ``bounded``: as for
    :func:`~opencx.loyalty.domain.plan_credit` (False: points that existed come back, a
    reinstatement, and the balance may pass the bound). ``enrolled``: as for :func:`post`."""

    def plan(state: MemberState, eid: str, p: Program) -> Entry:
        return plan_credit(
            state,
            entry_id=eid,
            member_id=member_id,
            kind=kind,
            points=points,
            at=at,
            key=key,
            available_at=times[0] if times else p.spendable_from(at) if pending else at,
            expires_at=times[1] if times else p.expiry(at),
            reason=reason,
            ref=ref,
            # points given back are the order's own again: a later return reverses them first
            origin=ref if kind in ("earn", "reinstate") else None,
            bounded=bounded,
        )

    return post(
        conn,
        member_id,
        key,
        plan,
        fingerprint=fingerprint,
        amount=amount,
        locked=locked,
        enrolled=enrolled,
    )


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
    first_lot: FirstLots = None,
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
            floor=p.debit_floor() if floor == "program" else floor,
            reason=reason,
            ref=ref,
            first_lot=first_lot,
        )

    return post(conn, member_id, key, plan, fingerprint=fingerprint, locked=locked)


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
