"""Partner coalition: partners award and accept points; a settlement ledger records who owes what.

A partner that awards points buys them at its ``cost_per_point`` (it owes the program); a
partner that accepts points in payment is paid ``value_per_point`` (the program owes it). Each
award or acceptance writes one settlement line; a statement nets them per partner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from opencx.core.money import amount_at_rate


@dataclass(frozen=True, slots=True)
class Partner:
    id: str
    name: str
    cost_per_point: Decimal  # what the partner pays per point it awards
    value_per_point: Decimal  # what the program pays per point the partner accepts
    currency: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class SettlementLine:
    partner_id: str
    entry_id: str
    direction: str  # "receivable" (partner owes) or "payable" (program owes)
    points: int
    amount: Decimal
    currency: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PartnerStatement:
    partner: Partner
    points_awarded: int
    points_accepted: int
    receivable: Decimal
    payable: Decimal

    @property
    def net(self) -> Decimal:
        """Positive: the partner owes the program."""
        return self.receivable - self.payable


def settlement_amount(partner: Partner, points: int, *, awarded: bool) -> Decimal:
    """What ``points`` awarded (at the partner's cost) or accepted (at its value) settle for,
    to the cent (banker's rounding); InvalidInput naming ``points`` and the limit when it is
    10^14 or more, which no store keeps."""
    rate = partner.cost_per_point if awarded else partner.value_per_point
    return amount_at_rate(points, rate, where="points", currency=partner.currency)


def settlement_line(
    partner: Partner, entry_id: str, points: int, at: datetime, *, awarded: bool
) -> SettlementLine:
    return SettlementLine(
        partner.id,
        entry_id,
        "receivable" if awarded else "payable",
        points,
        settlement_amount(partner, points, awarded=awarded),
        partner.currency,
        at,
    )


def partner_statement(partner: Partner, lines: Iterable[SettlementLine]) -> PartnerStatement:
    rows = [line for line in lines if line.partner_id == partner.id]
    rec = [r for r in rows if r.direction == "receivable"]
    pay = [r for r in rows if r.direction == "payable"]
    return PartnerStatement(
        partner,
        sum(r.points for r in rec),
        sum(r.points for r in pay),
        sum((r.amount for r in rec), Decimal(0)),
        sum((r.amount for r in pay), Decimal(0)),
    )
