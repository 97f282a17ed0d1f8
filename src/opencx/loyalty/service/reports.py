"""Reading the program: overview, the member view and statement, effectiveness, audits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core import NotFound
from opencx.core.money import CENT
from opencx.loyalty.domain import (
    CauseStatement,
    Effectiveness,
    PartnerStatement,
    Reward,
    active_term,
    cause_statement,
    effectiveness,
    match_pairs,
    partner_statement,
    program_faults,
    progress,
    rebuild,
)
from opencx.loyalty.service.ledger import program
from opencx.loyalty.store import catalog, engagement, orders, refusals, reports
from opencx.loyalty.store import ledger as store
from opencx.loyalty.store.reports import EARNED, REDEEMED


def value_of(points: int, rate: Decimal) -> Decimal:
    """``points`` at ``rate`` each, to the cent, exact however large: a sum over members (the
    liability) may pass 10^14, the bound of a stored amount, and a report shows it as it is.
    In the default context (28 digits) the product was rounded, and its quantize refused past
    28 digits (decimal.InvalidOperation: the overview was a 500).

    >>> value_of(3 * 999_999_999_999, Decimal("99999999999999.9999"))
    Decimal('299999999999699999700000000.00')
    """
    with localcontext() as ctx:
        ctx.prec = max(28, len(str(abs(points))) + 40)  # a rate holds at most 18 digits
        return (rate * points).quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Overview:
    program: str
    currency: str
    members: int
    active_members: int
    liability_points: int
    liability_value: Decimal
    debt_points: int
    earned: int
    redeemed: int
    expired: int
    reversed: int
    tiers: dict[str, int]
    plans: dict[str, int]
    refused_orders: int = 0  # orders the ledger took no points for (past the points bound)
    refused: tuple[Any, ...] = ()  # the latest of them: order_id, member_id, reason, at
    program_out_of_range: tuple[str, ...] = ()  # a stored program's values past a bound

    @property
    def active_share(self) -> float:
        return self.active_members / self.members if self.members else 0.0

    @property
    def redemption_rate(self) -> float:
        """Points redeemed (rewards, spends, partners, donations) per point earned."""
        return self.redeemed / self.earned if self.earned else 0.0

    @property
    def breakage(self) -> float:
        """Points that expired unused per point earned."""
        return self.expired / self.earned if self.earned else 0.0


def overview(conn: Connection, now: datetime) -> Overview:
    p = program(conn)
    by_kind = reports.points_by_kind(conn)
    in_lots, debt = reports.liability(conn)
    total, active = reports.member_counts(conn, now - timedelta(days=365))
    tiers: dict[str, int] = {t.key: 0 for t in p.tiers.tiers}
    current = engagement.current_tiers(conn)
    members = reports.active_members(conn)
    for member_id, _c, _e in members:
        key = current.get(member_id) or "none"
        tiers[key] = tiers.get(key, 0) + 1
    plans: dict[str, int] = {}
    for plan in engagement.active_terms(conn, now).values():
        plans[plan] = plans.get(plan, 0) + 1
    refused_orders, refused = refusals.latest(conn, 20)
    return Overview(
        program=p.name,
        currency=p.currency,
        members=total,
        active_members=active,
        liability_points=in_lots,
        liability_value=value_of(in_lots, p.point_value),
        debt_points=debt,
        earned=sum(by_kind.get(k, 0) for k in EARNED),
        redeemed=-sum(by_kind.get(k, 0) for k in REDEEMED),
        expired=-by_kind.get("expire", 0),
        reversed=-by_kind.get("reverse", 0) - by_kind.get("reinstate", 0),
        tiers=tiers,
        plans=plans,
        refused_orders=refused_orders,
        refused=tuple(refused),
        program_out_of_range=program_faults(p),
    )


@dataclass(frozen=True, slots=True)
class MemberView:
    member_id: str
    customer_id: str
    enrolled_at: datetime
    status: str
    balance: int
    spendable: int
    pending: int
    debt: int
    tier: str | None
    plan: str | None
    plan_ends_at: datetime | None
    badges: tuple[str, ...]
    entries: tuple[Any, ...]  # rows: id, kind, points, at, reason, ref
    rewards: tuple[tuple[Reward, int], ...]
    challenges: tuple[tuple[str, float, int], ...]  # name, progress, target


def member_id_of(conn: Connection, customer_id: str) -> str | None:
    row = store.member_by_customer(conn, [customer_id]).get(customer_id)
    return None if row is None else str(row.id)


def member_view(conn: Connection, member_id: str, now: datetime, limit: int = 50) -> MemberView:
    row = store.member_row(conn, member_id)
    if row is None:
        raise NotFound(f"member {member_id!r} does not exist")
    merged = [
        r.id
        for r in conn.execute(
            sa.select(store.members.c.id).where(store.members.c.merged_into == member_id)
        )
    ]
    state = store.open_state(conn, member_id)
    term = active_term(engagement.member_terms(conn, member_id), now)
    acts = engagement.member_activities(conn, [member_id])
    challenges = tuple(
        (c.name, progress(c, acts), c.target) for c in engagement.open_challenges(conn, None, now)
    )
    return MemberView(
        member_id=member_id,
        customer_id=row.customer_id,
        enrolled_at=row.enrolled_at,
        status=row.status,
        balance=state.balance,
        spendable=max(state.spendable(now), 0) if state.debt == 0 else state.spendable(now),
        pending=state.pending(now),
        debt=state.debt,
        tier=engagement.current_tiers(conn, [member_id]).get(member_id),
        plan=None if term is None else term.plan,
        plan_ends_at=None if term is None else term.ends_at,
        badges=tuple(
            b.badge or b.challenge_id for b in engagement.member_badges(conn, [member_id])
        ),
        entries=tuple(store.statement_rows(conn, [member_id, *merged], limit)),
        rewards=tuple(r for r in catalog.all_rewards(conn) if r[0].active),
        challenges=challenges,
    )


def audit(conn: Connection, member_id: str) -> tuple[int, int, bool]:
    """``(projected balance, rebuilt balance, all equal)``: the open lots and debts as summed by
    SQL, the fold of every entry, and the plain sum of entry points must all agree."""
    projected = store.open_state(conn, member_id)
    rebuilt = rebuild(store.member_entries(conn, [member_id]))
    same = (
        projected.balance == rebuilt.balance == store.entry_sum(conn, member_id)
        and projected.debt == rebuilt.debt
        and {lot.id: projected.remaining(lot.id) for lot in projected.open_lots()}
        == {lot.id: rebuilt.remaining(lot.id) for lot in rebuilt.open_lots()}
    )
    return projected.balance, rebuilt.balance, same


def cause_statements(conn: Connection) -> list[CauseStatement]:
    causes = catalog.all_causes(conn)
    donations = catalog.donations_of(conn, [c.id for c in causes])
    return [cause_statement(c, donations) for c in causes]


def partner_statements(conn: Connection) -> list[PartnerStatement]:
    partners = catalog.all_partners(conn)
    lines = catalog.settlement_lines(conn, [p.id for p in partners])
    return [partner_statement(p, lines) for p in partners]


def program_effectiveness(
    conn: Connection, now: datetime, *, days: int = 180, margin: float = 0.3
) -> Effectiveness:
    """Members against matched non-members around enrolment (see the domain module)."""
    p = program(conn)
    history = orders.order_history(conn)
    enrolled = {
        customer: at
        for _m, customer, at in reports.active_members(conn)
        if at + timedelta(days=days) <= now  # a full post window has passed
    }
    pairs = match_pairs(history, enrolled, days)
    by_kind = reports.points_by_kind(conn)
    cost = float(p.point_value) * -sum(by_kind.get(k, 0) for k in REDEEMED)
    return effectiveness(pairs, members=len(enrolled), days=days, cost=cost, margin=margin)
