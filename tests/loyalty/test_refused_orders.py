"""An order whose points the ledger refuses (past the points bound: the entry, or the member's
balance after it) is refused alone: nothing of it is written (no entry, no activity, no
challenge), its live import, event or backfill goes on and the other orders earn, and the
refusal is kept with a sentence naming the order (``loyalty_refused_orders``), shown by the
overview (page, API, CLI) and printed by ``opencx loyalty backfill``, until the order earns.
Both stores.

Before, one such order failed its whole live import, event or backfill (f386a57): the other
orders of the file earned nothing, and a backfill wrote nothing at all."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from opencx.loyalty.cli import app as cli
from opencx.loyalty.domain import POINTS_LIMIT, Challenge
from tests.loyalty.conftest import customer, order
from tests.loyalty.test_api import bearer
from tests.loyalty.test_service import _live_file, audit_all

MOST = POINTS_LIMIT - 1
HEAD = "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order\n"


def _line(oid: str, cust: str, price: str, qty: int = 1, at: str = "2026-01-10T10:00:00Z") -> str:
    return f"{oid},{cust},{at},EUR,MUG,{qty},{price},\n"


def _entries(services) -> list[tuple[str, int]]:
    with services.engine.connect() as conn:
        q = sa.text("SELECT idempotency_key, points FROM loyalty_entries ORDER BY 1")
        return [(str(k), int(p)) for k, p in conn.execute(q)]


def _activities(services) -> list[str]:
    with services.engine.connect() as conn:
        q = sa.text("SELECT idempotency_key FROM loyalty_activities ORDER BY 1")
        return [str(k) for k in conn.execute(q).scalars()]


def _order_ids(services) -> dict[str, str]:
    with services.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT external_id, id FROM orders")).all()
    return {str(e): str(i) for e, i in rows}


def entry_refusal(oid: str, gross: str, points: int) -> str:
    return (
        f"order {oid} (source shop) of {gross} EUR: points: {points} is out of range"
        f" (at most {MOST} points, 12 digits)"
    )


def test_a_live_file_earns_its_other_orders_and_names_the_refused_one(services, tmp_path):
    ann, bob = customer(services, "ann"), customer(services, "bob")
    a, b = services.loyalty.enroll(ann), services.loyalty.enroll(bob)
    text = (
        HEAD
        + _line("o1", "ann", "25.00", 4)
        + _line("o2", "ann", "500000000000", 2)  # 10^12 points
        + _line("o3", "bob", "30.00")
    )
    report = _live_file(services, tmp_path / "orders.parquet", text, chunk_rows=50_000)
    assert report.rows_loaded == 3  # the orders are stored: loyalty refuses only its points
    ids = _order_ids(services)
    assert dict(_entries(services)) == {f"order:{ids['o1']}": 100, f"order:{ids['o3']}": 30}
    assert _activities(services) == sorted([f"order:{ids['o1']}", f"order:{ids['o3']}"])
    assert services.loyalty.member_view(a).balance == 100
    assert services.loyalty.member_view(b).balance == 30
    o = services.loyalty.overview()
    assert o.refused_orders == 1
    [refused] = o.refused
    assert (refused.order_id, refused.member_id) == (ids["o2"], a)
    assert refused.reason == entry_refusal("o2", "1000000000000.0000", POINTS_LIMIT)
    # the same file again changes nothing: no point lost or doubled, one refusal kept
    _live_file(services, tmp_path / "orders.parquet", text, chunk_rows=50_000)
    assert services.loyalty.member_view(a).balance == 100
    assert services.loyalty.overview().refused_orders == 1
    # o2 delivered again within the bound earns, and its refusal is forgotten
    fixed = HEAD + _line("o2", "ann", "500000000000")
    _live_file(services, tmp_path / "orders.parquet", fixed, chunk_rows=50_000)
    assert services.loyalty.member_view(a).balance == 100 + 500_000_000_000
    assert services.loyalty.overview().refused_orders == 0
    audit_all(services)


def test_an_order_taking_the_balance_past_the_bound_is_refused_alone(services, tmp_path):
    ann = customer(services, "ann")
    a = services.loyalty.enroll(ann)
    services.loyalty.earn(a, MOST - 10, "fill")
    text = (
        HEAD + _line("o1", "ann", "50.00") + _line("o2", "ann", "9.00", at="2026-01-11T10:00:00Z")
    )
    _live_file(services, tmp_path / "orders.parquet", text, chunk_rows=50_000)
    assert services.loyalty.member_view(a).balance == MOST - 1  # o2 earned, o1 refused
    [refused] = services.loyalty.overview().refused
    assert refused.reason == (
        f"order o1 (source shop) of 50.0000 EUR: points: 50 would take member {a}'s balance"
        f" from {MOST - 10} to {MOST + 40}, out of range (a balance stays within ±{MOST} points)"
    )
    audit_all(services)


def test_an_order_event_is_taken_and_its_points_refused(client, services):
    """POST /api/events (live) stores the order and answers 201; loyalty keeps the refusal,
    which the overview API shows. Before, the event was a 422 and the order was not stored."""
    ann = customer(services, "ann")
    member = services.loyalty.enroll(ann)
    order(services, "o1", "ann", [{"sku": "MUG", "quantity": 2, "unit_price": "500000000000"}])
    assert _entries(services) == [] and _activities(services) == []
    assert list(_order_ids(services)) == ["o1"]
    r = client.get("/api/loyalty/overview", headers=bearer(services, "loyalty:read"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["refused_orders"] == 1
    assert body["refused"][0]["member_id"] == member
    assert body["refused"][0]["reason"] == entry_refusal("o1", "1000000000000.0000", POINTS_LIMIT)


def test_a_return_whose_reversal_is_refused_names_the_order(services, tmp_path):
    """With no floor, a balance near -10^12: the return's reversal would pass the bound, so
    that order is refused (nothing reversed); the file's other order earns."""
    services.loyalty.configure({"floor": None, "pending_days": 14})
    ann, bob = customer(services, "ann"), customer(services, "bob")
    a, b = services.loyalty.enroll(ann), services.loyalty.enroll(bob)
    path = tmp_path / "orders.parquet"
    _live_file(services, path, HEAD + _line("o1", "ann", "25.00", 4), chunk_rows=50_000)
    services.loyalty.adjust(a, -MOST, "down", "d1", "admin")
    services.loyalty.adjust(a, -90, "down", "d2", "admin")
    assert services.loyalty.member_view(a).balance == 10 - MOST
    ret = "r1,ann,2026-01-12T10:00:00Z,EUR,MUG,-1,25.00,o1\n"
    _live_file(services, path, HEAD + ret + _line("o3", "bob", "7.00"), chunk_rows=50_000)
    assert services.loyalty.member_view(a).balance == 10 - MOST  # nothing reversed
    assert services.loyalty.member_view(b).balance == 7
    [refused] = services.loyalty.overview().refused
    assert refused.reason == (
        "order o1 (source shop) of 100.0000 EUR, return of 25.0000: points: 25 would take"
        f" member {a}'s balance from {10 - MOST} to {-15 - MOST}, out of range (a balance"
        f" stays within ±{MOST} points)"
    )
    audit_all(services)


def test_a_challenge_bonus_past_the_bound_waits_and_the_order_earns(services, tmp_path, clock):
    """The order earns; the challenge it completes would pass the bound with its points, so
    it completes nothing (no badge, no points) until the member has room."""
    start = clock.now() - timedelta(days=30)
    services.loyalty.add_challenge(
        Challenge("c1", "Two orders", "count", "order", 2, start, start + timedelta(90), 100)
    )
    ann = customer(services, "ann")
    a = services.loyalty.enroll(ann)
    services.loyalty.earn(a, MOST - 200, "fill")
    path = tmp_path / "orders.parquet"
    text = (
        HEAD + _line("o1", "ann", "60.00") + _line("o2", "ann", "60.00", at="2026-01-11T10:00:00Z")
    )
    _live_file(services, path, text, chunk_rows=50_000)
    view = services.loyalty.member_view(a)
    assert (view.balance, view.badges) == (MOST - 80, ())
    assert services.loyalty.overview().refused_orders == 0
    services.loyalty.spend(a, 1000, "room")
    _live_file(services, path, HEAD + _line("o3", "ann", "1.00", at="2026-01-12T10:00:00Z"))
    view = services.loyalty.member_view(a)
    assert (view.balance, view.badges) == (MOST - 80 - 1000 + 1 + 100, ("c1",))
    audit_all(services)


def test_backfill_earns_the_others_and_prints_the_refused_order(services, tmp_path):
    ann = customer(services, "ann")
    a = services.loyalty.enroll(ann)
    order(services, "h1", "ann", [{"sku": "MUG", "quantity": 1, "unit_price": "40"}], live=False)
    huge = [{"sku": "MUG", "quantity": 1, "unit_price": "1000000000000"}]
    order(services, "h2", "ann", huge, live=False, at="2026-01-11T10:00:00Z")
    done = services.loyalty.backfill()
    ids = _order_ids(services)
    assert done.written == 1 and [r.order_id for r in done.refused] == [ids["h2"]]
    assert services.loyalty.member_view(a).balance == 40
    r = CliRunner().invoke(cli, ["backfill"], obj=services)
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "refused: " + entry_refusal("h2", "1000000000000.0000", POINTS_LIMIT),
        "0 ledger entries written, 1 order(s) refused (no points)",
    ]
    assert services.loyalty.overview().refused_orders == 1
    r = CliRunner().invoke(cli, ["overview"], obj=services)
    assert "1 order(s) refused points (past the points bound):" in r.output
    assert entry_refusal("h2", "1000000000000.0000", POINTS_LIMIT) in r.output
    services.customers.erase(ann)  # the sentence names the person's order: it goes
    assert services.loyalty.overview().refused_orders == 0


units = st.one_of(st.integers(1, 500), st.integers(POINTS_LIMIT - 600, POINTS_LIMIT + 600))


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders=st.lists(st.tuples(st.integers(0, 1), units), min_size=1, max_size=6))
def test_each_order_is_earned_whole_or_refused_whole(services, tmp_path, orders):
    """A live file of orders for two members, some of them past the bound as an entry or as a
    balance: each order either has its earn (of its exact points) and its activity, or is
    refused with neither; each balance is the sum of its orders taken, in file order, and the
    audit's fold; the same file again writes nothing and keeps the same refusals."""
    tag = uuid.uuid4().hex[:8]
    exts = [f"a{tag}", f"b{tag}"]
    members = [services.loyalty.enroll(customer(services, e)) for e in exts]
    text = HEAD + "".join(
        _line(f"o{tag}{i}", exts[who], str(n), at=f"2026-01-10T10:{i:02d}:00Z")
        for i, (who, n) in enumerate(orders)
    )
    path = tmp_path / f"{tag}.parquet"
    want = [0, 0]
    taken: set[str] = set()
    for i, (who, n) in enumerate(orders):
        if n < POINTS_LIMIT and want[who] + n < POINTS_LIMIT:
            want[who] += n
            taken.add(f"o{tag}{i}")
    event(f"refused: {len(orders) - len(taken)}")
    for _ in range(2):
        _live_file(services, path, text, chunk_rows=50_000)
        ids = _order_ids(services)
        earned = {k for k, _ in _entries(services)}
        acts = set(_activities(services))
        refused = {r.order_id for r in services.loyalty.overview().refused}
        for i in range(len(orders)):
            oid = ids[f"o{tag}{i}"]
            if f"o{tag}{i}" in taken:
                assert f"order:{oid}" in earned and f"order:{oid}" in acts
                assert oid not in refused
            else:
                assert f"order:{oid}" not in earned and f"order:{oid}" not in acts
                assert oid in refused
        for who, member in enumerate(members):
            projected, rebuilt, same = services.loyalty.audit(member)
            assert same and projected == rebuilt == want[who]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_overview_page_lists_the_refused_order(client, services):
    from tests.loyalty.test_pages import log_in

    ann = customer(services, "ann")
    services.loyalty.enroll(ann)
    order(services, "o1", "ann", [{"sku": "MUG", "quantity": 2, "unit_price": "500000000000"}])
    log_in(client, services, "admin")
    page = client.get("/loyalty")
    assert page.status_code == 200
    assert "Orders refused points (1)" in page.text
    assert "order o1 (source shop) of 1000000000000.0000 EUR: points:" in page.text
