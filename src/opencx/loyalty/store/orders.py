"""Reading the canonical ``orders`` and ``order_lines`` (owned by ingest; loyalty only reads).

An order's value is the shared definition in ``opencx.metrics.domain.order_value`` (the one the
metrics, the customer 360 and the models read): this module only selects the lines; their
values, what is merchandise (a product with ``is_merchandise = false`` is left out, an unknown
product counts) and an order's totals come from :func:`order_totals` and :func:`line_value`.
Loyalty's earning base of an order is its ``gross`` (positive merchandise lines) less the value
of the return lines that reverse it (linked by ``returns_line_id``, or negative lines on the
order itself); a cancelled order keeps nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import order_lines, orders, products
from opencx.loyalty.domain import OrderLine
from opencx.metrics.domain.order_value import line_value, order_totals, purchase


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """An order as loyalty sees it: its purchase lines and the value returned since."""

    id: str
    customer_id: str | None
    placed_at: datetime
    status: str
    currency: str
    lines: tuple[OrderLine, ...]  # merchandise lines of positive quantity
    gross: Decimal  # ``order_totals(...).gross``: the value of those lines
    returned_lines: Decimal  # value of return lines that reverse this order's lines
    source: str = ""
    external_id: str = ""

    @property
    def name(self) -> str:
        """The order as its source names it, for a sentence: ``o1 (source shop)``."""
        return f"{self.external_id or self.id} (source {self.source})"

    @property
    def returned(self) -> Decimal:
        if self.status == "cancelled":
            return self.gross
        return self.returned_lines

    @property
    def earning_base(self) -> Decimal:
        """The value points are kept on: gross less what was returned (never below 0)."""
        return max(self.gross - min(self.returned, self.gross), Decimal(0))


@dataclass(frozen=True, slots=True)
class _Line:
    """An order line as the shared definition reads it (a ``PricedLine``)."""

    order_id: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    is_merchandise: bool


def _priced(order_id: str, r: Any) -> _Line:
    return _Line(
        order_id,
        int(r.quantity),
        Decimal(r.unit_price),
        Decimal(r.discount or 0),
        r.is_merchandise is not False,  # no product, or an unknown one: merchandise
    )


_COLS = (
    order_lines.c.quantity,
    order_lines.c.unit_price,
    order_lines.c.discount,
    products.c.is_merchandise,
)


def _originals(conn: Connection, order_ids: Sequence[str]) -> list[str]:
    """These orders and the orders whose lines their return lines reverse."""
    target = order_lines.alias("target")
    q = (
        sa.select(target.c.order_id)
        .join(order_lines, order_lines.c.returns_line_id == target.c.id)
        .where(order_lines.c.order_id.in_(list(order_ids)))
        .distinct()
    )
    return sorted(set(order_ids) | {r.order_id for r in conn.execute(q)})


def _returned(conn: Connection, ids: Sequence[str]) -> dict[str, Decimal]:
    """Per order, the value of return lines (negative quantity) that reverse its lines."""
    target = order_lines.alias("target")
    linked = (
        sa.select(target.c.order_id.label("oid"), *_COLS)
        .join(target, order_lines.c.returns_line_id == target.c.id)
        .outerjoin(products, products.c.id == order_lines.c.product_id)
        .where(target.c.order_id.in_(list(ids)), order_lines.c.quantity < 0)
    )
    unlinked = (
        sa.select(order_lines.c.order_id.label("oid"), *_COLS)
        .outerjoin(products, products.c.id == order_lines.c.product_id)
        .where(
            order_lines.c.order_id.in_(list(ids)),
            order_lines.c.quantity < 0,
            order_lines.c.returns_line_id.is_(None),
        )
    )
    rows = [_priced(r.oid, r) for q in (linked, unlinked) for r in conn.execute(q)]
    return {oid: -t.net for oid, t in order_totals(rows).items()}


def _purchase_lines(
    conn: Connection, ids: Sequence[str]
) -> tuple[dict[str, list[OrderLine]], dict[str, Decimal]]:
    """Per order, its positive merchandise lines and their gross value."""
    q = (
        sa.select(order_lines.c.order_id, order_lines.c.sku, products.c.category, *_COLS)
        .outerjoin(products, products.c.id == order_lines.c.product_id)
        .where(order_lines.c.order_id.in_(list(ids)), order_lines.c.quantity > 0)
        .order_by(order_lines.c.order_id, order_lines.c.line_no)
    )
    rows = [(r, _priced(r.order_id, r)) for r in conn.execute(q)]
    lines: dict[str, list[OrderLine]] = {}
    for r, li in rows:
        if li.is_merchandise:
            value = line_value(li.quantity, li.unit_price, li.discount)
            lines.setdefault(r.order_id, []).append(OrderLine(r.sku, r.category, value))
    gross = {oid: t.gross for oid, t in order_totals(li for _, li in rows).items()}
    return lines, gross


def order_facts(conn: Connection, order_ids: Sequence[str]) -> list[OrderFacts]:
    """Facts of these orders and of the orders their returns reverse."""
    if not order_ids:
        return []
    ids = _originals(conn, order_ids)
    head = conn.execute(
        sa.select(
            orders.c.id,
            orders.c.customer_id,
            orders.c.placed_at,
            orders.c.status,
            orders.c.currency,
            orders.c.source,
            orders.c.external_id,
        ).where(orders.c.id.in_(ids))
    ).all()
    lines, gross = _purchase_lines(conn, ids)
    returned = _returned(conn, ids)
    return [
        OrderFacts(
            o.id,
            o.customer_id,
            o.placed_at,
            o.status,
            o.currency,
            tuple(lines.get(o.id, ())),
            gross.get(o.id, Decimal(0)),
            returned.get(o.id, Decimal(0)),
            o.source,
            o.external_id,
        )
        for o in head
    ]


def orders_of_customers(
    conn: Connection, customer_ids: Sequence[str], since: datetime | None = None
) -> list[str]:
    q = sa.select(orders.c.id).where(orders.c.customer_id.in_(list(customer_ids)))
    if since is not None:
        q = q.where(orders.c.placed_at >= since)
    return [r.id for r in conn.execute(q.order_by(orders.c.placed_at))]


def order_history(conn: Connection) -> dict[str, list[tuple[datetime, float]]]:
    """Per customer, ``(placed_at, order value)`` of purchases (the shared definition), in time
    order."""
    q = (
        sa.select(orders.c.id, orders.c.customer_id, orders.c.placed_at, orders.c.status, *_COLS)
        .join(order_lines, order_lines.c.order_id == orders.c.id)
        .outerjoin(products, products.c.id == order_lines.c.product_id)
        .where(orders.c.customer_id.is_not(None))
        .order_by(orders.c.placed_at, orders.c.id)
    )
    rows = conn.execute(q).all()
    totals = order_totals(_priced(r.id, r) for r in rows)
    heads = {r.id: r for r in rows}  # insertion order: placed_at, id
    out: dict[str, list[tuple[datetime, float]]] = {}
    for oid, r in heads.items():
        t = totals.get(oid)
        if t is not None and purchase(r.status, t):
            out.setdefault(r.customer_id, []).append((r.placed_at, float(t.value)))
    return out


def purchases_by_customer(conn: Connection) -> dict[str, list[tuple[str, datetime]]]:
    """Per customer, ``(order id, placed_at)`` of every order, in time order (the demo)."""
    q = (
        sa.select(orders.c.customer_id, orders.c.id, orders.c.placed_at)
        .where(orders.c.customer_id.is_not(None))
        .order_by(orders.c.placed_at, orders.c.id)
    )
    out: dict[str, list[tuple[str, datetime]]] = {}
    for r in conn.execute(q):
        out.setdefault(r.customer_id, []).append((r.id, r.placed_at))
    return out
