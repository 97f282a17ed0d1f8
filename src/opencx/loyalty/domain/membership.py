"""Paid (VIP) membership: plans with a fee and a term, renewal and lapse, and their benefits.

A renewal paid before the term ends extends it without a gap; one paid after the lapse starts a
new term on the day it is paid. Benefits while active: an earning multiplier and welcome points.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from opencx.core.errors import Conflict, InvalidInput
from opencx.core.money import to_decimal


@dataclass(frozen=True, slots=True)
class Plan:
    key: str
    name: str
    fee: Decimal
    currency: str
    term_months: int = 12
    multiplier: Decimal = Decimal(1)
    welcome_points: int = 0
    benefits: tuple[str, ...] = ()

    def document(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "fee": f"{self.fee:f}",
            "term_months": self.term_months,
            "multiplier": f"{self.multiplier:f}",
            "welcome_points": self.welcome_points,
            "benefits": list(self.benefits),
        }


@dataclass(frozen=True, slots=True)
class Term:
    """One paid term of a plan (a row of the membership ledger)."""

    member_id: str
    plan: str
    starts_at: datetime
    ends_at: datetime
    fee: Decimal
    currency: str


LAST_INSTANT = datetime.max.replace(tzinfo=UTC)
"""The last instant a datetime holds, 9999-12-31 23:59:59.999999 UTC: the latest an order may
be placed (an import refuses a time past year 9999, which no store keeps), and the date of a lot
or a term that would end later, which in practice never comes."""


def add_months(at: datetime, months: int) -> datetime:
    """``at`` plus whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb), and
    to :data:`LAST_INSTANT` when that passes year 9999 (an order of 9999 earns a lot expiring
    then, not a 'year 10000 is out of range').

    >>> add_months(datetime(2024, 1, 31, tzinfo=UTC), 1).date()
    datetime.date(2024, 2, 29)
    >>> add_months(datetime(9999, 6, 1, tzinfo=UTC), 12) == LAST_INSTANT
    True
    """
    month = at.month - 1 + months
    year, month = at.year + month // 12, month % 12 + 1
    if year > LAST_INSTANT.year:
        return LAST_INSTANT
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


def next_term(plan: Plan, member_id: str, terms: Iterable[Term], now: datetime) -> Term:
    """The term a payment made ``now`` buys: right after the current one, or from now.

    Conflict when it would buy no time: the current term already ends at
    :data:`LAST_INSTANT` (where every term ends at the latest), or ``now`` is that instant.
    Before, such a renewal was a term from the last instant to itself, its fee charged."""
    current_end = max((t.ends_at for t in terms if t.plan == plan.key), default=None)
    start = current_end if current_end is not None and current_end > now else now
    ends = add_months(start, plan.term_months)
    if ends <= start:
        last = f"{LAST_INSTANT:%Y-%m-%d %H:%M:%S} UTC"
        why = "it is now" if start == now else "the member's term already runs to it"
        raise Conflict(
            f"plan {plan.key!r}: a term ends at {last} at the latest, the last instant kept,"
            f" and {why}; a payment now would buy no time, so none is taken"
        )
    return Term(member_id, plan.key, start, ends, plan.fee, plan.currency)


def active_term(terms: Iterable[Term], now: datetime) -> Term | None:
    """The term in force at ``now`` (None: never joined, or lapsed)."""
    live = [t for t in terms if t.starts_at <= now < t.ends_at]
    return max(live, key=lambda t: t.ends_at, default=None)


def _whole(value: Any, where: str) -> int:
    try:
        return int(value)  # as before: 500, "500" and 500.0 are 500
    except (TypeError, ValueError, OverflowError):  # "many", null, NaN, a float's infinity
        raise InvalidInput(f"{where}: {value!r} is not a whole number") from None


def parse_plans(raw: Any, currency: str) -> tuple[Plan, ...]:
    if not isinstance(raw, list):
        raise InvalidInput("program.plans: expected a list")
    plans = []
    for i, p in enumerate(raw):
        where = f"plans[{i}]"
        if not isinstance(p, dict) or "key" not in p or "fee" not in p:
            raise InvalidInput(f"{where}: expected {{'key': ..., 'fee': ..., 'term_months': N}}")
        term = p.get("term_months", 12)
        if not isinstance(term, int):  # its sign: check_program_points, program_faults
            raise InvalidInput(f"{where}.term_months: must be a positive whole number")
        plans.append(
            Plan(
                key=str(p["key"]),
                name=str(p.get("name", p["key"])),
                # its bounds, sign and decimals: check_program_points, program_faults
                fee=to_decimal(p["fee"], where=f"{where}.fee"),
                currency=currency,
                term_months=term,
                multiplier=to_decimal(p.get("multiplier", 1), where=f"{where}.multiplier"),
                welcome_points=_whole(p.get("welcome_points", 0), f"{where}.welcome_points"),
                benefits=tuple(str(b) for b in p.get("benefits", ())),
            )
        )
    return tuple(plans)
