"""A program that auto-enrols: a live order of a customer who is no member enrols them (their
survivor's membership, if merged) and earns, on SQLite and PostgreSQL; enrolling refuses an
erased or unknown customer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from opencx.core import Conflict, NotFound
from opencx.customers.service import merge
from opencx.loyalty.domain import POINTS_LIMIT, Challenge
from tests.loyalty.conftest import customer, order
from tests.loyalty.test_service import _live_file, audit_all

MUG = {"sku": "MUG", "quantity": 2, "unit_price": "25.00"}  # 50 points
MOST = POINTS_LIMIT - 1
AUTO = {"auto_enroll": True, "earning": {"points_per_unit": 1}}


@pytest.fixture
def auto(services):
    services.loyalty.configure(AUTO)
    return services


def _members(services) -> list[tuple[str, str, str]]:
    with services.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT customer_id, source, status FROM loyalty_members ORDER BY id")
        )
        return [tuple(r) for r in rows]


def _balance(services, customer_id: str) -> int:
    member = services.loyalty.member_of(customer_id)
    assert member is not None
    return services.loyalty.member_view(member).balance


def test_an_order_enrols_its_customer_once_and_earns(auto):
    ann = customer(auto, "ann")
    order(auto, "o1", "ann", [MUG])
    assert _members(auto) == [(ann, "order", "active")]
    assert _balance(auto, ann) == 50
    order(auto, "o1", "ann", [MUG])  # the same event again: nothing new
    order(auto, "o2", "ann", [MUG])
    assert _members(auto) == [(ann, "order", "active")]
    assert _balance(auto, ann) == 100
    audit_all(auto)


def test_a_new_members_orders_of_one_import_all_earn_and_complete_a_challenge(auto, tmp_path):
    """The second order of a customer enrolled by the first, in the same import, reads what
    the first wrote: both earn, and the challenge of two orders completes once."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    auto.loyalty.add_challenge(
        Challenge(
            "two", "Two orders", "count", "order", 2, start, datetime(2027, 1, 1, tzinfo=UTC), 10
        )
    )
    cy = customer(auto, "cy")
    head = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
    rows = "".join(f"o{i},cy,2026-01-1{i}T10:00:00Z,EUR,MUG,2,25.00\n" for i in (1, 2))
    _live_file(auto, tmp_path / "orders.parquet", head + rows, chunk_rows=10)
    assert _members(auto) == [(cy, "order", "active")]
    assert _balance(auto, cy) == 50 + 50 + 10
    audit_all(auto)


def test_a_new_members_second_order_of_one_import_sees_the_first_at_the_bound(auto, tmp_path):
    """The first order of a customer it enrols earns up to 10 points short of the balance
    bound; the second, in the same import, would take the balance past it: refused alone."""
    cy = customer(auto, "cy")
    head = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
    rows = (
        f"o1,cy,2026-01-10T10:00:00Z,EUR,MUG,1,{MOST - 10}.00\n"
        "o2,cy,2026-01-11T10:00:00Z,EUR,MUG,1,50.00\n"
    )
    _live_file(auto, tmp_path / "orders.parquet", head + rows, chunk_rows=10)
    member = auto.loyalty.member_of(cy)
    assert _balance(auto, cy) == MOST - 10
    [refused] = auto.loyalty.overview().refused
    assert refused.reason == (
        f"order o2 (source shop) of 50.0000 EUR: points: 50 would take member {member}'s balance"
        f" from {MOST - 10} to {MOST + 40}, out of range (a balance stays within ±{MOST} points)"
    )
    audit_all(auto)


def test_orders_of_a_merged_customer_and_its_survivor_enrol_the_survivor_once(
    auto, clock, tmp_path
):
    merged = customer(auto, "ga", "same@example.nl")
    survivor = customer(auto, "gb", "other@example.nl")
    with auto.engine.begin() as conn:  # the merged customer comes first (ids in time order):
        # enrolling it enrols the survivor, whose own order then finds that membership
        merge(conn, survivor, merged, "manual", now=clock.now(), bus=auto.bus)
    assert merged < survivor
    head = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
    rows = (
        "o1,gb,2026-01-10T10:00:00Z,EUR,MUG,2,25.00\no2,ga,2026-01-11T10:00:00Z,EUR,MUG,2,25.00\n"
    )
    _live_file(auto, tmp_path / "orders.parquet", head + rows, chunk_rows=10)
    assert _members(auto) == [(survivor, "order", "active")]
    assert auto.loyalty.member_of(merged) is None
    assert _balance(auto, survivor) == 100
    audit_all(auto)


def test_an_order_of_a_customer_whose_membership_moved_earns_on_the_survivors(auto):
    a = customer(auto, "ga", "same@example.nl")
    b = customer(auto, "gb", "other@example.nl")
    member_a, member_b = auto.loyalty.enroll(a), auto.loyalty.enroll(b)
    _merge, survivor, merged = auto.customers.merge(a, b)
    kept = auto.loyalty.member_of(survivor)
    assert kept in (member_a, member_b)
    merged_name = "ga" if merged == a else "gb"
    order(auto, "o1", merged_name, [MUG])  # the merged customer's membership is not active
    assert len(_members(auto)) == 2
    assert auto.loyalty.member_view(kept).balance == 50
    audit_all(auto)


def test_an_order_earned_by_another_member_earns_nothing_for_the_new_one(auto):
    """An order sent again with another customer enrols that customer, but its earn's key was
    written for the first member: answered from the key, nothing is written twice."""
    ann, bo = customer(auto, "ann"), customer(auto, "bo")
    order(auto, "o1", "ann", [MUG])
    order(auto, "o1", "bo", [MUG])
    assert sorted(_members(auto)) == sorted([(ann, "order", "active"), (bo, "order", "active")])
    assert (_balance(auto, ann), _balance(auto, bo)) == (50, 0)
    audit_all(auto)


def test_enrolling_refuses_an_unknown_or_erased_customer(auto):
    with pytest.raises(NotFound, match="customer 'nobody' does not exist"):
        auto.loyalty.enroll("nobody")
    assert not auto.loyalty.can_enroll("nobody")
    gone = customer(auto, "gone")
    assert auto.loyalty.can_enroll(gone)
    auto.customers.erase(gone)
    assert not auto.loyalty.can_enroll(gone)
    with pytest.raises(Conflict, match=f"customer '{gone}' was erased and cannot be enrolled"):
        auto.loyalty.enroll(gone)
    ann = customer(auto, "ann")
    member = auto.loyalty.enroll(ann)
    assert not auto.loyalty.can_enroll(ann)
    assert auto.loyalty.enroll(ann) == member
    assert _members(auto) == [(ann, "api", "active")]
