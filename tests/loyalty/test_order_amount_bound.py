"""An order whose total is past the amount bound (10^14, the money columns' 14 digits) while
each line is within it (a quantity up to 2^31 - 1 at a price under 10^14) is refused alone by
loyalty, as an order past the points bound is: its points are within the bound when points per
unit is small, but the ledger keeps the order's amount beside the entry and cannot hold it.
Both stores.

Before, the earn's amount failed the money column ('amount 180000000000000.0000 is out of
range ...'): a traceback that rolled back the whole event (the order itself was not stored)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.loyalty.conftest import customer, order


def test_an_order_past_the_amount_bound_is_refused_alone(services):
    services.loyalty.configure({"earning": {"points_per_unit": "0.000001"}})
    ann = customer(services, "ann")
    member = services.loyalty.enroll(ann)
    order(services, "big", "ann", [{"sku": "X", "quantity": 2, "unit_price": "90000000000000"}])
    order(services, "small", "ann", [{"sku": "X", "quantity": 1, "unit_price": "3000000"}])
    with services.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT external_id FROM orders ORDER BY 1")).scalars()
        assert list(stored) == ["big", "small"]  # the orders are stored: loyalty refuses its own
    assert services.loyalty.member_view(member).balance == 3
    [refused] = services.loyalty.overview().refused
    assert refused.member_id == member
    assert "big" in refused.reason and "180000000000000" in refused.reason
    assert "out of range" in refused.reason and "14 digits" in refused.reason, refused.reason
