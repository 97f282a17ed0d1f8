"""A loyalty program's settings: earning rules, expiry, return window, floor, tiers and plans.

A program is configured as a plain document (JSON in the store, a dict in the API and CLI);
:func:`parse_program` checks it and turns it into frozen values, naming the field that is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from opencx.core.errors import InvalidInput
from opencx.core.money import (
    MONEY_INTEGER_DIGITS,
    MONEY_LIMIT,
    MONEY_SCALE,
    MONEY_STEP,
    number_from_text,
    to_decimal,
)
from opencx.loyalty.domain.ledger import POINTS_DIGITS, POINTS_LIMIT, OutOfRange, check_points
from opencx.loyalty.domain.membership import LAST_INSTANT, Plan, add_months, parse_plans
from opencx.loyalty.domain.rules import EarningRules, parse_rules
from opencx.loyalty.domain.tiers import TierPolicy, parse_tiers, tier_order_checks


@dataclass(frozen=True, slots=True)
class Program:
    name: str = "Loyalty"
    currency: str = "EUR"
    expiry_months: int | None = 24  # rolling: each lot expires this long after it was earned
    pending_days: int = 0  # points wait out the return window before they can be spent
    floor: int | None = 0  # lowest balance allowed: 0 never negative, -500, None unlimited
    point_value: Decimal = Decimal("0.01")  # what a point costs the program, in ``currency``
    auto_enroll: bool = False  # orders of non-members enroll them
    earning: EarningRules = field(default_factory=EarningRules)
    tiers: TierPolicy = field(default_factory=TierPolicy)
    plans: tuple[Plan, ...] = ()
    unreadable: tuple[str, ...] = ()  # stored numbers past what is read (:func:`read_stored`)

    def plan(self, key: str) -> Plan:
        for plan in self.plans:
            if plan.key == key:
                return plan
        raise InvalidInput(f"plan {key!r} is not one of the program's plans")

    def expiry(self, at: datetime) -> datetime | None:
        """When a lot earned at ``at`` expires: ``expiry_months`` on (None: never), at most
        :data:`~opencx.loyalty.domain.membership.LAST_INSTANT` (an order of year 9999, or a
        span stored before the bounds, expires then: in practice never). :class:`OutOfRange`
        when a stored program's ``expiry_months`` is 0 or negative (a lot expiring before it
        was earned: its points lost at once): the credit is refused, nothing written."""
        if self.expiry_months is not None and self.expiry_months <= 0:
            raise OutOfRange(
                f"program.expiry_months: {self.expiry_months} is out of range (a lot must"
                " expire after it is earned: positive, or null: never expire)"
            )
        return None if self.expiry_months is None else add_months(at, self.expiry_months)

    def spendable_from(self, at: datetime) -> datetime:
        """When a lot earned at ``at`` has waited out the return window (``pending_days``), at
        most :data:`~opencx.loyalty.domain.membership.LAST_INSTANT`. :class:`OutOfRange` when
        a stored program's ``pending_days`` is negative: the credit is refused."""
        if self.pending_days < 0:
            raise OutOfRange(
                f"program.pending_days: {self.pending_days} is out of range (a return window"
                " must not be negative)"
            )
        try:
            return at + timedelta(days=self.pending_days)
        except OverflowError:  # past year 9999, or more days than a timedelta holds
            return LAST_INSTANT

    def debit_floor(self) -> int | None:
        """The program's ``floor`` for a debit that takes it (a spend, a redemption, a
        return's reversal). :class:`OutOfRange` when a stored program's floor is above 0: a
        return would take back less than it earned and a balance under it could not be spent,
        so the debit is refused, nothing written, until the program is set right."""
        if self.floor is not None and self.floor > 0:
            raise OutOfRange(
                f"program.floor: {self.floor} is out of range (the lowest balance allowed"
                " must be 0 or negative, or null: no floor)"
            )
        return self.floor


def _opt_int(raw: Mapping[str, Any], key: str, default: int | None) -> int | None:
    if key not in raw:
        return default
    value = raw[key]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"program.{key}: {value!r} is not a whole number")
    return value


SHOWN_ONLY = frozenset({"out_of_range"})
"""Keys the program shown adds to its document (``GET /api/loyalty/program``: each value past
its bound, :func:`program_faults`), which a document given back may hold: it is read without
them (they are never stored), so a client can read, edit and set the program back as shown.
Before, that was refused ('program: unknown field(s) out_of_range') even once within bounds."""


def parse_program(raw: Mapping[str, Any]) -> Program:
    """A :class:`Program` from its document; unknown fields are errors (typos do not pass),
    the keys only shown (:data:`SHOWN_ONLY`) are ignored."""
    known = {f for f in Program.__dataclass_fields__} - {"unreadable"}
    unknown = sorted(set(raw) - known - SHOWN_ONLY)
    if unknown:
        raise InvalidInput(f"program: unknown field(s) {', '.join(unknown)}")
    # their signs, and the tiers' order: check_program_points, program_faults (a stored
    # program is read as it is, and refused where it would date a lot, debit or join)
    expiry = _opt_int(raw, "expiry_months", 24)
    floor = _opt_int(raw, "floor", 0)
    pending = _opt_int(raw, "pending_days", 0) or 0
    currency = str(raw.get("currency", "EUR"))
    return Program(
        name=str(raw.get("name", "Loyalty")),
        currency=currency,
        expiry_months=expiry,
        pending_days=pending,
        floor=floor,
        # an amount's bounds, decimals and sign: check_program_points, program_faults
        point_value=to_decimal(raw.get("point_value", "0.01"), where="program.point_value"),
        auto_enroll=bool(raw.get("auto_enroll", False)),
        earning=parse_rules(raw.get("earning", {})),
        tiers=parse_tiers(raw.get("tiers", {})),
        plans=parse_plans(raw.get("plans", []), currency),
    )


def _within(value: Decimal | int, where: str, unit: str = " points") -> None:
    """InvalidInput naming ``where`` when ``value`` reaches :data:`POINTS_LIMIT` either way,
    in the ledger's words (:func:`check_points`), for a point value that may hold a fraction
    (a multiplier, a threshold: ``unit`` ``""`` for a number that is no points). Compared
    without ``abs()``, which overflows past Decimal's exponent (``1e999999999``)."""
    if not -POINTS_LIMIT < value < POINTS_LIMIT:
        raise InvalidInput(
            f"{where}: {value} is out of range (at most {POINTS_LIMIT - 1}{unit},"
            f" {POINTS_DIGITS} digits)"
        )


def _multiplier(value: Decimal, where: str) -> None:
    if value < 0:
        raise InvalidInput(f"{where}: a multiplier must not be negative")
    _within(value, where, "")


def _threshold(value: Decimal, basis: str, where: str) -> None:
    """A tier threshold in its basis's bound: points earned as an entry's points, spend as an
    amount (:data:`~opencx.core.money.MONEY_LIMIT`), an order count as a number of 12 digits."""
    if basis == "spend":
        if not -MONEY_LIMIT < value < MONEY_LIMIT:
            raise InvalidInput(
                f"{where}: {value} is out of range for an amount"
                f" (at most {MONEY_INTEGER_DIGITS} digits before the decimal point)"
            )
        return
    _within(value, where, " points" if basis == "points" else "")


MONTHS_LIMIT = 1200
"""The most months a lot's expiry or a plan's term may span (100 years); with
:data:`DAYS_LIMIT`, what keeps a lot's or a term's dates inside what a datetime holds (year
9999): before, ``expiry_months`` of 100,000 or ``pending_days`` of 3,000,000 was taken, and
then every order's earn failed ('year 10359 is out of range', 'date value out of range'),
and the order event with it."""
DAYS_LIMIT = 36_500
"""The most days a return window (``pending_days``) may span (100 years)."""


def _sign(bad: bool, sentence: str) -> None:
    """The sign a whole number of a program must have: InvalidInput ``sentence`` if ``bad``."""
    if bad:
        raise InvalidInput(sentence)


def _span(value: int | None, where: str, limit: int, unit: str) -> None:
    if value is not None and value > limit:
        raise InvalidInput(f"{where}: {value} is out of range (at most {limit} {unit}, 100 years)")


def check_program_amount(value: Decimal, where: str, *, positive: bool = False) -> None:
    """An amount of a program (its point value, ``positive``; a plan's fee) in the money
    bound, of at most 4 decimals, not negative (above 0 when ``positive``): InvalidInput
    naming ``where`` otherwise, in ``to_amount``'s words. A stored program is read as it is
    (a point value of ``1E-30``, a fee of -49) and named out of range (:func:`program_faults`);
    before, it could not be read at all.

    >>> check_program_amount(Decimal("1E-30"), "program.point_value", positive=True)
    Traceback (most recent call last):
    ...
    opencx.core.errors.InvalidInput: program.point_value: 1E-30 has more than 4 decimals
    """
    if not -MONEY_LIMIT < value < MONEY_LIMIT:
        raise InvalidInput(
            f"{where}: {value} is out of range for an amount"
            f" (at most {MONEY_INTEGER_DIGITS} digits before the decimal point)"
        )
    if value != value.quantize(MONEY_STEP):  # within the bound: quantize cannot overflow
        raise InvalidInput(f"{where}: {value} has more than {MONEY_SCALE} decimals")
    if positive and value <= 0:
        raise InvalidInput(f"{where}: must be greater than 0")
    if value < 0:
        raise InvalidInput(f"{where}: must not be negative")


def _rate(value: Decimal, where: str) -> None:
    """The points a currency unit earns: not negative, within the points bound."""
    if value < 0:
        raise InvalidInput(f"{where}: must not be negative")
    _within(value, where)


def _checks(program: Program) -> Iterator[Callable[[], object]]:
    """The bounds of ``program``'s values, in the order they are named: each raises
    InvalidInput naming its field when its value is past the bound."""
    expiry = program.expiry_months
    yield partial(
        _sign,
        expiry is not None and expiry <= 0,
        "program.expiry_months: must be positive (or null: never expire)",
    )
    yield partial(_span, expiry, "program.expiry_months", MONTHS_LIMIT, "months")
    yield partial(
        _sign,
        program.floor is not None and program.floor > 0,
        "program.floor: must be 0 or negative (or null: no floor)",
    )
    yield partial(_sign, program.pending_days < 0, "program.pending_days: must not be negative")
    yield partial(check_program_amount, program.point_value, "program.point_value", positive=True)
    yield partial(_span, program.pending_days, "program.pending_days", DAYS_LIMIT, "days")
    earning = program.earning
    yield partial(_rate, earning.points_per_unit, "earning.points_per_unit")
    for group, multipliers in (("categories", earning.categories), ("products", earning.products)):
        for name, value in multipliers.items():
            yield partial(_multiplier, value, f"earning.{group}.{name}")
    for name, rule in earning.events.items():
        yield partial(check_points, rule.points, where=f"earning.events.{name}.points")
    yield from tier_order_checks(program.tiers)
    basis = program.tiers.basis
    for i, tier in enumerate(program.tiers.tiers):
        where = f"tiers.levels[{i}]"
        for field_, value in (("entry", tier.entry), ("retain", tier.retain)):
            yield partial(_threshold, value, basis, f"{where}.{field_}")
        if tier.re_entry is not None:
            yield partial(_threshold, tier.re_entry, basis, f"{where}.re_entry")
        yield partial(_multiplier, tier.multiplier, f"{where}.multiplier")
    for i, plan in enumerate(program.plans):
        yield partial(
            _sign, plan.term_months <= 0, f"plans[{i}].term_months: must be a positive whole number"
        )
        yield partial(_span, plan.term_months, f"plans[{i}].term_months", MONTHS_LIMIT, "months")
        yield partial(check_program_amount, plan.fee, f"plans[{i}].fee")
        yield partial(check_points, plan.welcome_points, where=f"plans[{i}].welcome_points")
        yield partial(_multiplier, plan.multiplier, f"plans[{i}].multiplier")


def check_program_points(program: Program) -> Program:
    """``program`` when each of its point values is within :data:`POINTS_LIMIT`, as an entry
    is: each event's points, each plan's welcome points, the points a currency unit earns and
    every multiplier of them (categories, products, tiers, plans: none of 10^12 or more, none
    negative), the point value and each plan's fee as amounts (:func:`check_program_amount`:
    parsed as they are, so a stored one is read whatever its sign or decimals), and each tier
    threshold (``entry``, ``retain``, ``re_entry``) in the bound of
    the tiers' basis (points, an amount of spend, an order count), and the spans that date
    lots and terms (``expiry_months``, ``pending_days``, each plan's ``term_months``: at most
    100 years); InvalidInput naming the first that is not, with the ledger's sentence.
    Checked when a program is set; a stored document is read as it is, and
    :func:`program_faults` says what of it is out of range.

    >>> check_program_points(parse_program({"earning": {"points_per_unit": 10}})).name
    'Loyalty'
    """
    for check in _checks(program):
        check()
    return program


def program_faults(program: Program) -> tuple[str, ...]:
    """Every sentence :func:`check_program_points` refuses ``program`` for, in its order
    (empty: within every bound). A program stored before a bound may hold a value past it; it
    is read as it is, and the program the API shows and the overview (API, CLI, page) say
    what is out of range: its lots' dates end at
    :data:`~opencx.loyalty.domain.membership.LAST_INSTANT` at the latest, and the ledger
    refuses an entry past the points bound (an order's earn refused alone).

    >>> program_faults(Program(expiry_months=10**6))
    ('program.expiry_months: 1000000 is out of range (at most 1200 months, 100 years)',)
    """
    faults = list(program.unreadable)
    named = {fault.split(": ", 1)[0] for fault in faults}
    for check in _checks(program):
        try:
            check()
        except InvalidInput as exc:
            if str(exc).split(": ", 1)[0] not in named:
                faults.append(str(exc))
    return tuple(faults)


def program_document(program: Program) -> dict[str, Any]:
    """The document of ``program`` (what :func:`parse_program` reads back): its numbers in
    digits (``0.0000001``; ``str()`` wrote ``1E-7``, which no program being set may use)."""
    return {
        "name": program.name,
        "currency": program.currency,
        "expiry_months": program.expiry_months,
        "pending_days": program.pending_days,
        "floor": program.floor,
        "point_value": f"{program.point_value:f}",
        "auto_enroll": program.auto_enroll,
        "earning": program.earning.document(),
        "tiers": program.tiers.document(),
        "plans": [p.document() for p in program.plans],
    }


_NUMBER_FIELDS = frozenset(
    {"point_value", "points_per_unit", "entry", "retain", "re_entry", "multiplier", "fee"}
)
_NUMBER_MAPS = frozenset({"categories", "products"})


READ_DIGITS = 1000
"""The widest stored number read as it is: at most this many digits, and a magnitude between
10^-1000 and 10^1000 (``opencx.web.exact_json.DIGITS``, the most a program can be set with
since). Past it (``1E+999999999``, a JSON number that overflowed a float, an integer of 5,000
digits) a number is read as :data:`READ_EDGE` (a larger one) or 0 (a smaller one), and named
out of range: a number spelled in twelve characters must never cost a billion-digit
computation (``f"{d:f}"`` of the document, an order's points as an int)."""
READ_EDGE = 10**READ_DIGITS
_ANY_SCIENTIFIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+", re.ASCII)
_INT_FIELDS = frozenset(
    {"expiry_months", "pending_days", "floor", "term_months", "welcome_points", "points", "cap"}
)


class _Wide(Decimal):
    """A stored number past :data:`READ_DIGITS`, as ``json`` found it (an integer's text)."""


def read_stored(text: str) -> Program:
    """The program of a stored document's JSON ``text``, read as it is: every number exactly
    (a JSON number too, never through a float), one in scientific notation as the number it is
    (``1E-7``: what ``str()`` stored before :func:`program_document` wrote digits, which a
    program being set may not use), and one past :data:`READ_DIGITS` as its edge, named in
    :attr:`Program.unreadable` (what :func:`program_faults` says first). Before, such
    a number made the program unreadable: '1E+999999999' was 'not a number', a JSON
    ``1e400`` infinity, an integer of 5,000 digits Python's ValueError, and a fee or a point
    value of 10^14 or more was refused; every order event failed with it.

    >>> read_stored('{"earning": {"points_per_unit": "1E+999999999"}}').unreadable[0][:53]
    'earning.points_per_unit: 1E+999999999 is out of range'
    """
    raw = json.loads(text, parse_float=_stored_number, parse_int=_stored_int)
    faults: list[str] = []
    document = _within_reach(raw, (), faults)
    return replace(parse_program(document), unreadable=tuple(faults))


def _stored_number(text: str) -> Decimal:
    return Decimal(text) if len(text) <= 3 * READ_DIGITS else _Wide(text)


def _stored_int(text: str) -> int | Decimal:
    return int(text) if len(text) <= READ_DIGITS else _Wide(text)


def _within_reach(value: Any, path: tuple[str | int, ...], faults: list[str]) -> Any:
    """``value`` at ``path`` of a stored document, each number past :data:`READ_DIGITS`
    read as its edge (and named in ``faults``), one in scientific notation as its Decimal."""
    if isinstance(value, list):
        return [_within_reach(v, (*path, i), faults) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        return {k: _within_reach(v, (*path, k), faults) for k, v in value.items()}
    number = _number(value, path)
    if number is None or not number.is_finite():
        return value
    digits = len(number.as_tuple().digits) if not isinstance(number, _Wide) else READ_DIGITS + 1
    if not number or (digits <= READ_DIGITS and abs(number.adjusted()) <= READ_DIGITS):
        return number if isinstance(value, str) else value
    edge = 0 if number.adjusted() < 0 else (-READ_EDGE if number < 0 else READ_EDGE)
    read_as = f"{'-' if edge < 0 else ''}10^{READ_DIGITS}" if edge else "0"
    faults.append(
        f"{_where(path)}: {_shown(str(value))} is out of range (a stored number is read to"
        f" {READ_DIGITS} digits, between 10^-{READ_DIGITS} and 10^{READ_DIGITS}: read as"
        f" {read_as})"
    )
    return edge if isinstance(value, int | _Wide) or path[-1] in _INT_FIELDS else Decimal(edge)


def _number(value: Any, path: tuple[str | int, ...]) -> Decimal | None:
    """The number ``value`` is: a JSON number read exactly, or the text of a number field."""
    if isinstance(value, Decimal):
        return value
    slot = bool(path) and (
        path[-1] in _NUMBER_FIELDS | _INT_FIELDS or (len(path) > 1 and path[-2] in _NUMBER_MAPS)
    )
    if isinstance(value, str) and slot:
        if _ANY_SCIENTIFIC.fullmatch(value):
            return Decimal(value)
        return number_from_text(value)
    return None


def _where(path: tuple[str | int, ...]) -> str:
    """``path`` in the bounds' words: ``program.expiry_months``, ``plans[0].fee``."""
    if len(path) == 1:
        return f"program.{path[0]}"
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...{text[-10:]}"
