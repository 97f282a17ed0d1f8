"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from opencx.core.money import number_from_text, round_money


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, on every backend.

    SQLite keeps no zone, so values are stored as naive UTC there and re-tagged on read.
    Naive values on the way in are rejected: a missing zone is a bug, not a convention.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; use UTC-aware values")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        when: datetime = value
        if when.tzinfo is None:
            return when.replace(tzinfo=UTC)
        return when.astimezone(UTC)


class Money(sa.types.TypeDecorator[Decimal]):
    """An amount: ``numeric(18, 4)`` (the DDL is that of ``sa.Numeric(18, 4)``), with one rule
    on every backend for what is bound to it: rounded half away from zero to 4 decimals, and
    refused (ValueError) from 10^14 on and when it is no number (NaN, or a string not written
    as ``opencx.core.money.AMOUNT_TEXT`` says, as an import reads an amount: ``'abc'``, and
    ``' 12 '``, ``'1_000'`` or ``'1e3'``, which ``Decimal`` reads; a TypeError when it is no
    amount at all: a bool, a date). PostgreSQL rounds so and refuses
    such a value itself (a DataError); SQLite stores a REAL and would keep both as given. The
    last guard: users'
    amounts are checked where they arrive (:func:`opencx.core.money.to_amount`, the API
    models, the ingest slice's validation), so it never fires on their input.

    A literal compared with (or added to) a column is bound as the plain ``Numeric`` was, not
    rounded: a filter ``amount > 0.00001`` means what it says.
    """

    impl = sa.Numeric(18, 4, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
            raise TypeError(f"expected an amount, got {type(value).__name__}")
        if isinstance(value, str):
            amount = number_from_text(value)
            if amount is None:  # not as an import reads an amount: ' 12 ', '1_000', '1e3'
                raise ValueError(f"amount {value!r} is not a number")
        elif isinstance(value, Decimal):
            amount = value
        else:  # a float by its shortest repr: 0.1 is 0.1, not 0.1000000000000000055...
            amount = Decimal(repr(value))
        return round_money(amount)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return self.impl_instance.coerce_compared_value(op, value)


MONEY = Money()
ID = sa.String(26)
