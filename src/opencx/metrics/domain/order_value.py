"""An order's value: the one definition read by the metrics, the customer 360 and the models.

* A line is worth ``quantity × unit_price − discount`` (a missing discount is 0).
* Only **merchandise** lines count: a line whose product has ``is_merchandise = false``
  (postage, fees, bank charges, manual adjustments) is not part of any value; a line without a
  product, or whose product is unknown, counts as merchandise.
* Returns and cancellations are **negative lines**: they lower the value of the order that
  carries them (a return document is an order of negative value).
* An order's ``units`` are its merchandise units sold, ``returned_units`` those taken back,
  ``gross`` the value of its positive lines and ``net`` (its **value**) the sum of all its
  merchandise lines.
* An order is a **purchase** when it is not cancelled and has ``units > 0``.

The same rules twice: as Ibis expressions (:func:`merchandise_lines`, :func:`order_sums`,
:func:`is_purchase`) for any backend, and as Python over rows (:func:`order_totals`,
:func:`purchase`) for one customer's 360; a test holds the two to the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Protocol

from opencx.core.money import EXACT

if TYPE_CHECKING:  # the Ibis rules work on the tables given; the 360 (Python rules) needs no Ibis
    import ibis.expr.types as ir

__all__ = [
    "CANCELLED",
    "OrderTotals",
    "PricedLine",
    "is_purchase",
    "line_value",
    "merchandise_lines",
    "order_sums",
    "order_totals",
    "purchase",
]

CANCELLED = "cancelled"
"""The order status that is never a purchase."""


def _f(col: ir.Value) -> ir.FloatingValue:
    return col.cast("float64")


def merchandise_lines(order_lines: ir.Table, products: ir.Table) -> ir.Table:
    """Merchandise order lines with their ``value``: ``order_id, category, sku, quantity, value``.

    ``quantity`` is int64 (negative for a return), ``value`` float64.
    """
    p = products.select(pid=products.id, category=products.category, merch=products.is_merchandise)
    j = order_lines.left_join(p, order_lines.product_id == p.pid)
    j = j.filter(j.merch.isnull() | j.merch)
    value = _f(j.quantity) * _f(j.unit_price) - _f(j.discount).fill_null(0.0)
    return j.select("order_id", "category", "sku", quantity=j.quantity.cast("int64"), value=value)


def order_sums(lines: ir.Table) -> ir.Table:
    """Per order of :func:`merchandise_lines`: ``order_id, units, returned_units, gross, net``.

    Units are summed as float64 (engines widen integer sums, DuckDB to 128 bits). Orders without
    merchandise lines have no row.
    """
    pos = lines.quantity > 0
    units = _f(lines.quantity)
    return lines.group_by("order_id").aggregate(
        units=pos.ifelse(units, 0.0).sum(),
        returned_units=pos.ifelse(0.0, -units).sum(),
        gross=pos.ifelse(lines.value, 0.0).sum(),
        net=lines.value.sum(),
    )


def is_purchase(status: ir.StringValue, units: ir.NumericValue) -> ir.BooleanValue:
    """Whether an order with ``status`` and merchandise ``units`` is a purchase."""
    return (status != CANCELLED) & (units > 0)


class PricedLine(Protocol):
    """An order line as Python values (the 360 reads these from the store)."""

    @property
    def order_id(self) -> str: ...
    @property
    def quantity(self) -> int: ...
    @property
    def unit_price(self) -> Decimal: ...
    @property
    def discount(self) -> Decimal: ...
    @property
    def is_merchandise(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class OrderTotals:
    """:func:`order_sums` of one order, in exact decimals."""

    units: int = 0
    returned_units: int = 0
    gross: Decimal = Decimal(0)
    net: Decimal = Decimal(0)

    @property
    def value(self) -> Decimal:
        """The order's value: its merchandise net of returns and discounts."""
        return self.net


def line_value(quantity: int, unit_price: Decimal, discount: Decimal | None) -> Decimal:
    """``quantity × unit_price − discount`` (a missing discount is 0), every digit kept
    (``core.money.EXACT``)."""
    with localcontext(EXACT):
        return quantity * unit_price - (discount or Decimal(0))


def order_totals(lines: Iterable[PricedLine]) -> dict[str, OrderTotals]:
    """:func:`order_sums` over Python rows: totals per order with a merchandise line, exact
    (``core.money.EXACT``): a line holds up to 28 digits (a quantity under 2^31 times a price
    under 10^14 with 4 decimals), a sum of ten such lines 29, which Decimal's default context
    rounded."""
    out: dict[str, OrderTotals] = {}
    with localcontext(EXACT):
        for line in lines:
            if not line.is_merchandise:
                continue
            t = out.get(line.order_id, OrderTotals())
            value = line.quantity * line.unit_price - (line.discount or Decimal(0))
            sold = line.quantity > 0
            out[line.order_id] = OrderTotals(
                units=t.units + (line.quantity if sold else 0),
                returned_units=t.returned_units + (0 if sold else -line.quantity),
                gross=t.gross + (value if sold else Decimal(0)),
                net=t.net + value,
            )
    return out


def purchase(status: str, totals: OrderTotals | None) -> bool:
    """:func:`is_purchase` for one order: not cancelled, with merchandise units sold."""
    return totals is not None and status != CANCELLED and totals.units > 0
