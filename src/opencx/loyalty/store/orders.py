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
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from opencx.db.id_lists import among_ids, ids_value
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
class OrderHead:
    """An order's own columns, as loyalty reads them before its lines."""

    id: str
    customer_id: str | None
    placed_at: datetime
    status: str
    currency: str
    source: str
    external_id: str


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


def _among(column: Any, query: sa.Select[Any], dialect: str) -> Any:
    """``column`` among the values ``query`` selects. On PostgreSQL the query fills an array
    first (an init plan) that ``column``'s index is probed with, whatever the planner guesses
    of the tables: on lines a first import has just written (not analyzed; autovacuum's
    analyze comes later, or never) a join hashed all 500,000 of them, 26-64 ms an event."""
    if dialect == "postgresql":
        filled = sa.select(sa.func.array_agg(query.subquery().c[0])).scalar_subquery()
        return column == sa.any_(sa.cast(filled, postgresql.ARRAY(sa.String)))
    return column.in_(query)


def _reversed_order(line: Any) -> Any:
    """The order of the line ``line`` reverses (a correlated lookup by the line's key)."""
    target = order_lines.alias("target")
    return sa.select(target.c.order_id).where(target.c.id == line.returns_line_id)


@cache
def _heads_query(dialect: str) -> sa.Select[Any]:
    """The orders listed and the orders whose lines their return lines reverse."""
    li = order_lines.c
    reversed_ = sa.select(_reversed_order(li).scalar_subquery()).where(
        among_ids(li.order_id, dialect), li.returns_line_id.is_not(None)
    )
    o = orders.c
    return sa.select(
        o.id, o.customer_id, o.placed_at, o.status, o.currency, o.source, o.external_id
    ).where(sa.or_(among_ids(o.id, dialect), _among(o.id, reversed_, dialect)))


@cache
def _lines_query(dialect: str) -> sa.CompoundSelect[Any]:
    """Every line of the orders listed (``linked`` 0), then the return lines linked to one of
    those lines, wherever they are (``linked`` 1, ``oid`` None: the order they reverse is the
    one of the line they name, among the first). The lines are found by their keys; a join
    from the lines to the lines they name hashed all of them on PostgreSQL when they were
    not analyzed yet (64 ms an event), and a lookup per line costed high enough there to be
    compiled by the JIT (20-40 ms)."""
    li, target = order_lines.c, order_lines.alias("target")
    cols = (li.id, li.line_no, li.sku, li.returns_line_id, products.c.category, *_COLS)
    own = (
        sa.select(sa.literal_column("0").label("linked"), li.order_id.label("oid"), *cols)
        .outerjoin(products, products.c.id == li.product_id)
        .where(among_ids(li.order_id, dialect))
    )
    their_lines = sa.select(target.c.id).where(among_ids(target.c.order_id, dialect))
    linked = (
        sa.select(sa.literal_column("1"), sa.null(), *cols)
        .outerjoin(products, products.c.id == li.product_id)
        .where(
            li.returns_line_id.is_not(None),
            _among(li.returns_line_id, their_lines, dialect),
            li.quantity < 0,
        )
    )
    union = sa.union_all(own, linked)
    return union.order_by(*(union.selected_columns[k] for k in ("linked", "oid", "line_no")))


def order_heads(conn: Connection, order_ids: Sequence[str]) -> list[OrderHead]:
    """These orders and the orders their return lines reverse (one query)."""
    if not order_ids:
        return []
    rows = conn.execute(_heads_query(conn.dialect.name), {"ids": ids_value(conn, order_ids)})
    return [OrderHead(*r) for r in rows]


def facts_of(conn: Connection, heads: Sequence[OrderHead]) -> list[OrderFacts]:
    """The facts of these orders: their purchase lines and the value returned (one query)."""
    if not heads:
        return []
    ids = {"ids": ids_value(conn, [h.id for h in heads])}
    rows = conn.execute(_lines_query(conn.dialect.name), ids)
    order_of: dict[str, str] = {}  # line → order, of the orders' own lines
    bought: list[tuple[Any, _Line]] = []
    returns: list[_Line] = []
    for r in rows:  # own lines first
        if not r.linked:
            order_of[r.id] = r.oid
            li = _priced(r.oid, r)
            if li.quantity > 0:
                bought.append((r, li))
            elif li.quantity < 0 and r.returns_line_id is None:
                returns.append(li)
        else:
            returns.append(_priced(order_of[r.returns_line_id], r))
    lines: dict[str, list[OrderLine]] = {}
    for r, li in bought:
        if li.is_merchandise:
            value = line_value(li.quantity, li.unit_price, li.discount)
            lines.setdefault(r.oid, []).append(OrderLine(r.sku, r.category, value))
    gross = {oid: t.gross for oid, t in order_totals(li for _, li in bought).items()}
    returned = {oid: -t.net for oid, t in order_totals(returns).items()}
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
        for o in heads
    ]


def order_facts(conn: Connection, order_ids: Sequence[str]) -> list[OrderFacts]:
    """Facts of these orders and of the orders their returns reverse (two queries)."""
    return facts_of(conn, order_heads(conn, order_ids))


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
