"""An order's points and a return's reversal are exact for every value the bounds take: a line's
value as an import takes it (a quantity up to 2^31 - 1 times a unit price under 10^14 with 4
decimals), the points a currency unit earns and every multiplier under 10^12 (the program's
bounds, ``check_program_points``) with any number of decimals, and points earned up to
999,999,999,999; compared with the same arithmetic in fractions.

Before, Decimal's default context (28 digits) rounded the products: a line of 99,999,999,999.9999
with a product multiplier of 1.000000000000001 earned 100,000,000,000 points, not
99,999,999,999; a tier's multiplier of 1.000000000000001 times a plan's of 0.999999999999999
was 1, so an order of 1,000 earned 1,000, not 999; and a return could reverse one point more
than its share (999,999,999,997 earned on 99,999,999,999,999.99, 58,337,511,250,375.0067
returned: 583,375,112,502 reversed, not 583,375,112,501).
"""

from __future__ import annotations

import copy
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from opencx.loyalty.domain import (
    POINTS_LIMIT,
    EarningRules,
    OrderLine,
    exact_product,
    order_points,
    reversal_points,
)
from tests.loyalty.conftest import PROGRAM, customer, order

INT32 = 2**31 - 1  # the largest quantity an import takes
UNITS = 10**18 - 1  # the largest amount, in ten-thousandths: 99,999,999,999,999.9999
MOST = POINTS_LIMIT - 1


def _ten_thousandths(units: int) -> Decimal:
    return Decimal(units).scaleb(-4)


values = st.one_of(
    st.integers(0, UNITS).map(_ten_thousandths),  # one unit of an amount
    st.builds(lambda q, u: _ten_thousandths(q * u), st.integers(1, INT32), st.integers(0, UNITS)),
    st.sampled_from([_ten_thousandths(UNITS), _ten_thousandths(INT32 * UNITS)]),
)
"""A merchandise line's value: a quantity times a unit price, as an import takes them."""


@st.composite
def factors(draw: st.DrawFn) -> Decimal:
    """A multiplier or the points a unit earns: 0 to under 10^12, up to 40 decimals, often a
    hair from a whole number or from the bound."""
    decimals = draw(st.integers(0, 40))
    step = Decimal(1).scaleb(-decimals)
    return draw(
        st.one_of(
            st.integers(0, 10 ** (12 + decimals) - 1).map(lambda n: Decimal(n).scaleb(-decimals)),
            st.sampled_from([Decimal(1) + step, Decimal(1) - step, Decimal(MOST) + 1 - step]),
            st.sampled_from([Decimal(0), Decimal(1), Decimal(MOST), step]),
        )
    )


def _fraction_points(
    rules: EarningRules, lines: list[OrderLine], multipliers: list[Decimal]
) -> int:
    raw = sum(
        (
            Fraction(line.value)
            * Fraction(rules.points_per_unit)
            * Fraction(rules.multiplier(line))
            for line in lines
            if line.value > 0
        ),
        Fraction(0),
    )
    return max(math.floor(raw * math.prod(map(Fraction, multipliers))), 0)


lines = st.lists(
    st.builds(
        OrderLine, st.sampled_from(["MUG", "CAP", None]), st.sampled_from(["shoes", None]), values
    ),
    min_size=1,
    max_size=4,
)


@given(factors(), factors(), factors(), lines, st.lists(factors(), max_size=2))
@example(  # the default context's 30 digits rounded up: 100,000,000,000
    Decimal(1),
    Decimal("1.000000000000001"),
    Decimal(1),
    [OrderLine("MUG", None, Decimal("99999999999.9999"))],
    [],
)
@example(  # a tier's times a plan's rounded to 1: 1,000
    Decimal(1),
    Decimal(1),
    Decimal(1),
    [OrderLine(None, None, Decimal(1000))],
    [Decimal("1.000000000000001"), Decimal("0.999999999999999")],
)
def test_order_points_are_exact_at_the_bounds(per_unit, product, category, lines, multipliers):
    rules = EarningRules(per_unit, categories={"shoes": category}, products={"MUG": product})
    points = order_points(rules, lines, multiplier=exact_product(multipliers))
    assert points == _fraction_points(rules, lines, multipliers)


@given(st.lists(factors(), max_size=3))
def test_a_product_of_multipliers_keeps_every_digit(multipliers):
    assert Fraction(exact_product(multipliers)) == math.prod(map(Fraction, multipliers))


@given(
    st.integers(1, MOST),
    st.integers(1, INT32 * UNITS),
    st.integers(0, INT32 * UNITS),
    st.integers(0, MOST),
)
@example(999_999_999_997, 999_999_999_999_999_900, 583_375_112_503_750_067, 0)
def test_a_reversal_is_the_returned_share_exactly(earned, gross_units, returned_units, done):
    gross, returned = _ten_thousandths(gross_units), _ten_thousandths(returned_units)
    share = min(Fraction(returned_units), Fraction(gross_units)) / gross_units
    expected = max(math.floor(earned * share) - done, 0)
    assert reversal_points(earned, gross, returned, done) == expected


def test_an_order_earns_its_exact_points_on_both_stores(services):
    """A line's value of 15 digits (what a store keeps as written: SQLite's double holds it)
    times a product multiplier of 16."""
    document = copy.deepcopy(PROGRAM)
    document["earning"]["products"] = {"MUG": "1.000000000000001"}
    services.loyalty.configure(document)
    member = services.loyalty.enroll(customer(services, "ann"))
    order(services, "o1", "ann", [{"sku": "MUG", "quantity": 1, "unit_price": "99999999999.9999"}])
    assert services.loyalty.member_view(member).balance == 99_999_999_999


def test_a_tier_and_a_plan_multiply_exactly_on_both_stores(services):
    """Silver (entry 100 points) at 1.000000000000001, the VIP plan at 0.999999999999999: an
    order of 1,000 earns 999 points (1,000 × (1 - 10^-30), floored)."""
    document = copy.deepcopy(PROGRAM)
    document["tiers"]["levels"][0]["multiplier"] = "1.000000000000001"
    document["plans"][0]["multiplier"] = "0.999999999999999"
    services.loyalty.configure(document)
    member = services.loyalty.enroll(customer(services, "ann"))
    services.loyalty.join_plan(member, "vip", "j1")  # 500 welcome points: silver
    services.loyalty.evaluate_tiers()
    view = services.loyalty.member_view(member)
    assert (view.tier, view.plan, view.balance) == ("silver", "vip", 500)
    mug = [{"sku": "MUG", "quantity": 1, "unit_price": "1000"}]
    order(services, "o1", "ann", mug, at="2026-01-16T10:00:00Z")  # in the term
    assert services.loyalty.member_view(member).balance == 500 + 999


@pytest.mark.parametrize(
    ("value", "per_unit", "points"),
    [
        ("99999999999.9999", "1.000000000000001", 99_999_999_999),
        ("0.0001", "999999999999.9999", 99_999_999),
        ("99999999999999.9999", "0.00000000000000000000000000000001", 0),
    ],
)
def test_order_points_at_a_few_bounds(value, per_unit, points):
    rules = EarningRules(Decimal(per_unit))
    assert order_points(rules, [OrderLine(None, None, Decimal(value))]) == points
