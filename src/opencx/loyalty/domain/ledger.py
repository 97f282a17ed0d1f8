"""The points ledger: append-only entries, lots, and allocations of debits against lots.

Every change to a member's points is an :class:`Entry`. A credit (earn, transfer in, adjustment
up) opens a :class:`Lot` with the time its points become spendable (``available_at``, after a
return window) and the time they expire. A debit (spend, expiry, return reversal, transfer out,
donation) carries :class:`Allocation` rows that say which lots paid for it, earliest expiry
first; what no lot could pay is *debt* (``lot_id=None``), allowed only where the program lets a
balance go negative. A later credit settles open debt from its new lot (one allocation moving
``points`` from the debt to the lot), so for every debit the allocations always add up to its
points, and nothing is ever updated in place.

Invariants (tested with Hypothesis in ``tests/loyalty``):

* ``balance == sum(entry.points)  == sum(lot remaining) - sum(open debt)``
* ``0 <= lot remaining <= lot points``; open debt ``>= 0``
* the balance never goes below the program's floor
* folding the entries again (:func:`rebuild`) gives the same state as applying them one by one.

Pure code: the planners take the state and the time and return the entry to append.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeVar

from opencx.core.errors import Conflict, InvalidInput
from opencx.core.money import round_money, to_decimal

CREDIT_KINDS = frozenset(
    {"earn", "adjust_in", "transfer_in", "merge_in", "partner_earn", "bonus", "reinstate"}
)
DEBIT_KINDS = frozenset(
    {
        "spend",
        "expire",
        "reverse",
        "adjust_out",
        "transfer_out",
        "merge_out",
        "donate",
        "redeem",
        "partner_spend",
    }
)


POINTS_DIGITS = 12
POINTS_LIMIT = 10**POINTS_DIGITS
"""The least number of points, in absolute value, that no entry moves and no balance reaches:
an entry moves at most 999,999,999,999 points and a balance stays within ±999,999,999,999
(checked before anything is written), so neither the ledger's BIGINT columns (2^63 - 1, about
9.2 × 10^18) nor a sum over millions of members' balances or entries can overflow."""


class OutOfRange(InvalidInput):
    """Points past the bound: an entry that would move, or a balance that would reach,
    :data:`POINTS_LIMIT` (an order's earn refused alone, not its import, catches it)."""


def check_points(points: int, *, where: str = "points", unit: str = " points") -> int:
    """``points`` when an entry (or a reward's price, a stock: ``unit`` ``""``) may hold that
    many; :class:`OutOfRange` (an InvalidInput) naming ``where`` and the limit otherwise.

    >>> check_points(999_999_999_999)
    999999999999
    """
    if abs(points) >= POINTS_LIMIT:
        raise OutOfRange(
            f"{where}: {points} is out of range (at most {POINTS_LIMIT - 1}{unit},"
            f" {POINTS_DIGITS} digits)"
        )
    return points


def check_amount(amount: object, *, where: str = "amount") -> Decimal:
    """The amount an entry keeps beside its points (an order's value) as its money column keeps
    it (:func:`~opencx.core.money.round_money`: 4 decimals, half away from zero), checked by the
    ledger itself for every caller: :class:`OutOfRange` naming ``where`` when it is
    :data:`~opencx.core.money.MONEY_LIMIT` or more either way, once rounded too, or infinite
    (what an order's earn refuses alone); InvalidInput when it is no number.

    >>> check_amount(Decimal("12.34565"))
    Decimal('12.3457')
    """
    if isinstance(amount, float):
        value = Decimal(repr(amount))  # its shortest repr, as the column reads a float
    elif isinstance(amount, Decimal):
        value = amount
    else:
        value = to_decimal(amount, where=where)
    if value.is_nan():
        raise InvalidInput(f"{where}: {amount!r} is not a number")
    try:
        return round_money(value)
    except ValueError as exc:  # 'amount 1E+15 is out of range (at most 14 digits ...)'
        raise OutOfRange(f"{where}: {str(exc).removeprefix('amount ')}") from None


def _check_balance(state: MemberState, member_id: str, change: int) -> None:
    """Refuse a ``change`` that takes the balance out of range, or further out: one past the
    bound (a merge's survivor) is brought back toward it by any debit (a spend, a return)."""
    after = state.balance + change
    if abs(after) >= POINTS_LIMIT and abs(after) > abs(state.balance):
        raise OutOfRange(
            f"points: {abs(change)} would take member {member_id}'s balance from"
            f" {state.balance} to {after}, out of range (a balance stays within"
            f" ±{POINTS_LIMIT - 1} points)"
        )


class InsufficientPoints(Conflict):
    """A debit asks for more points than the member may spend."""


class DuplicateKey(Conflict):
    """An idempotency key was reused for a different request."""


@dataclass(frozen=True, slots=True)
class Lot:
    """Points that arrived together and leave together: spendable from, expiring at."""

    id: str  # the id of the entry that opened it
    points: int
    available_at: datetime
    expires_at: datetime | None
    origin: str | None = None  # e.g. "order:<id>": a return reverses this lot first


@dataclass(frozen=True, slots=True)
class Allocation:
    """``points`` of debit ``debit_id`` paid by ``lot_id`` (None: owed, the balance went below 0).

    A credit that settles debt writes two: ``(debit, lot, +s)`` and ``(debit, None, -s)``.
    """

    debit_id: str
    lot_id: str | None
    points: int


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    member_id: str
    kind: str
    points: int  # + credit, - debit
    at: datetime
    idempotency_key: str
    reason: str = ""
    ref: str | None = None  # what caused it: "order:<id>", "reward:<id>", "cause:<id>", ...
    lot: Lot | None = None
    allocations: tuple[Allocation, ...] = ()

    def __post_init__(self) -> None:
        if self.kind in CREDIT_KINDS and (self.points <= 0 or self.lot is None):
            raise InvalidInput(f"entry {self.kind}: a credit needs positive points and a lot")
        if self.kind in DEBIT_KINDS and self.points >= 0:
            raise InvalidInput(f"entry {self.kind}: a debit needs negative points")
        if self.kind not in CREDIT_KINDS | DEBIT_KINDS:
            raise InvalidInput(f"entry kind {self.kind!r} is unknown")


V = TypeVar("V")


def _frozen(d: dict[str, V]) -> Mapping[str, V]:
    return MappingProxyType(d)


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class MemberState:
    """A member's points as folded from their entries (only what is still open is needed)."""

    lots: Mapping[str, Lot] = field(default_factory=_empty)
    used: Mapping[str, int] = field(default_factory=_empty)
    debts: Mapping[str, int] = field(default_factory=_empty)  # debit id -> owed
    debt_at: Mapping[str, datetime] = field(default_factory=_empty)
    balance: int = 0

    def remaining(self, lot_id: str) -> int:
        return self.lots[lot_id].points - self.used.get(lot_id, 0)

    def open_lots(self) -> list[Lot]:
        return [lot for lot in self.lots.values() if self.remaining(lot.id) > 0]

    @property
    def debt(self) -> int:
        return sum(self.debts.values())

    @property
    def liability(self) -> int:
        """Points the program still owes this member: the sum of open lots."""
        return sum(self.remaining(lot.id) for lot in self.lots.values())

    def spendable(self, at: datetime) -> int:
        """Points available now: open lots past their return window, not expired, less debt."""
        return sum(self.remaining(lot.id) for lot in _spendable_lots(self, at)) - self.debt

    def pending(self, at: datetime) -> int:
        return sum(self.remaining(lot.id) for lot in self.open_lots() if lot.available_at > at)

    def apply(self, entry: Entry) -> MemberState:
        """The state after ``entry`` (which a planner made for this state)."""
        lots, used = dict(self.lots), dict(self.used)
        debts, debt_at = dict(self.debts), dict(self.debt_at)
        if entry.lot is not None:
            lots[entry.lot.id] = entry.lot
        for a in entry.allocations:
            if a.lot_id is None:
                debts[a.debit_id] = debts.get(a.debit_id, 0) + a.points
                debt_at.setdefault(a.debit_id, entry.at)
                if debts[a.debit_id] == 0:
                    del debts[a.debit_id]
                    debt_at.pop(a.debit_id, None)
            else:
                used[a.lot_id] = used.get(a.lot_id, 0) + a.points
        return MemberState(
            _frozen(lots),
            _frozen(used),
            _frozen(debts),
            MappingProxyType(debt_at),
            self.balance + entry.points,
        )


def rebuild(entries: Iterable[Entry]) -> MemberState:
    """Fold entries (in order) into a state: the projection, recomputed from the facts."""
    state = MemberState()
    for entry in entries:
        state = state.apply(entry)
    return state


def balance(entries: Iterable[Entry]) -> int:
    return sum(e.points for e in entries)


def _expiry_order(lot: Lot) -> tuple[datetime, datetime, str]:
    far = datetime.max.replace(tzinfo=lot.available_at.tzinfo)
    return (lot.expires_at or far, lot.available_at, lot.id)


def _spendable_lots(state: MemberState, at: datetime) -> list[Lot]:
    lots = [
        lot
        for lot in state.open_lots()
        if lot.available_at <= at and (lot.expires_at is None or lot.expires_at > at)
    ]
    return sorted(lots, key=_expiry_order)


def plan_credit(
    state: MemberState,
    *,
    entry_id: str,
    member_id: str,
    kind: str,
    points: int,
    at: datetime,
    key: str,
    available_at: datetime | None = None,
    expires_at: datetime | None = None,
    reason: str = "",
    ref: str | None = None,
    origin: str | None = None,
    bounded: bool = True,
) -> Entry:
    """A credit opening a lot of ``points``; it settles open debt first, oldest debt first.

    ``bounded``: refused (InvalidInput naming ``points`` and the limit) when the entry or the
    balance after it reaches :data:`POINTS_LIMIT`; a merge, which moves points that exist
    (never more than a lot or a debt holds), passes False and is never refused for it.
    """
    if points <= 0:
        raise InvalidInput(f"points: {points} must be positive")
    if bounded:
        check_points(points)
        _check_balance(state, member_id, points)
    lot = Lot(entry_id, points, available_at or at, expires_at, origin)
    allocations: list[Allocation] = []
    left = points
    for debit_id in sorted(state.debts, key=lambda d: (state.debt_at[d], d)):
        if left == 0:
            break
        take = min(left, state.debts[debit_id])
        allocations += [Allocation(debit_id, lot.id, take), Allocation(debit_id, None, -take)]
        left -= take
    return Entry(entry_id, member_id, kind, points, at, key, reason, ref, lot, tuple(allocations))


FirstLots = str | tuple[str, ...] | None
"""Lots a debit takes before all others, even while pending: one, several (an order's own lots:
the one it earned and those a reinstatement gave back), or none."""


def _debit_lots(state: MemberState, at: datetime, first_lot: FirstLots) -> list[Lot]:
    lots = _spendable_lots(state, at)
    firsts = (first_lot,) if isinstance(first_lot, str) else first_lot or ()
    own = [state.lots[i] for i in firsts if i in state.lots and state.remaining(i) > 0]
    if own:
        ids = {lot.id for lot in own}
        lots = [*own, *(lot for lot in lots if lot.id not in ids)]
    return lots


def debit_capacity(state: MemberState, at: datetime, first_lot: FirstLots = None) -> int:
    """Points a debit can take without debt: spendable lots (and ``first_lot``) less debt."""
    return sum(state.remaining(lot.id) for lot in _debit_lots(state, at, first_lot)) - state.debt


def plan_debit(
    state: MemberState,
    *,
    entry_id: str,
    member_id: str,
    kind: str,
    points: int,
    at: datetime,
    key: str,
    floor: int | None = 0,
    first_lot: FirstLots = None,
    reason: str = "",
    ref: str | None = None,
    bounded: bool = True,
) -> Entry:
    """A debit of ``points`` paid by lots earliest expiry first (``first_lot`` before all).

    What the lots cannot pay becomes debt if the balance may go down to ``floor``
    (``None``: no floor); otherwise :class:`InsufficientPoints`, and nothing is planned.
    ``bounded`` as for :func:`plan_credit` (checked first: an entry out of range is refused as
    such, not as points the member lacks).
    """
    if points <= 0:
        raise InvalidInput(f"points: {points} must be positive")
    if bounded:
        check_points(points)
        _check_balance(state, member_id, -points)
    capacity = debit_capacity(state, at, first_lot)
    if floor is not None and capacity - points < floor:
        raise InsufficientPoints(
            f"member {member_id}: {points} points asked, {max(capacity, 0)} spendable"
            + (f" (the balance may go down to {floor})" if floor else "")
        )
    allocations: list[Allocation] = []
    left = points
    for lot in _debit_lots(state, at, first_lot):
        if left == 0:
            break
        take = min(left, state.remaining(lot.id))
        allocations.append(Allocation(entry_id, lot.id, take))
        left -= take
    if left:
        allocations.append(Allocation(entry_id, None, left))
    return Entry(entry_id, member_id, kind, -points, at, key, reason, ref, None, tuple(allocations))


def plan_expiries(
    state: MemberState, *, member_id: str, at: datetime, new_id: Iterable[str]
) -> list[Entry]:
    """One ``expire`` entry per open lot whose expiry has passed (key ``expire:<lot>``)."""
    ids = iter(new_id)
    out: list[Entry] = []
    for lot in sorted(state.open_lots(), key=_expiry_order):
        if lot.expires_at is None or lot.expires_at > at:
            continue
        left = state.remaining(lot.id)
        entry_id = next(ids)
        out.append(
            Entry(
                entry_id,
                member_id,
                "expire",
                -left,
                lot.expires_at,
                f"expire:{lot.id}",
                "expired",
                f"lot:{lot.id}",
                None,
                (Allocation(entry_id, lot.id, left),),
            )
        )
    return out


def reversal_points(earned: int, gross: Decimal | int, returned: Decimal | int, done: int) -> int:
    """Points to reverse now so the total reversed is ``earned * returned / gross`` (floored).

    Cumulative, so partial returns arriving one by one reverse exactly what one return of
    the same total would; never more than was earned, never negative. Exact (fractions): in
    Decimal's 28 digits ``earned * returned`` (12 digits times 18) was rounded, and a quotient
    a hair under a whole number reversed one point more.

    >>> reversal_points(100, 80, 20, 0), reversal_points(100, 80, 80, 25)
    (25, 75)
    >>> gross, returned = Decimal("99999999999999.99"), Decimal("58337511250375.0067")
    >>> reversal_points(999_999_999_997, gross, returned, 0)
    583375112501
    """
    if gross <= 0 or earned <= 0:
        return 0
    share = min(max(returned, 0), gross)
    target = int(earned * Fraction(share) // Fraction(gross))
    return max(target - done, 0)


def capped_reversal(
    state: MemberState, points: int, at: datetime, floor: int | None, lot_id: FirstLots
) -> int:
    """A reversal takes its own lot even while pending; beyond that it respects the floor."""
    if floor is None:
        return points
    return max(min(points, debit_capacity(state, at, lot_id) - floor), 0)


def ensure_same_request(existing_hash: str | None, request_hash: str, key: str) -> None:
    if existing_hash is not None and existing_hash != request_hash:
        raise DuplicateKey(f"idempotency key {key!r} was already used for a different request")
