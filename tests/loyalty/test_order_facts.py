"""Loyalty's facts of orders (two set-based queries) against the rule they implement, written
over the rows in Python: the orders listed and the orders their return lines reverse; each
one's merchandise lines of positive quantity and their gross; the value of the return lines
that reverse its lines (linked from any order) and of its own unlinked negative lines. Both
stores, orders and lines drawn by Hypothesis."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from opencx.app import Services
from opencx.db.schema import customers, order_lines, orders, products
from opencx.loyalty.domain import OrderLine
from opencx.loyalty.store.orders import order_facts, order_heads
from opencx.metrics.domain.order_value import line_value, order_totals
from tests.loyalty.conftest import customer, order

T0 = datetime(2025, 3, 1, tzinfo=UTC)
ORDERS = [f"o{i}" for i in range(5)]
PRODUCTS = {"m": True, "n": False}  # merchandise, postage

LINE = st.tuples(
    st.sampled_from([None, "m", "n", "m"]),  # no product counts as merchandise
    st.integers(-3, 3),
    st.decimals("0.00", "50.00", places=2),
    st.decimals("0.00", "2.00", places=2),
    st.integers(0, 30),  # which earlier line a return line reverses (0: none)
)
SHOP = st.lists(st.lists(LINE, min_size=1, max_size=3), min_size=len(ORDERS), max_size=5)


class _Priced:
    """A line as the shared definition reads it, counted for order ``oid``."""

    def __init__(self, row: dict[str, Any], oid: str) -> None:
        self.order_id, self.quantity = oid, row["quantity"]
        self.unit_price, self.discount = row["unit_price"], row["discount"]
        self.is_merchandise = PRODUCTS.get(row["product_id"], True)


def _rows(shop: list[list[tuple[Any, ...]]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for oid, lines in zip(ORDERS, shop, strict=False):
        for n, (product, quantity, price, discount, link) in enumerate(lines, 1):
            earlier = [r["id"] for r in rows]
            target = earlier[link % len(earlier)] if link and earlier and quantity < 0 else None
            rows.append(
                {
                    "id": f"{oid}-{n}",
                    "order_id": oid,
                    "line_no": n,
                    "product_id": product,
                    "sku": f"S{n}",
                    "quantity": quantity,
                    "unit_price": price,
                    "discount": discount,
                    "returns_line_id": target,
                }
            )
    return rows


def _expected(rows: list[dict[str, Any]], listed: list[str]) -> dict[str, Any]:
    order_of = {r["id"]: r["order_id"] for r in rows}
    heads = set(listed) | {
        order_of[r["returns_line_id"]]
        for r in rows
        if r["order_id"] in listed and r["returns_line_id"]
    }
    out = {}
    for oid in sorted(heads):
        bought = [r for r in rows if r["order_id"] == oid and r["quantity"] > 0]
        returns = [
            r
            for r in rows
            if r["quantity"] < 0
            and (
                (r["returns_line_id"] and order_of[r["returns_line_id"]] == oid)
                or (r["order_id"] == oid and not r["returns_line_id"])
            )
        ]
        gross = order_totals(_Priced(r, oid) for r in bought).get(oid)
        back = order_totals(_Priced(r, oid) for r in returns).get(oid)
        lines = tuple(
            OrderLine(r["sku"], None, line_value(r["quantity"], r["unit_price"], r["discount"]))
            for r in bought
            if PRODUCTS.get(r["product_id"], True)
        )
        out[oid] = (
            lines,
            gross.gross if gross else Decimal(0),
            -back.net if back else Decimal(0),
        )
    return out


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shop=SHOP, listed=st.sets(st.sampled_from(ORDERS), min_size=1))
def test_order_facts_follow_the_rule(
    engine: Engine, shop: list[list[tuple[Any, ...]]], listed: set[str]
) -> None:
    rows = _rows(shop)
    with engine.connect() as conn:
        tx = conn.begin()
        try:
            conn.execute(
                customers.insert(),
                {"id": "c1", "source": "s", "external_id": "c1", "created_at": T0},
            )
            conn.execute(
                products.insert(),
                [
                    {"id": p, "source": "s", "external_id": p, "is_merchandise": m}
                    for p, m in PRODUCTS.items()
                ],
            )
            conn.execute(
                orders.insert(),
                [
                    {
                        "id": oid,
                        "source": "s",
                        "external_id": oid,
                        "customer_id": "c1",
                        "placed_at": T0 + timedelta(days=i),
                        "status": "completed",
                        "currency": "EUR",
                        "discount_total": Decimal(0),
                    }
                    for i, oid in enumerate(ORDERS)
                ],
            )
            for row in rows:  # one by one: a return line names a line written before it
                conn.execute(order_lines.insert(), row)
            ids = sorted(listed)
            facts = {f.id: (f.lines, f.gross, f.returned_lines) for f in order_facts(conn, ids)}
            heads = {h.id for h in order_heads(conn, ids)}
        finally:
            tx.rollback()
    expected = _expected(rows, ids)
    assert heads == set(expected)
    assert facts == expected


@contextmanager
def _statements(services: Services) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(services.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(services.engine, "before_cursor_execute", record)


def test_an_order_of_no_member_reads_its_head_not_its_lines(services: Services) -> None:
    """The program enrols no one: earning for a non-member's order reads the program, the
    order's head and the members, in three statements, and none of its lines."""
    customer(services, "ann")
    order(services, "A1", "ann", [{"sku": "S1", "quantity": 2, "unit_price": "10.00"}], live=False)
    with services.engine.connect() as conn:
        order_id = conn.execute(sa.select(orders.c.id)).scalar_one()
    with _statements(services) as seen:
        earned = services.loyalty.earn_orders([order_id])
    assert earned.posted == () and earned.refused == ()
    assert len(seen) == 3, seen
    assert not [s for s in seen if "order_lines.quantity" in s], seen


def test_a_members_order_is_read_in_two_statements(services: Services) -> None:
    """A member's order: its head (with the orders its returns reverse), then its lines and
    the returns linked to them."""
    cid = customer(services, "bea")
    services.loyalty.enroll(cid)
    order(services, "B1", "bea", [{"sku": "S1", "quantity": 2, "unit_price": "10.00"}], live=False)
    with services.engine.connect() as conn:
        order_id = conn.execute(sa.select(orders.c.id)).scalar_one()
    with _statements(services) as seen:
        (posted,) = services.loyalty.earn_orders([order_id]).posted
    assert posted.points == 20
    assert len([s for s in seen if "FROM orders" in s or "FROM order_lines" in s]) == 2, seen
