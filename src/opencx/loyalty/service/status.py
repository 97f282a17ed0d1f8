"""Tiers, paid terms, challenges, draws, and what merges and erasure do to members.

A merge moves every open lot of the merged member to the survivor as a ``merge_out`` /
``merge_in`` pair that keeps each lot's return window and expiry (and moves debt the same
way); the merged member's history stays where it was written and shows in the survivor's
statement. Erasure forfeits the balance (``expire`` entries with reason ``erased``) and blanks
the free text of the member's entries; the point amounts stay, as an auditor needs them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core import Conflict, InvalidInput, NotFound, new_id
from opencx.core.money import MONEY_LIMIT
from opencx.loyalty.domain import (
    DRAW_SCHEME,
    Challenge,
    Entry,
    MemberState,
    OutOfRange,
    Program,
    check_amount,
    check_points,
    check_program_amount,
    draw_winners,
    evaluate_tier,
    next_term,
    plan_credit,
    plan_debit,
    seed_commitment,
    tier_order_checks,
    verify_result,
    window_start,
)
from opencx.loyalty.service.ledger import Posted, earn, post, program
from opencx.loyalty.store import engagement, refusals, reports
from opencx.loyalty.store import ledger as store

RECORDED_MAX = MONEY_LIMIT - 1
"""What a tier change records for a qualifying value of 10^14 or more, which its ``MONEY``
column refuses: 99,999,999,999,999, the largest whole amount both stores read back as written
(SQLite's double turns 99,999,999,999,999.9999 into 10^14). The tier is decided on the value
itself; no threshold reaches 10^14 (``check_program_points``)."""


def evaluate_tiers(conn: Connection, now: datetime) -> dict[str, int]:
    """The tier job: every active member's tier from their qualifying value; changes appended."""
    policy = program(conn).tiers
    if not policy.tiers:
        return {"evaluated": 0, "up": 0, "down": 0}
    for check in tier_order_checks(policy):  # a stored program's tiers out of their order:
        try:  # no member is moved under them, nothing written, until the program is set
            check()
        except InvalidInput as exc:
            raise OutOfRange(f"tiers not evaluated: {exc}") from exc
    values = reports.qualifying(conn, policy.basis, window_start(policy.window, now))
    current = engagement.current_tiers(conn)
    held = engagement.tiers_held(conn)
    up = down = n = 0
    for member_id, _customer, _enrolled in reports.active_members(conn):
        n += 1
        before = current.get(member_id)
        value = values.get(member_id, Decimal(0))
        after = evaluate_tier(policy, before, value, held.get(member_id, set()))
        if after == before:
            continue
        if policy.rank(after) > policy.rank(before):
            up += 1
        else:
            down += 1
        engagement.add_tier_change(
            conn,
            id=new_id(),
            member_id=member_id,
            tier=after,
            previous=before,
            # a sum of many entries (points earned, spend over the window) may pass an amount
            value=value if value < MONEY_LIMIT else RECORDED_MAX,
            at=now,
        )
    return {"evaluated": n, "up": up, "down": down}


def join_plan(conn: Connection, member_id: str, plan_key: str, key: str, now: datetime) -> Any:
    """Pay a plan's fee: a new term (renewal extends without a gap) and its welcome points."""
    p = program(conn)
    plan = p.plan(plan_key)
    where = f"plan {plan.key!r}: its fee"
    check_amount(plan.fee, where=where)  # a program stored past it
    check_program_amount(plan.fee, where)  # or stored negative, or of more than 4 decimals
    if plan.term_months <= 0:  # stored so: a term ending before it starts, its fee charged
        raise InvalidInput(f"plan {plan.key!r}: its term_months: must be a positive whole number")
    store.member_row(conn, member_id, lock=True)
    found = engagement.term_by_key(conn, key)
    if found is not None:
        return found
    term = next_term(plan, member_id, engagement.member_terms(conn, member_id), now)
    engagement.add_term(
        conn,
        id=new_id(),
        member_id=member_id,
        plan=plan.key,
        starts_at=term.starts_at,
        ends_at=term.ends_at,
        fee=term.fee,
        currency=term.currency,
        idempotency_key=key,
    )
    if plan.welcome_points:
        earn(
            conn,
            member_id,
            plan.welcome_points,
            f"{key}:welcome",
            now,
            kind="bonus",
            reason=f"{plan.name} welcome",
            ref=f"plan:{plan.key}",
        )
    return engagement.term_by_key(conn, key)


def add_challenge(conn: Connection, challenge: Challenge) -> Challenge:
    check_points(challenge.points, where="challenge.points")  # the entry its completion earns
    check_points(challenge.target, where="challenge.target", unit="")  # BIGINT: migration 0036
    engagement.put_challenge(conn, challenge)
    return challenge


def create_draw(
    conn: Connection, name: str, prize: str, winners: int, points_per_ticket: int, now: datetime
) -> tuple[str, str]:
    """A draw and its secret seed (shown once; only its SHA-256 commitment is stored)."""
    if winners <= 0 or points_per_ticket <= 0:
        raise InvalidInput("draw: winners and points per ticket must be positive")
    check_points(winners, where="draw: winners", unit="")  # BIGINT: migration 0036
    check_points(points_per_ticket, where="draw: points per ticket")  # a balance's worth
    seed = secrets.token_hex(16)
    draw_id = new_id()
    engagement.add_draw(
        conn,
        id=draw_id,
        name=name,
        prize=prize,
        winners=winners,
        points_per_ticket=points_per_ticket,
        commitment=seed_commitment(seed),
        created_at=now,
    )
    return draw_id, seed


def run_draw(conn: Connection, draw_id: str, seed: str, now: datetime) -> dict[str, Any]:
    """Tickets from each member's balance, winners from the revealed seed; stored for audit."""
    row = engagement.draw(conn, draw_id)
    if row is None:
        raise NotFound(f"draw {draw_id!r} does not exist")
    if row.drawn_at is not None:
        raise Conflict(f"draw {row.name!r} was drawn at {row.drawn_at:%Y-%m-%d %H:%M}")
    if seed_commitment(seed) != row.commitment:
        raise InvalidInput("draw: the seed does not match the published commitment")
    balances = conn.execute(
        sa.select(store.entries.c.member_id, sa.func.sum(store.entries.c.points).label("b"))
        .join(store.members, store.members.c.id == store.entries.c.member_id)
        .where(store.members.c.status == "active")
        .group_by(store.entries.c.member_id)
    )
    tickets = {r.member_id: int(r.b) // row.points_per_ticket for r in balances}
    tickets = {m: t for m, t in tickets.items() if t > 0}
    chosen = draw_winners(tickets, seed, row.winners, DRAW_SCHEME)
    result = {"scheme": DRAW_SCHEME, "tickets": tickets, "winners": [m for m, _ in chosen]}
    engagement.finish_draw(conn, draw_id, seed=seed, drawn_at=now, result=result)
    return result


def verify_stored_draw(conn: Connection, draw_id: str) -> bool:
    """Whether draw ``draw_id``'s stored result is what its revealed seed gives (a result
    stored before 2026-12-07, without a scheme, by the ticket-hash scheme it was drawn by)."""
    row = engagement.draw(conn, draw_id)
    if row is None:
        raise NotFound(f"draw {draw_id!r} does not exist")
    if row.drawn_at is None or row.result is None:
        raise Conflict(f"draw {row.name!r} has not been drawn yet")
    return verify_result(row.commitment, row.seed, row.result)


def _move_lots(
    conn: Connection,
    merged: str,
    survivor: str,
    key: str,
    now: datetime,
    only: set[str] | None = None,
) -> int:
    """Move the open lots of ``merged`` (``only`` these) to ``survivor``, keeping each lot's
    return window and expiry; on an undo ``merged`` is the survivor, giving back."""
    state = store.open_state(conn, merged)
    moved = 0
    undo = only is not None
    for lot in state.open_lots():
        if only is not None and lot.id not in only:
            continue
        left = state.remaining(lot.id)

        def out(
            s: MemberState, eid: str, _p: Program, lot_id: str = lot.id, n: int = left
        ) -> Entry:
            return plan_debit(
                s,
                entry_id=eid,
                member_id=merged,
                kind="merge_out",
                points=n,
                at=now,
                key=f"{key}:{lot_id}:out",
                floor=None,
                first_lot=lot_id,
                reason=f"merge undone: back to member {survivor}"
                if undo
                else f"merged into member {survivor}",
                ref=f"member:{survivor}",
                bounded=False,  # moves points that exist
            )

        def into(s: MemberState, eid: str, _p: Program, src: Any = lot, n: int = left) -> Entry:
            return plan_credit(
                s,
                entry_id=eid,
                member_id=survivor,
                kind="merge_in",
                points=n,
                at=now,
                key=f"{key}:{src.id}:in",
                available_at=src.available_at,
                expires_at=src.expires_at,
                origin=src.origin,
                reason=f"merge undone: back from member {merged}"
                if undo
                else f"merged from member {merged}",
                ref=f"member:{merged}",
                bounded=False,  # moves points that exist
            )

        post(conn, merged, f"{key}:{lot.id}:out", out, locked=True)
        post(conn, survivor, f"{key}:{lot.id}:in", into, locked=True)
        moved += left
    return moved


def merge_members(
    conn: Connection, pairs: Iterable[tuple[str, str]], key: str, now: datetime
) -> None:
    """Follow a customers merge: the survivor's member takes the merged member's points."""
    for survivor_c, merged_c in pairs:
        found = store.member_by_customer(conn, [survivor_c, merged_c])
        merged = found.get(merged_c)
        if merged is None or merged.status != "active":
            continue
        survivor = found.get(survivor_c)
        if survivor is None:  # the survivor was no member: the membership moves over
            store.set_member(conn, merged.id, customer_id=survivor_c)
            continue
        for member_id in sorted((merged.id, survivor.id)):
            store.member_row(conn, member_id, lock=True)
        _move_lots(conn, merged.id, survivor.id, f"merge:{key}:{merged.id}", now)
        debt = store.open_state(conn, merged.id).debt
        if debt:
            _transfer_debt(
                conn, debt, f"merge:{key}:{merged.id}", now, merged=merged.id, survivor=survivor.id
            )
        store.set_member(conn, merged.id, status="merged", merged_into=survivor.id)


def unmerge_members(conn: Connection, merge: Any, now: datetime) -> None:
    """Follow an undone merge (``merge``: the customers slice's plan): a membership that moved
    to the survivor moves back; a merged member is active again and takes back the points it
    brought that the survivor has not spent (points spent since stay spent)."""
    store.move_members_back(conn, merge)
    found = store.member_by_customer(conn, [merge.survivor_id, merge.merged_id])
    merged, survivor = found.get(merge.merged_id), found.get(merge.survivor_id)
    if merged is None or survivor is None or merged.merged_into != survivor.id:
        return
    if merged.status != "merged":
        return
    for member_id in sorted((merged.id, survivor.id)):
        store.member_row(conn, member_id, lock=True)
    brought = store.lots_brought(conn, survivor.id, f"member:{merged.id}")
    key = f"unmerge:{merge.merge_id}:{merged.id}"
    _move_lots(conn, survivor.id, merged.id, key, now, only=brought)
    debt = store.debt_moved(conn, survivor.id, merged.id, merge.merge_id)
    if debt:
        _transfer_debt(conn, debt, key, now, merged=merged.id, survivor=survivor.id, back=True)
    store.set_member(conn, merged.id, status="active", merged_into=None)


def _transfer_debt(
    conn: Connection,
    debt: int,
    key: str,
    now: datetime,
    *,
    merged: str,
    survivor: str,
    back: bool = False,
) -> None:
    """Move ``debt`` points of debt from the merged member to its survivor on a merge, or back
    when the merge is undone (``back``).

    The member relieved is credited (``{key}:debt:in``: on a merge that credit settles exactly
    the merged member's open debt; back, it is the survivor's lot, expiring as an earn would,
    unless it only settles the survivor's open debt: a lot nothing is left in needs no expiry,
    so a stored ``expiry_months`` out of range refuses the undo only when points are left
    open) and the other is debited with no floor (``{key}:debt:out``: debt again unless its
    spendable lots pay it). :func:`opencx.loyalty.store.ledger.debt_moved` finds a merge's
    transfer by the survivor's ``debt:out`` key, so an undo moves back what the merge moved.
    """
    if back:
        relieved, charged = survivor, merged
        credit_reason = f"merge undone: debt of member {merged} back to it"
        debit_reason = f"merge undone: debt back from member {survivor}"
    else:
        relieved, charged = merged, survivor
        credit_reason, debit_reason = "debt moved to survivor", f"debt of merged member {merged}"

    def settle(s: MemberState, eid: str, p: Program) -> Entry:
        return plan_credit(
            s,
            entry_id=eid,
            member_id=relieved,
            kind="merge_in",
            points=debt,
            at=now,
            key=f"{key}:debt:in",
            # back, the points left once the survivor's debt is settled expire as an earn's
            expires_at=p.expiry(now) if back and debt > s.debt else None,
            reason=credit_reason,
            ref=f"member:{charged}" if back else None,
            bounded=False,  # moves points that exist
        )

    def owe(s: MemberState, eid: str, _p: Program) -> Entry:
        return plan_debit(
            s,
            entry_id=eid,
            member_id=charged,
            kind="merge_out",
            points=debt,
            at=now,
            key=f"{key}:debt:out",
            floor=None,
            reason=debit_reason,
            ref=f"member:{relieved}" if back else None,
            bounded=False,  # moves points that exist
        )

    post(conn, relieved, f"{key}:debt:in", settle, locked=True)
    post(conn, charged, f"{key}:debt:out", owe, locked=True)


def _forfeit(conn: Connection, member_id: str, lot_id: str, points: int, now: datetime) -> None:
    def plan(s: MemberState, eid: str, _p: Program) -> Entry:
        return plan_debit(
            s,
            entry_id=eid,
            member_id=member_id,
            kind="expire",
            points=points,
            at=now,
            key=f"erase:{lot_id}",
            floor=None,
            first_lot=lot_id,
            reason="erased",
            bounded=False,  # an erasure is never refused
        )

    post(conn, member_id, f"erase:{lot_id}", plan, locked=True)


def erase_members(conn: Connection, customer_ids: Iterable[str], now: datetime) -> int:
    """Follow an erasure: forfeit the balance, blank free text, mark the member erased, and
    forget the member's refused orders (their sentences name the orders)."""
    rows = store.member_by_customer(conn, list(customer_ids))
    for row in rows.values():
        store.member_row(conn, row.id, lock=True)
        state = store.open_state(conn, row.id)
        for lot in state.open_lots():
            _forfeit(conn, row.id, lot.id, state.remaining(lot.id), now)
        conn.execute(
            store.entries.update()
            .where(store.entries.c.member_id == row.id, store.entries.c.reason != "")
            .values(reason="[erased]")
        )
        store.set_member(conn, row.id, status="erased", erased_at=now)
    refusals.forget_members(conn, [row.id for row in rows.values()])
    return len(rows)


__all__ = ["Posted"]
