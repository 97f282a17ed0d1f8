"""Earning from orders and events, return reversal, and the challenges events complete.

An order earns once (key ``order:<id>``), on its positive merchandise lines, with the member's
tier and paid-plan multipliers, in a lot that waits out the return window. When the order comes
back with return lines (or cancelled), the points reverse pro rata to the value returned, as
compensating ``reverse`` entries against the order's own lot first; reversals are cumulative
(key ``order:<id>:reverse:<total>``), so re-delivered imports never reverse twice. A return a
re-import unlinks gives its points back (``reinstate``, key ``order:<id>:reinstate:<total>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.engine import Connection

from opencx.core import new_id
from opencx.core.money import MONEY_INTEGER_DIGITS, MONEY_LIMIT
from opencx.loyalty.domain import (
    OutOfRange,
    Program,
    capped_reversal,
    completed,
    event_points,
    exact_product,
    order_points,
    period_start,
    reversal_points,
)
from opencx.loyalty.service.ledger import Posted, debit, earn, parsed_program, program
from opencx.loyalty.service.ledger.enrolment import enroll_customer
from opencx.loyalty.store import engagement, orders, refusals
from opencx.loyalty.store import ledger as store
from opencx.loyalty.store.refusals import Refusal


def multiplier(conn: Connection, p: Program, member_id: str, at: datetime) -> Decimal:
    """The member's earning multiplier: tier benefit times paid-plan benefit, exactly."""
    factors: list[Decimal] = []
    tier = (
        p.tiers.get(engagement.current_tiers(conn, [member_id]).get(member_id))
        if p.tiers.tiers
        else None
    )
    if tier is not None:
        factors.append(tier.multiplier)
    if p.plans:
        plan_key = engagement.active_terms(conn, at, [member_id]).get(member_id)
        plan = next((x for x in p.plans if x.key == plan_key), None)  # a retired plan: none
        if plan is not None:
            factors.append(plan.multiplier)
    return exact_product(factors)


def _member_ids(
    conn: Connection,
    p: Program,
    heads: Sequence[orders.OrderHead],
    now: datetime,
    *,
    enroll_new: bool = True,
) -> tuple[dict[str, str], set[str]]:
    """Customer id → active member id of the orders' customers, and the members enrolled
    here: with the program's auto-enrolment (and ``enroll_new``) the others are enrolled, the
    customers and their memberships read in one statement."""
    customer_ids = sorted({h.customer_id for h in heads if h.customer_id})
    if not (p.auto_enroll and enroll_new):
        members = store.member_by_customer(conn, customer_ids)
        return {c: r.id for c, r in members.items() if r.status == "active"}, set()
    read = store.enrolling(conn, customer_ids)
    found = {
        c: r.member_id
        for c, r in read.items()
        if r.member_id is not None and r.member_status == "active"
    }
    enrolled: set[str] = set()
    for c in customer_ids:
        if c not in found:
            found[c], new = enroll_customer(conn, c, now, "order", read)
            if new:
                enrolled.add(found[c])
    return found, enrolled


def _members_and_facts(
    conn: Connection,
    p: Program,
    order_ids: Iterable[str],
    now: datetime,
    *,
    enroll_new: bool = True,
) -> tuple[dict[str, str], set[str], list[orders.OrderFacts]]:
    """The members of the orders' customers and those enrolled here (:func:`_member_ids`),
    and the facts of those of these orders (and of the orders their returns reverse) that a
    member placed."""
    heads = orders.order_heads(conn, sorted(set(order_ids)))
    members, enrolled = _member_ids(conn, p, heads, now, enroll_new=enroll_new)
    facts = orders.facts_of(conn, [h for h in heads if h.customer_id in members])
    return members, enrolled, facts


@dataclass(frozen=True, slots=True)
class Earned:
    """What earning for a set of orders wrote (``posted``), and the orders the ledger refused
    alone (past the points bound; nothing of them was written, the others earned)."""

    posted: tuple[Posted, ...] = ()
    refused: tuple[Refusal, ...] = ()

    @property
    def written(self) -> int:
        """Ledger entries written (a retried order's are answered from their keys)."""
        return sum(not p.duplicate for p in self.posted)


def earn_orders(conn: Connection, order_ids: Iterable[str], now: datetime) -> Earned:
    """Earn (and reverse returns) for these orders of members; others are left alone (their
    lines are not read).

    An order whose points the ledger refuses (past the points bound: the entry, or the
    member's balance after it) is refused alone: nothing of it is written (no entry, no
    activity, no challenge), the refusal is kept with a sentence naming the order
    (:mod:`opencx.loyalty.store.refusals`) and returned, and the other orders earn. So is a
    return whose reversal the ledger refuses (a balance near -10^12 with no floor)."""
    text, kept = refusals.program_and_kept(conn)  # one statement
    p = parsed_program(text)
    members, enrolled, facts = _members_and_facts(conn, p, order_ids, now)
    done: list[Posted] = []
    refused: list[Refusal] = []
    taken: list[str] = []
    for order in sorted(facts, key=lambda f: (f.placed_at, f.id)):
        member_id = members.get(order.customer_id or "")
        if member_id is None:
            continue
        first = member_id in enrolled  # its first order here: nothing written for it yet
        enrolled.discard(member_id)
        try:
            done += _earn_order(conn, p, member_id, order, now, enrolled_now=first)
        except OutOfRange as exc:  # _earn_order raises before writing anything of the order
            refused.append(Refusal(order.id, member_id, str(exc)))
            continue
        taken.append(order.id)
    refusals.settle(conn, refused, taken, now, kept=kept)
    return Earned(tuple(done), tuple(refused))


def reinstate_orders(conn: Connection, order_ids: Iterable[str], now: datetime) -> list[Posted]:
    """Give back what returns no longer take on these orders (a re-import moved their returns
    to another order, or to none: ``ReturnsMoved``), to their customers' active members; only
    given back here, never earned or reversed (an order a history import wrote earned
    nothing, and nothing was reversed on it)."""
    p = program(conn)
    members, _enrolled, facts = _members_and_facts(conn, p, order_ids, now, enroll_new=False)
    done: list[Posted] = []
    for order in sorted(facts, key=lambda f: (f.placed_at, f.id)):
        member_id = members.get(order.customer_id or "")
        if member_id is not None:
            done += _reverse_returns(conn, p, member_id, order, now, reverse=False)
    return done


def _earn_order(
    conn: Connection,
    p: Program,
    member_id: str,
    order: orders.OrderFacts,
    now: datetime,
    *,
    enrolled_now: bool = False,
) -> list[Posted]:
    """``enrolled_now``: the member was enrolled in this transaction and nothing was written
    for it yet, so the order's earn, its first write, reads only its key."""
    ref = f"order:{order.id}"
    out: list[Posted] = []
    if order.status != "cancelled" and order.gross > 0:
        if order.gross >= MONEY_LIMIT:  # each line within the bounds, their sum past them: the
            # entry keeps the order's amount beside its points, in a money column
            raise OutOfRange(
                f"order {order.name} of {order.gross} {order.currency}: its amount is out of"
                f" range (at most {MONEY_INTEGER_DIGITS} digits before the decimal point)"
            )
        mult = multiplier(conn, p, member_id, order.placed_at)
        try:  # a negative rate of a program stored out of range: refused, nothing written
            points = order_points(p.earning, order.lines, multiplier=mult)
        except OutOfRange as exc:
            raise OutOfRange(
                f"order {order.name} of {order.gross} {order.currency}: {exc}"
            ) from exc
        if points > 0:
            try:  # the order's first write: refused, nothing of the order is written
                posted = earn(
                    conn,
                    member_id,
                    points,
                    ref,
                    order.placed_at,
                    kind="earn",
                    ref=ref,
                    pending=True,
                    amount=order.gross,
                    reason="order",
                    enrolled=p if enrolled_now else None,
                )
            except OutOfRange as exc:  # past the ledger's bound: say which order
                raise OutOfRange(
                    f"order {order.name} of {order.gross} {order.currency}: {exc}"
                ) from exc
            out.append(posted)
        engagement.add_activity(
            conn,
            id=new_id(),
            member_id=member_id,
            kind="order",
            value=float(order.gross),
            at=order.placed_at,
            idempotency_key=ref,
        )
        _challenges(conn, member_id, "order", order.placed_at, p)
    try:
        out += _reverse_returns(conn, p, member_id, order, now)
    except OutOfRange as exc:  # a reversal refused is not written (nor is the order's earn:
        # its reversal fits in the balance the earn raised; this is an earlier delivery's)
        raise OutOfRange(
            f"order {order.name} of {order.gross} {order.currency}, return of"
            f" {order.returned}: {exc}"
        ) from exc
    return out


def _reverse_returns(
    conn: Connection,
    p: Program,
    member_id: str,
    order: orders.OrderFacts,
    now: datetime,
    *,
    reverse: bool = True,
) -> list[Posted]:
    """Bring the points reversed on ``order`` to what its returns now take: ``reverse`` entries
    up to it, or ``reinstate`` entries back down to it when returns no longer reverse it (a
    re-import unlinked them; ``reverse=False``: only those). Keyed by the running total of each
    kind, so the same state posts nothing twice, and a reversal after a reinstatement gets a
    key of its own."""
    ref = f"order:{order.id}"
    sums = store.points_by_ref(conn, [ref]).get(ref, {})
    earned = sums.get("earn", 0)
    reversed_, reinstated = -sums.get("reverse", 0), sums.get("reinstate", 0)
    done = reversed_ - reinstated
    target = reversal_points(earned, order.gross, order.returned, 0)
    if target < done:
        own = store.lots_of_origin(conn, ref)
        back = done - target
        return [
            earn(
                conn,
                member_id,
                back,
                f"{ref}:reinstate:{reinstated + back}",
                now,
                kind="reinstate",
                reason="return undone",
                ref=ref,
                times=store.lot_times(conn, own[0]) if own else None,
                # points the order earned come back, as a merge moves points that exist: never
                # refused for the bound (the balance may pass it by what was reversed)
                bounded=False,
            )
        ]
    points = target - done
    if points <= 0 or not reverse:
        return []  # its lots are read only when something moves
    own = store.lots_of_origin(conn, ref)
    store.member_row(conn, member_id, lock=True)
    floor = p.debit_floor()  # a stored floor above 0 would keep points a return takes back
    points = capped_reversal(store.open_state(conn, member_id), points, now, floor, own)
    if points <= 0:
        return []
    key = f"{ref}:reverse:{reversed_ + points}"
    return [
        debit(
            conn,
            member_id,
            points,
            key,
            now,
            kind="reverse",
            reason="return",
            ref=ref,
            floor=floor,
            first_lot=own,
        )
    ]


def record_event(
    conn: Connection,
    member_id: str,
    kind: str,
    key: str,
    at: datetime,
    value: Decimal = Decimal(1),
) -> list[Posted]:
    """An activity (review, referral, survey, birthday, app download, visit, ...): its event
    points under the rule's cap, and the challenges it completes. ``value`` (what a ``sum``
    challenge adds up) arrives from the edge as an amount by the house rule (rounded half away
    from zero to 4 decimals, under 10^14 in size: ``opencx.core.money.round_money``, as
    ``POST /api/events`` reads one) and is kept as the activities' double, as an order's
    value is."""
    p = program(conn)
    store.member_row(conn, member_id, lock=True)
    fresh = engagement.add_activity(
        conn,
        id=new_id(),
        member_id=member_id,
        kind=kind,
        value=float(value),
        at=at,
        idempotency_key=f"event:{key}",
    )
    if not fresh:
        found = store.entry_by_key(conn, f"event:{key}")
        return (
            [] if found is None else [earn(conn, member_id, int(found.points), f"event:{key}", at)]
        )
    out: list[Posted] = []
    rule = p.earning.events.get(kind)
    if rule is not None:
        since = period_start(at, rule.period)
        before = engagement.count_activities(conn, member_id, kind, since) - 1
        points = event_points(rule, before)
        if points:
            out.append(
                earn(
                    conn,
                    member_id,
                    points,
                    f"event:{key}",
                    at,
                    kind="bonus",
                    reason=kind,
                    ref=f"event:{kind}",
                )
            )
    return out + _challenges(conn, member_id, kind, at, p)


def _challenges(
    conn: Connection, member_id: str, kind: str, at: datetime, p: Program
) -> list[Posted]:
    out: list[Posted] = []
    for challenge in engagement.open_challenges(conn, kind, at):
        if engagement.has_badge(conn, member_id, challenge.id):
            continue
        if not completed(challenge, engagement.member_activities(conn, [member_id], [kind])):
            continue
        if challenge.points:
            try:  # before the badge: refused at the bound, the challenge completes later
                posted = earn(
                    conn,
                    member_id,
                    challenge.points,
                    f"challenge:{challenge.id}:{member_id}",
                    at,
                    kind="bonus",
                    reason=challenge.name,
                    ref=f"challenge:{challenge.id}",
                )
            except OutOfRange:
                continue
            out.append(posted)
        engagement.add_badge(
            conn, member_id=member_id, challenge_id=challenge.id, badge=challenge.badge, at=at
        )
    return out
