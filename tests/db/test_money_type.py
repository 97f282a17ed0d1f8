"""``opencx.db.types.MONEY``: what is bound to an amount column is rounded half away from zero to
4 decimals and refused from 10^14 on, so both stores keep the same value.

Before (a plain ``Numeric(18, 4)``): 0.00005 stayed the REAL 5e-05 on SQLite (0.0001 on
PostgreSQL), -0.00015 read back -0.0001 there (-0.0002 on PostgreSQL), and 123456789012345 was
stored on SQLite while PostgreSQL raised a DataError.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from opencx.core.money import MONEY_LIMIT, round_money
from opencx.db.types import MONEY

ROUNDED = [
    (Decimal("0.00005"), Decimal("0.0001")),
    (Decimal("-0.00005"), Decimal("-0.0001")),
    (Decimal("0.00015"), Decimal("0.0002")),
    (Decimal("-0.00015"), Decimal("-0.0002")),
    (Decimal("2.00004999"), Decimal("2")),
    (Decimal("12.5"), Decimal("12.5")),
    (0.00005, Decimal("0.0001")),  # a float by its shortest repr, not its binary value
    (7, Decimal("7")),
    ("1.23455", Decimal("1.2346")),
    (Decimal("99999999999.99995"), Decimal("100000000000")),
    (Decimal("1e-999999999"), Decimal("0")),
]
REFUSED = [
    Decimal("123456789012345"),
    Decimal("100000000000000"),
    Decimal("-100000000000000"),
    Decimal("99999999999999.99995"),  # rounds up to 10^14
    Decimal("1e999999999"),  # past Decimal's Emax: abs() raised decimal.Overflow
    Decimal("-1e999999999"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    float("inf"),
]


@pytest.fixture
def amounts(engine: Engine) -> Iterator[sa.Table]:
    table = sa.Table("money_probe", sa.MetaData(), sa.Column("amount", MONEY))
    table.drop(engine, checkfirst=True)
    table.create(engine)
    yield table
    table.drop(engine)


def test_money_keeps_numeric_18_4_ddl():
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        assert MONEY.compile(dialect=dialect) == "NUMERIC(18, 4)"


@pytest.mark.parametrize(("given", "kept"), ROUNDED)
def test_a_bound_amount_is_rounded_half_away_from_zero_on_both_stores(engine, amounts, given, kept):
    with engine.begin() as conn:
        conn.execute(amounts.insert().values(amount=given))
        assert conn.execute(sa.select(amounts.c.amount)).scalar_one() == kept


@pytest.mark.parametrize("given", REFUSED)
def test_an_amount_of_10_to_the_14_or_more_is_refused_on_both_stores(engine, amounts, given):
    with engine.begin() as conn, pytest.raises(sa.exc.StatementError) as caught:
        conn.execute(amounts.insert().values(amount=given))
    assert isinstance(caught.value.orig, ValueError)
    assert "out of range" in str(caught.value.orig)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(amounts)).scalar_one() == 0


@pytest.mark.parametrize(
    "given",
    [
        *("abc", "", "1,5", "1.2.3", "0x10", "12 EUR"),
        *(" 12 ", "12\n", "1_000", "1e3", "1E-5", "\u0661\u0662", "NaN", "-Infinity", "inf"),
    ],
)
def test_a_string_that_is_no_number_is_a_value_error_on_both_stores(engine, amounts, given):
    """As the other refusals (before: decimal.InvalidOperation, an ArithmeticError). A string
    is read as an import reads an amount (core.money.AMOUNT_TEXT): before, what Decimal reads
    was taken, spaces around it, '_' between digits, an exponent, Arabic-Indic digits ('١٢'
    was 12), and 'NaN' was refused as 'out of range'."""
    with engine.begin() as conn, pytest.raises(sa.exc.StatementError) as caught:
        conn.execute(amounts.insert().values(amount=given))
    assert isinstance(caught.value.orig, ValueError)
    assert str(caught.value.orig) == f"amount {given!r} is not a number"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(amounts)).scalar_one() == 0


@pytest.mark.parametrize(
    ("given", "shown"),
    [(Decimal("NaN"), "NaN"), (Decimal("-sNaN"), "-sNaN"), (float("nan"), "NaN")],
)
def test_nan_is_not_a_number_on_both_stores(engine, amounts, given, shown):
    """Not 'amount NaN is out of range (at most 14 digits before the decimal point)'."""
    with engine.begin() as conn, pytest.raises(sa.exc.StatementError) as caught:
        conn.execute(amounts.insert().values(amount=given))
    assert isinstance(caught.value.orig, ValueError)
    assert str(caught.value.orig) == f"amount {shown} is not a number"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(amounts)).scalar_one() == 0


def test_a_literal_compared_with_an_amount_is_not_rounded(engine, amounts):
    with engine.begin() as conn:
        conn.execute(amounts.insert().values(amount=Decimal("0.0001")))
        kept = sa.select(sa.func.count()).where(amounts.c.amount > Decimal("0.00009"))
        assert conn.execute(kept).scalar_one() == 1


@given(st.decimals(min_value=-(10**13), max_value=10**13, places=8, allow_nan=False))
def test_round_money_is_decimal_round_half_up(value):
    expected = value.quantize(Decimal("0.0001"), rounding="ROUND_HALF_UP")
    assert round_money(value) == expected
    assert abs(round_money(value)) < MONEY_LIMIT
