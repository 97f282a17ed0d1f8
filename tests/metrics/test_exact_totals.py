"""An order's totals (``metrics.domain.order_value.order_totals``, read by the customer 360 and
loyalty) are exact for every line the bounds allow: a quantity up to 2^31 - 1 (either sign)
times a unit price under 10^14 with 4 decimals, less a discount of the same bounds, summed over
any number of lines. Before, the sums ran in Decimal's default context of 28 digits: ten lines
of 2,147,483,647 x 99,999,999,999,999.9999 less 0.0001 (each 28 digits, exact) add up to
2,147,483,646,999,999,997,852,516.352 (29 digits), and came out as ...516.351."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, getcontext
from fractions import Fraction

from hypothesis import example, given
from hypothesis import strategies as st

from opencx.metrics.domain.order_value import OrderTotals, order_totals

QUANTITY = 2**31 - 1
PRICE = Decimal("99999999999999.9999")


@dataclass(frozen=True)
class Line:
    order_id: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    is_merchandise: bool = True


def _exact(lines: list[Line]) -> dict[str, tuple[int, int, Fraction, Fraction]]:
    out: dict[str, tuple[int, int, Fraction, Fraction]] = {}
    for li in lines:
        units, returned, gross, net = out.get(li.order_id, (0, 0, Fraction(0), Fraction(0)))
        value = li.quantity * Fraction(li.unit_price) - Fraction(li.discount)
        sold = li.quantity > 0
        out[li.order_id] = (
            units + (li.quantity if sold else 0),
            returned + (0 if sold else -li.quantity),
            gross + (value if sold else 0),
            net + value,
        )
    return out


def _as_fractions(totals: dict[str, OrderTotals]) -> dict[str, tuple[int, int, Fraction, Fraction]]:
    return {
        k: (t.units, t.returned_units, Fraction(t.gross), Fraction(t.net))
        for k, t in totals.items()
    }


def test_ten_lines_at_the_bound_add_up_exactly() -> None:
    lines = [Line("o1", QUANTITY, PRICE, Decimal("0.0001")) for _ in range(10)]
    totals = order_totals(lines)["o1"]
    assert totals.net == totals.gross == Decimal("2147483646999999997852516.352")
    assert Fraction(totals.net) == 10 * (QUANTITY * Fraction(PRICE) - Fraction(1, 10_000))
    assert getcontext().prec == 28  # the caller's context is left as it was


prices = st.decimals(min_value=-PRICE, max_value=PRICE, places=4)
line = st.builds(
    Line,
    order_id=st.sampled_from(["o1", "o2"]),
    quantity=st.integers(-QUANTITY, QUANTITY),
    unit_price=st.decimals(min_value=0, max_value=PRICE, places=4),
    discount=prices,
)


@given(st.lists(line, max_size=40))
@example([Line("o1", QUANTITY, PRICE, Decimal(0))] * 10)
@example([Line("o1", -QUANTITY, PRICE, -PRICE)] * 12 + [Line("o1", 1, Decimal("0.0001"), PRICE)])
def test_totals_are_the_exact_sums_at_the_bounds(lines: list[Line]) -> None:
    assert _as_fractions(order_totals(lines)) == _exact(lines)
