"""Money: a Decimal amount with an explicit ISO 4217 currency."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)

from opencx.core.errors import InvalidInput

MONEY_INTEGER_DIGITS = 14
"""Digits an amount has at most before its point: every amount is stored as ``numeric(18, 4)``
on PostgreSQL (which refuses more) and as a double on SQLite (which would keep it, rounded)."""
MONEY_SCALE = 4
"""Decimals an amount keeps: more are rounded half away from zero, as PostgreSQL rounds a
``numeric(18, 4)`` it is given, before either store sees the value."""
MONEY_LIMIT = Decimal(10) ** MONEY_INTEGER_DIGITS
"""The least amount (in absolute value) that no store keeps."""
MONEY_STEP = Decimal(1).scaleb(-MONEY_SCALE)

EXACT = Context(
    prec=MAX_PREC,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)
"""Decimal arithmetic that never rounds: a product or a sum of Decimals keeps every digit (its
precision is the most a Decimal holds), and a rounding would raise (``Inexact`` is trapped)
rather than pass. The default context keeps 28 digits: an amount of 15 digits times a
multiplier of 16 (99,999,999,999.9999 × 1.000000000000001 = 99,999,999,999.99999999999999999990,
30 digits) was rounded up to 100,000,000,000 (loyalty's points), and ten order lines of
2^31 - 1 × 99,999,999,999,999.9999 (28 digits each) summed to 29 digits (an order's value).
Use it as ``with localcontext(EXACT):``."""

AMOUNT_TEXT = r"[+-]?(\d+\.?\d*|\.\d+)"
"""How a number is written as text wherever OpenCX reads one: ASCII digits, an optional sign,
an optional ``.`` before the decimals, nothing else: no space inside it (``'1 000'``, refused
by every reader, never read as 1000). An import's value (a file's cell, a string in an event
or a JSON Lines line) is held to it once trimmed of the whitespace around it, as every value
of a row is, and under ``--decimal ,`` once its ``.`` thousands separators are dropped and its
``,`` made ``.`` (``1.234,50``); a JSON number (``5E-5``) is a number, written out in digits
first. Python's ``Decimal`` reads more, which no reader takes: spaces around it where nothing
trims them (``' 12 '`` as a loyalty program's value), ``_`` between digits (``'1_000'``), an
exponent (``'1e3'``), other scripts' digits (``'١٢'``), ``NaN`` and ``Infinity``."""

_AMOUNT_TEXT = re.compile(AMOUNT_TEXT, re.ASCII)


def number_from_text(text: str) -> Decimal | None:
    """The Decimal ``text`` spells when it is written as :data:`AMOUNT_TEXT` says, else None.

    >>> number_from_text("-12.50"), number_from_text("1_000"), number_from_text(" 12 ")
    (Decimal('-12.50'), None, None)
    """
    return Decimal(text) if _AMOUNT_TEXT.fullmatch(text) else None


def round_money(value: Decimal) -> Decimal:
    """``value`` rounded half away from zero to :data:`MONEY_SCALE` decimals (PostgreSQL's
    rule for ``numeric``); ValueError when the result is :data:`MONEY_LIMIT` or more in absolute
    value (infinity too), which PostgreSQL refuses and SQLite would keep, or is NaN (not a
    number).

    >>> round_money(Decimal("0.00005")), round_money(Decimal("-2.00015"))
    (Decimal('0.0001'), Decimal('-2.0002'))
    """
    if value.is_nan():
        raise ValueError(f"amount {value} is not a number")
    if not value.is_finite() or value.copy_abs() >= MONEY_LIMIT:  # abs() overflows at 1e1000000
        raise ValueError(
            f"amount {value} is out of range (at most {MONEY_INTEGER_DIGITS} digits"
            f" before the decimal point)"
        )
    rounded = value.quantize(MONEY_STEP, rounding=ROUND_HALF_UP)
    if abs(rounded) >= MONEY_LIMIT:
        raise ValueError(
            f"amount {value} is out of range once rounded to {MONEY_SCALE} decimals"
            f" (at most {MONEY_INTEGER_DIGITS} digits before the decimal point)"
        )
    return rounded


def to_amount(value: object, *, where: str, positive: bool = False, bound: bool = True) -> Decimal:
    """Parse an amount a user gives (a rate, a fee): a number of at most
    :data:`MONEY_INTEGER_DIGITS` digits before the point and :data:`MONEY_SCALE` after it,
    never negative, and above zero when ``positive``; InvalidInput names ``where`` otherwise.
    ``bound`` False: one of :data:`MONEY_LIMIT` or more is returned as it is (its decimals
    unchecked), for a caller that says so itself (a stored loyalty program read as it is).

    >>> to_amount("49.90", where="fee")
    Decimal('49.90')
    """
    amount = to_decimal(value, where=where)
    if amount.copy_abs() >= MONEY_LIMIT:  # abs() overflows at 1e1000000
        if not bound:
            return amount
        raise InvalidInput(
            f"{where}: {value} is out of range for an amount"
            f" (at most {MONEY_INTEGER_DIGITS} digits before the decimal point)"
        )
    if amount != amount.quantize(MONEY_STEP):
        raise InvalidInput(f"{where}: {value} has more than {MONEY_SCALE} decimals")
    if positive and amount <= 0:
        raise InvalidInput(f"{where}: must be greater than 0")
    if amount < 0:
        raise InvalidInput(f"{where}: must not be negative")
    return amount


CENT = Decimal("0.01")


def amount_at_rate(units: int, rate: Decimal, *, where: str, currency: str = "") -> Decimal:
    """``units`` at ``rate`` each (points donated at a cause's rate, a partner's points at its
    cost), to the cent with banker's rounding; InvalidInput names ``where`` and the limit when
    the amount is :data:`MONEY_LIMIT` or more, which no store keeps (checked before rounding
    too, so a product past Decimal's 28 digits is never quantized).

    >>> amount_at_rate(250, Decimal("0.0125"), where="points")
    Decimal('3.12')
    """
    amount = rate * units
    if abs(amount) < MONEY_LIMIT:
        amount = amount.quantize(CENT, rounding=ROUND_HALF_EVEN)
    if abs(amount) >= MONEY_LIMIT:
        unit = f" {currency}" if currency else ""
        raise InvalidInput(
            f"{where}: {units} at {_plain(rate)}{unit} each is {_plain(amount)}{unit}, out of"
            f" range for an amount (less than 10^{MONEY_INTEGER_DIGITS}: at most"
            f" {MONEY_INTEGER_DIGITS} digits before the decimal point)"
        )
    return amount


def _plain(value: Decimal) -> str:
    """``value`` without trailing zeros or an exponent: ``1000.0000`` is ``1000``."""
    return f"{value.normalize():f}"


def to_decimal(value: object, *, where: str = "amount") -> Decimal:
    """Parse a number into Decimal without passing through binary floating point: a number
    (a float by its shortest repr) as it is, a string written as :data:`AMOUNT_TEXT` says (as
    an import reads an amount); InvalidInput names ``where`` otherwise, and NaN or infinity.

    >>> to_decimal("12.50"), to_decimal(0.1), to_decimal(Decimal("1E+3"))
    (Decimal('12.50'), Decimal('0.1'), Decimal('1E+3'))
    """
    if isinstance(value, bool):
        raise InvalidInput(f"{where}: {value!r} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, (Decimal, float)):
        result = value if isinstance(value, Decimal) else Decimal(repr(value))
        if result.is_nan():
            raise InvalidInput(f"{where}: {value!r} is not a number")
        if not result.is_finite():
            raise InvalidInput(f"{where}: {value!r} is not a finite number")
        return result
    found = number_from_text(value) if isinstance(value, str) else None
    if found is None:
        raise InvalidInput(
            f"{where}: {value!r} is not a number (digits, an optional sign and '.' before the"
            " decimals: 12.50)"
        )
    return found


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise InvalidInput(f"currency: {self.currency!r} is not an ISO 4217 code")

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise InvalidInput(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.currency}"
