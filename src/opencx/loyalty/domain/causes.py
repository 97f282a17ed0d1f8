"""Value-based loyalty: members donate points to causes at the cause's conversion rate.

Each donation is a ``donate`` debit on the member's ledger and a row of the donation ledger
with the money it stands for at the rate of that day; a cause's statement sums that ledger.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from opencx.core.money import amount_at_rate


@dataclass(frozen=True, slots=True)
class Cause:
    id: str
    name: str
    money_per_point: Decimal
    currency: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class Donation:
    entry_id: str
    cause_id: str
    member_id: str
    points: int
    amount: Decimal
    currency: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CauseStatement:
    cause: Cause
    donations: int
    donors: int
    points: int
    amount: Decimal


def donation_amount(cause: Cause, points: int) -> Decimal:
    """Money a donation of ``points`` stands for, to the cent (banker's rounding);
    InvalidInput naming ``points`` and the limit when it is 10^14 or more, which no store
    keeps."""
    return amount_at_rate(points, cause.money_per_point, where="points", currency=cause.currency)


def cause_statement(cause: Cause, donations: Iterable[Donation]) -> CauseStatement:
    rows = [d for d in donations if d.cause_id == cause.id]
    return CauseStatement(
        cause,
        len(rows),
        len({d.member_id for d in rows}),
        sum(d.points for d in rows),
        sum((d.amount for d in rows), Decimal(0)),
    )
