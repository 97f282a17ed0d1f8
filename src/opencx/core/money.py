"""Money: a Decimal amount with an explicit ISO 4217 currency."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from opencx.core.errors import InvalidInput


def to_decimal(value: object, *, where: str = "amount") -> Decimal:
    """Parse a number into Decimal without passing through binary floating point."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise InvalidInput(f"{where}: {value!r} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{where}: {value!r} is not a number") from None
    if not result.is_finite():
        raise InvalidInput(f"{where}: {value!r} is not a finite number")
    return result


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
