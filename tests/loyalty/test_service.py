"""The loyalty service on SQLite and PostgreSQL: earning from orders, returns, the catalog,
transfers, donations, partners, tiers, plans, challenges, draws, merges and erasure."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from opencx.core import Conflict, InvalidInput
from opencx.customers.service import merge
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions
from opencx.loyalty.domain import (
    Cause,
    Challenge,
    DuplicateKey,
    InsufficientPoints,
    OutOfStock,
    Partner,
    Reward,
    verify_draw,
)
from tests.ingest.test_return_links import _parquet
from tests.loyalty.conftest import customer, order

MUG = {"sku": "MUG", "quantity": 2, "unit_price": "25.00"}
SHOE = {"sku": "SHOE", "category": "shoes", "quantity": 1, "unit_price": "50.00"}


def audit_all(services) -> None:
    with services.engine.connect() as conn:
        ids = [r.id for r in conn.execute(sa.text("SELECT id FROM loyalty_members"))]
    for member_id in ids:
        projected, rebuilt, same = services.loyalty.audit(member_id)
        assert projected == rebuilt and same, member_id
    o = services.loyalty.overview()
    with services.engine.connect() as conn:
        total = conn.execute(sa.text("SELECT coalesce(sum(points),0) FROM loyalty_entries"))
        assert total.scalar_one() == o.liability_points - o.debt_points


def test_live_orders_earn_history_does_not_until_backfill(services, clock):
    ann = customer(services, "ann")
    member = services.loyalty.enroll(ann)
    assert services.loyalty.enroll(ann) == member  # enrolling twice is one member
    order(services, "old", "ann", [MUG], live=False, at="2025-06-01T10:00:00Z")
    assert services.loyalty.member_view(member).balance == 0
    order(services, "o1", "ann", [MUG, SHOE])  # 50*1 + 50*2 = 150
    view = services.loyalty.member_view(member)
    assert (view.balance, view.pending, view.spendable) == (150, 150, 0)
    order(services, "o1", "ann", [MUG, SHOE])  # the same event again: nothing new
    assert services.loyalty.member_view(member).balance == 150
    assert services.loyalty.backfill().written == 1  # the history order, once
    assert services.loyalty.backfill().written == 0  # ...and again nothing new
    assert services.loyalty.member_view(member).balance == 200
    clock.advance(timedelta(days=15))
    assert services.loyalty.member_view(member).spendable == 200
    audit_all(services)


def test_returns_reverse_pro_rata_as_compensating_entries(services, clock):
    member = services.loyalty.enroll(customer(services, "bo"))
    order(services, "o1", "bo", [{"sku": "MUG", "quantity": 4, "unit_price": "25.00"}])
    assert services.loyalty.member_view(member).balance == 100
    # a return order linked to o1: one mug of four comes back
    order(
        services,
        "r1",
        "bo",
        [
            {
                "sku": "MUG",
                "quantity": -1,
                "unit_price": "25.00",
                "is_return": True,
                "returns_order": "o1",
            }
        ],
    )
    view = services.loyalty.member_view(member)
    assert view.balance == 75
    kinds = [(e.kind, e.points) for e in view.entries]
    assert ("reverse", -25) in kinds and ("earn", 100) in kinds  # the earn is never changed
    order(
        services,
        "r1",
        "bo",
        [
            {
                "sku": "MUG",
                "quantity": -1,
                "unit_price": "25.00",
                "is_return": True,
                "returns_order": "o1",
            }
        ],
    )
    assert services.loyalty.member_view(member).balance == 75  # re-delivered: no second reversal
    audit_all(services)


def _live_file(services, path, text: str, chunk_rows: int = 1):
    """Import ``text`` (CSV) as a live orders file of ``shop``, as Parquet read ``chunk_rows``
    rows a chunk."""
    report = services.ingest.import_file(
        ImportOptions(
            kind="orders",
            path=_parquet(path, text),
            mapping=Mapping(source="shop"),
            live=True,
            chunk_rows=chunk_rows,
        )
    )
    assert report.status == "loaded", report.problems
    return report


def _entries(services, member) -> tuple[int, list[tuple[str, int]]]:
    view = services.loyalty.member_view(member)
    return view.balance, sorted((e.kind, e.points) for e in view.entries)


def test_a_live_file_reverses_a_return_listed_before_its_order(services, tmp_path):
    """The return is linked once the whole file is in (SQLite writes chunk by chunk and links
    at the end): its order's points are reversed all the same, once, on both stores."""
    member = services.loyalty.enroll(customer(services, "bo"))
    text = (
        "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order\n"
        "r1,bo,2026-01-12T10:00:00Z,EUR,MUG,-1,25.00,o1\n"
        "o1,bo,2026-01-10T10:00:00Z,EUR,MUG,4,25.00,\n"
    )
    for _ in range(2):  # imported twice: the second import reverses nothing more
        report = _live_file(services, tmp_path / "orders.parquet", text)
        assert report.counts.get("returns_linked") == 1
        assert _entries(services, member) == (75, [("earn", 100), ("reverse", -25)])
    audit_all(services)


EXCHANGE = [
    {"sku": "MUG", "quantity": -1, "unit_price": "25.00", "is_return": True, "returns_order": "o1"},
    {"sku": "PLATE", "quantity": 1, "unit_price": "100.00"},
]


def test_an_exchange_event_reverses_the_original_once(services):
    """o2 returns one mug of o1 and buys a plate: o1 loses 25 points, o2 earns 100; o2's own
    return line, linked to o1, is not reversed against o2 too."""
    member = services.loyalty.enroll(customer(services, "bo"))
    order(services, "o1", "bo", [{"sku": "MUG", "quantity": 4, "unit_price": "25.00"}])
    order(services, "o2", "bo", EXCHANGE)
    assert _entries(services, member) == (175, [("earn", 100), ("earn", 100), ("reverse", -25)])
    audit_all(services)


def test_an_exchange_in_a_live_file_reverses_the_original_once(services, tmp_path):
    member = services.loyalty.enroll(customer(services, "bo"))
    text = (
        "order_id,customer,placed_at,currency,sku,quantity,unit_price,is_return,returns_order\n"
        "o1,bo,2026-01-10T10:00:00Z,EUR,MUG,4,25.00,,\n"
        "o2,bo,2026-01-12T10:00:00Z,EUR,MUG,-1,25.00,true,o1\n"
        "o2,bo,2026-01-12T10:00:00Z,EUR,PLATE,1,100.00,,\n"
    )
    _live_file(services, tmp_path / "orders.parquet", text, chunk_rows=50_000)
    assert _entries(services, member) == (175, [("earn", 100), ("earn", 100), ("reverse", -25)])


def test_an_order_spanning_chunks_earns_on_all_its_lines(services, tmp_path):
    member = services.loyalty.enroll(customer(services, "bo"))
    text = (
        "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
        "o1,bo,2026-01-10T10:00:00Z,EUR,MUG,1,25.00\n"
        "o1,bo,2026-01-10T10:00:00Z,EUR,PLATE,3,25.00\n"
    )
    _live_file(services, tmp_path / "orders.parquet", text)
    assert _entries(services, member) == (100, [("earn", 100)])


def test_an_order_cancelled_on_a_later_chunk_earns_nothing(services, tmp_path):
    member = services.loyalty.enroll(customer(services, "bo"))
    text = (
        "order_id,customer,placed_at,currency,sku,quantity,unit_price,status\n"
        "o1,bo,2026-01-10T10:00:00Z,EUR,MUG,4,25.00,\n"
        "o1,bo,2026-01-10T10:00:00Z,EUR,PLATE,1,25.00,cancelled\n"
    )
    _live_file(services, tmp_path / "orders.parquet", text)
    with services.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT status FROM orders")).scalar_one() == "cancelled"
    assert _entries(services, member) == (0, [])


def test_rewards_stock_idempotency_and_insufficient_points(services, clock):
    member = services.loyalty.enroll(customer(services, "cy"))
    services.loyalty.earn(member, 300, "welcome:cy", "welcome")
    services.loyalty.put_reward(Reward("r1", "Mug", 100, stock=2))
    first = services.loyalty.redeem(member, "r1", "req-1")
    again = services.loyalty.redeem(member, "r1", "req-1")
    assert again.duplicate and again.entry_id == first.entry_id and again.balance == 200
    services.loyalty.redeem(member, "r1", "req-2")
    with pytest.raises(OutOfStock):
        services.loyalty.redeem(member, "r1", "req-3")
    with pytest.raises(DuplicateKey):
        services.loyalty.spend(member, 5, "req-1")  # a key reused for another request
    with pytest.raises(InsufficientPoints):
        services.loyalty.spend(member, 101, "req-4")
    assert services.loyalty.member_view(member).balance == 100
    assert [(r.name, n) for r, n in services.loyalty.rewards()] == [("Mug", 2)]
    audit_all(services)


def test_transfer_adjust_donate_and_partner_settlement(services):
    a = services.loyalty.enroll(customer(services, "da"))
    b = services.loyalty.enroll(customer(services, "db"))
    services.loyalty.adjust(a, 500, "goodwill for a late parcel", "adj-1", "admin@x")
    with pytest.raises(InvalidInput, match="reason"):
        services.loyalty.adjust(a, 5, " ", "adj-2", "admin@x")
    services.loyalty.transfer(a, b, 200, "tr-1")
    services.loyalty.transfer(a, b, 200, "tr-1")  # retried
    services.loyalty.put_cause(Cause("trees", "Plant trees", Decimal("0.01"), "EUR"))
    services.loyalty.donate(b, "trees", 150, "don-1")
    services.loyalty.put_partner(
        Partner("air", "Airline", Decimal("0.012"), Decimal("0.008"), "EUR")
    )
    services.loyalty.partner_points("air", a, 1000, "air-1", award=True)
    services.loyalty.partner_points("air", a, 300, "air-2", award=False)
    assert services.loyalty.member_view(a).balance == 1000
    assert services.loyalty.member_view(b).balance == 50
    (cause,) = services.loyalty.cause_statements()
    assert (cause.points, cause.amount) == (150, Decimal("1.50"))
    (partner,) = services.loyalty.partner_statements()
    assert (partner.receivable, partner.payable) == (Decimal("12.00"), Decimal("2.40"))
    audit_all(services)


def test_expiry_job_and_tier_and_plan_multipliers(services, clock):
    member = services.loyalty.enroll(customer(services, "ed"))
    order(services, "o1", "ed", [SHOE])  # 100 points at 2026-01-10
    assert services.loyalty.evaluate_tiers()["up"] == 1
    assert services.loyalty.member_view(member).tier == "silver"
    services.loyalty.join_plan(member, "vip", "pay-1")  # +500 welcome, x2 earning
    order(services, "o2", "ed", [MUG], at="2026-01-16T10:00:00Z")  # 50 * 1.5 * 2 = 150
    view = services.loyalty.member_view(member)
    assert view.balance == 750 and view.plan == "vip"
    clock.advance(timedelta(days=400))
    done = services.loyalty.run_expiry()
    assert done["points"] == 750 and services.loyalty.run_expiry()["points"] == 0
    assert services.loyalty.member_view(member).balance == 0
    assert services.loyalty.evaluate_tiers()["down"] == 1  # nothing earned in 12 months
    o = services.loyalty.overview()
    assert o.breakage == 1.0 and o.liability_points == 0
    audit_all(services)


def test_event_caps_challenges_and_a_reproducible_draw(services, clock):
    member = services.loyalty.enroll(customer(services, "fa"))
    for i in range(3):
        services.loyalty.record_event(member, "review", f"rev-{i}")
    assert services.loyalty.member_view(member).balance == 100  # the cap is two a month
    now = clock.now()
    services.loyalty.add_challenge(
        Challenge(
            "c1",
            "Visit 3 days running",
            "streak",
            "visit",
            3,
            now,
            now + timedelta(days=30),
            75,
            "Regular",
        )
    )
    for d in range(3):
        services.loyalty.record_event(member, "visit", f"v-{d}", at=now + timedelta(days=d))
    view = services.loyalty.member_view(member)
    assert view.balance == 175 and view.badges == ("Regular",)
    draw_id, seed = services.loyalty.create_draw("Spring", "Bike", 1, 50)
    with pytest.raises(InvalidInput):
        services.loyalty.run_draw(draw_id, "not-the-seed")
    result = services.loyalty.run_draw(draw_id, seed)
    assert result["winners"] == [member] and result["tickets"] == {member: 3}
    with services.engine.connect() as conn:
        commitment = conn.execute(sa.text("SELECT commitment FROM loyalty_draws")).scalar_one()
    assert verify_draw(commitment, seed, result["tickets"], result["winners"])
    with pytest.raises(Conflict):
        services.loyalty.run_draw(draw_id, seed)


def test_an_undone_merge_gives_the_merged_member_its_points_back(services, clock):
    """Both were members: the merged one is active again with the points the survivor kept."""
    a_c = customer(services, "ua", "ua@example.nl")
    member_a = services.loyalty.enroll(a_c)
    services.loyalty.earn(member_a, 300, "u-a")
    b_c = customer(services, "ub", "ub@example.nl")
    member_b = services.loyalty.enroll(b_c)
    services.loyalty.earn(member_b, 200, "u-b")
    merge_id, survivor, merged = services.customers.merge(a_c, b_c)
    assert merge_id is not None
    s_member, m_member = services.loyalty.member_of(survivor), services.loyalty.member_of(merged)
    before = {s_member: 300 if s_member == member_a else 200}
    before[m_member] = 500 - before[s_member]
    assert services.loyalty.member_view(s_member).balance == 500
    services.customers.unmerge(merge_id)
    services.customers.unmerge(merge_id)  # twice: no-op
    for member, points in before.items():
        view = services.loyalty.member_view(member)
        assert (view.status, view.balance) == ("active", points)
    services.loyalty.earn(m_member, 5, "after-undo")  # a member of its own again
    audit_all(services)


def test_an_undone_merge_moves_a_moved_membership_back(services, clock):
    """Only the merged customer was a member: the membership comes back with its points."""
    a_c = customer(services, "va", "va@example.nl")
    b_c = customer(services, "vb", "vb@example.nl")
    member = services.loyalty.enroll(b_c)
    services.loyalty.earn(member, 120, "v-b")
    with services.engine.begin() as conn:
        merge_id = merge(conn, a_c, b_c, "manual", now=clock.now(), bus=services.bus)
    assert merge_id is not None
    assert services.loyalty.member_of(a_c) == member
    services.customers.unmerge(merge_id)
    assert services.loyalty.member_of(b_c) == member
    assert services.loyalty.member_of(a_c) is None
    assert services.loyalty.member_view(member).balance == 120
    audit_all(services)


def test_members_follow_merges_and_erasure(services, clock):
    a_c = customer(services, "ga", "same@example.nl")
    member_a = services.loyalty.enroll(a_c)
    services.loyalty.earn(member_a, 300, "k-a")
    b_c = customer(services, "gb", "other@example.nl")
    member_b = services.loyalty.enroll(b_c)
    services.loyalty.earn(member_b, 200, "k-b")
    _merge_id, survivor, _merged = services.customers.merge(a_c, b_c)
    survivor_member = services.loyalty.member_of(survivor)
    view = services.loyalty.member_view(survivor_member)
    assert view.balance == 500
    assert any(e.kind == "earn" or e.kind == "bonus" for e in view.entries)
    with pytest.raises(Conflict):
        services.loyalty.earn(member_a if survivor_member == member_b else member_b, 5, "late")
    services.customers.erase(survivor)
    view = services.loyalty.member_view(survivor_member)
    assert view.status == "erased" and view.balance == 0
    audit_all(services)


def test_a_return_a_reimport_unlinks_gives_its_points_back(services, tmp_path):
    """A re-import that gives o1 other lines unlinks r1's stored return from it (it returned a
    mug o1 no longer holds): the 25 points it reversed come back, once; a later file that links
    it again reverses them again, once; a relink to another mug line of o1 changes nothing."""
    member = services.loyalty.enroll(customer(services, "bo"))
    head = "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order\n"
    o1_mug = "o1,bo,2026-01-10T10:00:00Z,EUR,MUG,4,25.00,\n"
    r1 = "r1,bo,2026-01-12T10:00:00Z,EUR,MUG,-1,25.00,o1\n"
    o1_plate = "o1,bo,2026-01-10T10:00:00Z,EUR,PLATE,4,25.00,\n"
    path = tmp_path / "orders.parquet"
    _live_file(services, path, head + o1_mug + r1)
    assert _entries(services, member) == (75, [("earn", 100), ("reverse", -25)])
    for _ in range(2):  # o1 without its mug: r1 unlinked, its 25 points back, once
        _live_file(services, path, head + o1_plate)
        assert _entries(services, member) == (
            100,
            [("earn", 100), ("reinstate", 25), ("reverse", -25)],
        )
    again = [("earn", 100), ("reinstate", 25)]
    for _ in range(2):  # linked again: reversed again, once
        _live_file(services, path, head + o1_mug + r1)
        assert _entries(services, member) == (75, [*again, ("reverse", -25), ("reverse", -25)])
    o1_both = o1_plate.replace(",4,", ",2,") + o1_mug.replace(",4,", ",2,")
    _live_file(services, path, head + o1_both)  # r1 relinked to o1's line 2: still a mug
    assert _entries(services, member)[0] == 75
    audit_all(services)


def test_a_return_a_reimport_moves_to_another_order_moves_its_reversal(services, tmp_path):
    """r1 returned a mug of o1; its re-import says it returns o3's: o1 gets its 25 points
    back and o3 loses 25, once each."""
    member = services.loyalty.enroll(customer(services, "bo"))
    head = "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order\n"
    orders_ = (
        "o1,bo,2026-01-10T10:00:00Z,EUR,MUG,4,25.00,\no3,bo,2026-01-11T10:00:00Z,EUR,MUG,4,25.00,\n"
    )
    path = tmp_path / "orders.parquet"
    _live_file(services, path, head + orders_ + "r1,bo,2026-01-12T10:00:00Z,EUR,MUG,-1,25.00,o1\n")
    assert _entries(services, member)[0] == 175
    for _ in range(2):
        _live_file(services, path, head + "r1,bo,2026-01-12T10:00:00Z,EUR,MUG,-1,25.00,o3\n")
        with services.engine.connect() as conn:
            by_order = dict(
                conn.execute(
                    sa.text(
                        "SELECT ref, sum(points) FROM loyalty_entries "
                        "WHERE kind <> 'earn' GROUP BY ref"
                    )
                ).all()
            )
        assert _entries(services, member)[0] == 175
        assert {ref: int(p) for ref, p in by_order.items() if int(p)} == {
            f"order:{_order_id(services, 'o3')}": -25
        }
    audit_all(services)


def _order_id(services, external_id: str) -> str:
    with services.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT id FROM orders WHERE external_id = :e"), {"e": external_id}
        ).scalar_one()
