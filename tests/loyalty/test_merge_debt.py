"""Debt follows a customer merge and comes back when the merge is undone (SQLite and PostgreSQL).

A merge moves the merged member's open lots and its debt to the survivor; undoing it gives the
merged member back the lots it brought and the debt it brought, and the survivor back what it
took over: with nothing in between, both balances (negative ones too) are what they were.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opencx.customers.service import merge
from opencx.loyalty.domain import OutOfRange
from tests.loyalty.conftest import PROGRAM, customer
from tests.loyalty.test_service import audit_all


def _two_members(services, survivor_points: int, merged_earn: int, merged_spend: int, wait: bool):
    """Two members (a: ``survivor_points``; b: earns ``merged_earn``, then spends
    ``merged_spend`` with no floor, after the return window if ``wait``), b merged into a;
    returns ``(merge id, survivor member, merged member, balances before the merge)``."""
    tag = uuid.uuid4().hex[:10]
    a_c = customer(services, f"a{tag}", f"a{tag}@example.nl")
    b_c = customer(services, f"b{tag}", f"b{tag}@example.nl")
    members = {a_c: services.loyalty.enroll(a_c), b_c: services.loyalty.enroll(b_c)}
    if survivor_points:
        services.loyalty.earn(members[a_c], survivor_points, f"{tag}-a")
    if merged_earn:
        services.loyalty.earn(members[b_c], merged_earn, f"{tag}-b")
    if wait:
        services.clock.advance(timedelta(days=15))
    if merged_spend:
        services.loyalty.spend(members[b_c], merged_spend, f"{tag}-spend")
    before = {m: services.loyalty.member_view(m).balance for m in members.values()}
    with services.engine.begin() as conn:
        merge_id = merge(conn, a_c, b_c, "manual", now=services.clock.now(), bus=services.bus)
    assert merge_id is not None
    return merge_id, members[a_c], members[b_c], before


def test_an_undone_merge_gives_the_debt_back(services, clock):
    """b owes 150 (balance -150); a has 300: merged, a has 150; undone, -150 and 300 again."""
    services.loyalty.configure({**PROGRAM, "floor": None})
    merge_id, survivor, merged, before = _two_members(services, 300, 0, 150, wait=False)
    assert before == {survivor: 300, merged: -150}
    assert services.loyalty.member_view(survivor).balance == 150
    assert services.loyalty.member_view(merged).debt == 0
    services.customers.unmerge(merge_id)
    services.customers.unmerge(merge_id)  # twice: nothing more moves
    for member, balance in before.items():
        view = services.loyalty.member_view(member)
        assert (view.status, view.balance) == ("active", balance)
        assert view.debt == (-balance if balance < 0 else 0)
    audit_all(services)


def test_debt_back_after_the_survivor_spent_in_between(services, clock):
    """Between merge and undo the survivor spends; the merged member still owes its debt
    again, the survivor gets back what it took over, and no point is created or lost."""
    services.loyalty.configure({**PROGRAM, "floor": None})
    merge_id, survivor, merged, before = _two_members(services, 400, 0, 100, wait=True)
    services.loyalty.spend(survivor, 250, "between")  # 400 - 100 - 250 = 50
    assert services.loyalty.member_view(survivor).balance == 50
    services.customers.unmerge(merge_id)
    assert services.loyalty.member_view(merged).balance == -100
    assert services.loyalty.member_view(merged).debt == 100
    assert services.loyalty.member_view(survivor).balance == 150  # 50 + the 100 it took over
    assert sum(before.values()) - 250 == -100 + 150
    audit_all(services)


def test_a_merge_without_debt_moves_no_debt_back(services, clock):
    merge_id, _survivor, merged, before = _two_members(services, 100, 80, 30, wait=True)
    services.customers.unmerge(merge_id)
    for member, balance in before.items():
        assert services.loyalty.member_view(member).balance == balance
    view = services.loyalty.member_view(merged)
    assert view.debt == 0 and not any("debt" in e.reason for e in view.entries)
    audit_all(services)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    survivor_points=st.integers(0, 400),
    merged_earn=st.integers(0, 300),
    merged_spend=st.integers(0, 600),
    wait=st.booleans(),
)
def test_merge_then_undo_restores_both_balances(
    services, clock, survivor_points, merged_earn, merged_spend, wait
) -> None:
    """Whatever the lots and debts (pending or spendable lots beside debt, debt alone, none),
    a merge undone with nothing in between leaves each member's balance as it was."""
    services.loyalty.configure({**PROGRAM, "floor": None})
    merge_id, survivor, _merged, before = _two_members(
        services, survivor_points, merged_earn, merged_spend, wait
    )
    assert services.loyalty.member_view(survivor).balance == sum(before.values())
    services.customers.unmerge(merge_id)
    for member, balance in before.items():
        assert services.loyalty.member_view(member).balance == balance
    for member in before:
        projected, rebuilt, same = services.loyalty.audit(member)
        assert same and projected == rebuilt


def _store_expiry(services, months: int) -> None:
    """A stored program whose ``expiry_months`` no program being set may take (100f2a6)."""
    text = json.dumps({**PROGRAM, "floor": None, "expiry_months": months})
    cast = "CAST(:d AS json)" if services.engine.dialect.name == "postgresql" else ":d"
    with services.engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE loyalty_programs SET document = {cast}"), {"d": text})


def test_debt_back_that_only_settles_debt_needs_no_expiry(services, clock):
    """The survivor took b's debt as its own (it had no points): undone, the credit giving it
    back only settles that debt, opening no points to expire, so a stored expiry_months of 0
    does not refuse the undo. Before, it was refused ('program.expiry_months: 0 is out of
    range ...') and the customers stayed merged."""
    services.loyalty.configure({**PROGRAM, "floor": None})
    merge_id, survivor, merged, before = _two_members(services, 0, 0, 150, wait=False)
    assert before == {survivor: 0, merged: -150}
    assert services.loyalty.member_view(survivor).debt == 150
    _store_expiry(services, 0)
    services.customers.unmerge(merge_id)
    for member, balance in before.items():
        view = services.loyalty.member_view(member)
        assert (view.status, view.balance, view.debt) == ("active", balance, -balance)
    audit_all(services)


def test_debt_back_that_opens_points_still_needs_the_expiry(services, clock):
    """The survivor paid b's debt from its own lots: undone, it gets those points back in a
    lot that must expire by the program's rule; under a stored expiry_months of 0 (a lot lost
    at once) the undo is refused naming it, nothing moved, as every credit opening a lot is."""
    services.loyalty.configure({**PROGRAM, "floor": None})
    merge_id, survivor, merged, _ = _two_members(services, 300, 0, 150, wait=False)
    _store_expiry(services, 0)
    with pytest.raises(OutOfRange, match=r"^program\.expiry_months: 0 is out of range"):
        services.customers.unmerge(merge_id)
    assert services.loyalty.member_view(merged).status == "merged"
    assert services.loyalty.member_view(survivor).balance == 150
