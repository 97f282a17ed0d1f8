"""An order an import takes earns, however late it is dated: an import takes a time up to the
last instant of year 9999 (``ingest.domain.validation.times``, what every store keeps), and a
lot whose expiry or return window would end past it ends at that instant instead
(``loyalty.domain.LAST_INSTANT``: in practice, never). Both stores.

Before, an order placed in a year from 9999 - expiry_months / 12 on (9998 with the default 24
months; from 9900 with 1,200) failed its earn with 'year 10000 is out of range', and the order
event with it: the import rolled back whole, the other slices' handlers' work too; an order of
9999-12-31 with a return window failed the same way ('date value out of range').
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from opencx.loyalty.domain import LAST_INSTANT, Program, add_months
from tests.loyalty.conftest import customer, order

MUG = [{"sku": "MUG", "quantity": 1, "unit_price": "10.00"}]


def _lots(services) -> list[tuple[str, datetime, datetime | None]]:
    from opencx.db.types import UtcDateTime

    q = sa.text("SELECT origin, available_at, expires_at FROM loyalty_lots ORDER BY origin")
    q = q.columns(
        sa.column("origin"),
        sa.column("available_at", UtcDateTime),
        sa.column("expires_at", UtcDateTime),
    )
    with services.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(q)]


def _order_ids(services) -> dict[str, str]:
    with services.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT external_id, id FROM orders")).all()
    return {e: i for e, i in rows}


def test_orders_of_year_9999_earn_in_lots_ending_at_the_last_instant(services):
    """PROGRAM's lots expire 12 months on and wait 14 days: an order of June 9999 is
    spendable 14 days on and expires at the last instant; one placed at the last second of
    9999 waits until the last instant too. Both orders and their points are kept."""
    member = services.loyalty.enroll(customer(services, "ann"))
    order(services, "o1", "ann", MUG, at="9999-06-01T10:00:00Z")
    order(services, "o2", "ann", MUG, at="9999-12-31T23:59:59Z")
    order(services, "o3", "ann", MUG, at="9998-12-31T10:00:00Z")  # within: 9999-12-31 10:00
    ids = _order_ids(services)
    assert sorted(ids) == ["o1", "o2", "o3"]
    assert _lots(services) == [
        (f"order:{ids['o1']}", datetime(9999, 6, 15, 10, tzinfo=UTC), LAST_INSTANT),
        (f"order:{ids['o2']}", LAST_INSTANT, LAST_INSTANT),
        (
            f"order:{ids['o3']}",
            datetime(9999, 1, 14, 10, tzinfo=UTC),
            datetime(9999, 12, 31, 10, tzinfo=UTC),
        ),
    ]
    view = services.loyalty.member_view(member)
    assert (view.balance, view.pending) == (30, 30)
    assert services.loyalty.overview().refused_orders == 0
    assert services.loyalty.run_expiry()["points"] == 0
    ret = {"sku": "MUG", "quantity": -1, "unit_price": "10.00", "is_return": True}
    order(services, "r1", "ann", [{**ret, "returns_order": "o1"}], at="9999-12-31T23:59:59Z")
    assert services.loyalty.member_view(member).balance == 20
    assert services.loyalty.audit(member) == (20, 20, True)


def test_the_default_program_dates_a_9998_order(services):
    """The default program (24 months, no return window): an order of 9998-06 expires at the
    last instant, its points spendable from the order (in 9998: pending until then)."""
    services.loyalty.configure({"earning": {"points_per_unit": 1}})
    member = services.loyalty.enroll(customer(services, "ann"))
    order(services, "o1", "ann", MUG, at="9998-06-01T10:00:00Z")
    [(_, available, expires)] = _lots(services)
    assert (available, expires) == (datetime(9998, 6, 1, 10, tzinfo=UTC), LAST_INSTANT)
    view = services.loyalty.member_view(member)
    assert (view.balance, view.pending) == (10, 10)


@pytest.mark.parametrize("months", [1, 12, 1200, 10**6, 10**40])
def test_a_lot_expiry_past_9999_is_the_last_instant(months):
    late = datetime(9999, 12, 1, 10, tzinfo=UTC)
    assert add_months(late, months) == LAST_INSTANT
    assert Program(expiry_months=months).expiry(late) == LAST_INSTANT
    assert add_months(datetime(9999, 11, 30, tzinfo=UTC), 1) == datetime(9999, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize("days", [31, 36_500, 10**7, 10**9, 10**40])
def test_a_return_window_past_9999_ends_at_the_last_instant(days):
    late = datetime(9999, 12, 1, 10, tzinfo=UTC)
    assert Program(pending_days=days).spendable_from(late) == LAST_INSTANT
    assert Program(pending_days=30).spendable_from(late) == late + timedelta(days=30)
