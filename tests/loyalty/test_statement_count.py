"""How many statements an auto-enrolling order costs loyalty, on SQLite and PostgreSQL: an
upper bound, so a statement added to the event API's wired path fails here (bench/events.py
measures its time)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.loyalty.conftest import customer, order

MUG = {"sku": "MUG", "quantity": 2, "unit_price": "25.00"}  # 50 points
# the program and whether a refusal is kept, the order's head, its customer with its
# membership, the new member, the order's lines, the earn's key, the entry and its lot (one
# statement on PostgreSQL), the activity, the open challenges, the points the order moved
AT_MOST = {"sqlite": 11, "postgresql": 10}


def test_an_order_enrolling_its_customer_earns_in_a_bounded_number_of_statements(services):
    """What the subscription of an order event runs (``earn_orders`` on its order, in one
    transaction), for an order of a customer who is no member yet, under auto-enrolment."""
    services.loyalty.configure({"auto_enroll": True, "earning": {"points_per_unit": 1}})
    ann = customer(services, "ann")
    order(services, "o1", "ann", [MUG], live=False)  # a history import: nothing earned yet
    with services.engine.connect() as conn:
        [order_id] = conn.execute(sa.text("SELECT id FROM orders")).scalars()
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    sa.event.listen(services.engine, "before_cursor_execute", count)
    try:
        earned = services.loyalty.earn_orders([order_id])
    finally:
        sa.event.remove(services.engine, "before_cursor_execute", count)
    assert earned.written == 1
    member = services.loyalty.member_of(ann)
    assert member is not None and services.loyalty.member_view(member).balance == 50
    bound = AT_MOST[services.engine.dialect.name]
    assert len(sent) <= bound, "\n".join(sent)
