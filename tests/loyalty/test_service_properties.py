"""The ledger invariants hold through the service and the store too (SQLite and PostgreSQL):
random sequences of earn, spend, transfer, retries and expiry, then an audit of each member;
and of earn, redeem, donations and partner points, some refused, then the money rows."""

from __future__ import annotations

import uuid
from contextlib import suppress
from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from opencx.core import InvalidInput
from opencx.core.money import MONEY_LIMIT
from opencx.loyalty.domain import (
    Cause,
    InsufficientPoints,
    OutOfStock,
    Partner,
    Reward,
    donation_amount,
    settlement_amount,
)
from opencx.loyalty.service import Posted
from opencx.loyalty.store import catalog
from opencx.loyalty.store.ledger import entries

step = st.one_of(
    st.tuples(st.just("earn"), st.integers(0, 1), st.integers(1, 300)),
    st.tuples(st.just("spend"), st.integers(0, 1), st.integers(1, 400)),
    st.tuples(st.just("transfer"), st.integers(0, 1), st.integers(1, 200)),
    st.tuples(st.just("retry"), st.integers(0, 50), st.just(0)),
    st.tuples(st.just("wait"), st.just(0), st.integers(30, 400)),
)


def _members(services, n: int) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    ids = []
    with services.engine.begin() as conn:
        for i in range(n):
            cid = f"c{tag}{i:017d}"
            conn.execute(
                sa.text(
                    "INSERT INTO customers (id, source, external_id, created_at, attributes,"
                    " consent_email, consent_sms, consent_surveys) VALUES (:id, 't', :id,"
                    " :at, '{}', false, false, false)"
                ),
                {"id": cid, "at": services.clock.now()},
            )
    for i in range(n):
        ids.append(services.loyalty.enroll(f"c{tag}{i:017d}"))
    return ids


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_service_sequences_keep_the_invariants(services, clock, steps) -> None:
    members = _members(services, 2)
    keys: list[tuple[str, str, int]] = []
    for op, who, value in steps:
        key = f"k{uuid.uuid4().hex}"
        member, other = members[who % 2], members[1 - who % 2]
        with suppress(InsufficientPoints):
            if op == "earn":
                services.loyalty.earn(member, value, key)
                keys.append((key, member, value))
            elif op == "spend":
                services.loyalty.spend(member, value, key)
            elif op == "transfer":
                services.loyalty.transfer(member, other, value, key)
            elif op == "retry" and keys:
                k, m, v = keys[value % len(keys)]
                assert services.loyalty.earn(m, v, k).duplicate
            elif op == "wait":
                clock.advance(timedelta(days=value))
                services.loyalty.run_expiry()
    for member in members:
        projected, rebuilt, same = services.loyalty.audit(member)
        assert same and projected == rebuilt >= 0


# a point's rate: 1000 points keep (99999999999000), 1001 reach 10^14. Whole amounts: SQLite
# keeps an amount as a double, so 5099999999999.99 read back there is 5099999999999.9902
HUGE = Decimal("99999999999")

money_step = st.one_of(
    st.tuples(st.just("earn"), st.integers(1, 3000)),
    st.tuples(st.just("redeem"), st.sampled_from(["mug", "gone"])),  # + the example's tag
    st.tuples(st.sampled_from(["donate:small", "donate:huge"]), st.integers(1, 1500)),
    st.tuples(st.sampled_from(["award", "accept"]), st.integers(1, 1500)),
    st.tuples(st.just("retry"), st.integers(0, 50)),
)


def _apply(services, member: str, op: str, value: Any, key: str, tag: str) -> Posted:
    loyalty = services.loyalty
    if op == "earn":
        return loyalty.earn(member, value, key)
    if op == "redeem":
        return loyalty.redeem(member, f"{value}{tag}", key)
    if op.startswith("donate:"):
        return loyalty.donate(member, op.split(":")[1], value, key)
    return loyalty.partner_points("air", member, value, key, award=op == "award")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(money_step, min_size=1, max_size=25))
def test_earn_redeem_donate_and_partner_sequences_keep_the_ledger_whole(services, steps) -> None:
    """Refused writes among them (no points, no stock, an amount of 10^14 or more) write
    nothing and keep their key free; the balance stays the sum of the entries, and each
    donation or partner entry has its one money row, worth its points at the rate."""
    loyalty = services.loyalty
    tag = uuid.uuid4().hex[:8]  # the store outlives an example: rewards of its own
    loyalty.put_reward(Reward(f"mug{tag}", f"Mug {tag}", 150, stock=2))
    loyalty.put_reward(Reward(f"gone{tag}", f"Gone {tag}", 10, stock=0))
    small = loyalty.put_cause(Cause("small", "Trees", Decimal("0.0125"), "EUR"))
    huge = loyalty.put_cause(Cause("huge", "Moon", HUGE, "EUR"))
    air = loyalty.put_partner(Partner("air", "Air", HUGE, Decimal("0.0001"), "EUR"))
    [member] = _members(services, 1)
    done: list[tuple[str, Any, str, Posted]] = []
    refused: set[str] = set()
    for op, value in steps:
        if op == "retry":
            if done:
                op_, value_, key, first = done[value % len(done)]
                again = _apply(services, member, op_, value_, key, tag)
                assert again.duplicate and again.entry_id == first.entry_id
            continue
        key = f"k{uuid.uuid4().hex}"
        try:
            done.append((op, value, key, _apply(services, member, op, value, key, tag)))
        except (InsufficientPoints, OutOfStock, InvalidInput) as exc:
            assert not isinstance(exc, InvalidInput) or "out of range" in str(exc)
            event(f"refused: {type(exc).__name__}")
            refused.add(key)
    projected, rebuilt, same = loyalty.audit(member)
    assert same and projected == rebuilt == loyalty.member_view(member).balance
    with services.engine.connect() as conn:
        mine = sa.select(entries).where(entries.c.member_id == member)
        written = {r.idempotency_key: r for r in conn.execute(mine)}
        ids = {r.id for r in written.values()}  # the store outlives an example: this member's
        donations = {
            d.entry_id: d
            for d in catalog.donations_of(conn, ["small", "huge"])
            if d.entry_id in ids
        }
        lines = {
            s.entry_id: s for s in catalog.settlement_lines(conn, ["air"]) if s.entry_id in ids
        }
    assert rebuilt == sum(int(r.points) for r in written.values())
    assert not refused & set(written)
    assert len(written) == len(done)  # enrolling writes no entry in this program
    for op, value, key, posted in done:
        row = written[key]
        assert int(row.points) == posted.points
        if op.startswith("donate:"):
            cause = small if op.endswith("small") else huge
            assert donations.pop(row.id).amount == donation_amount(cause, value) < MONEY_LIMIT
        elif op in ("award", "accept"):
            line = lines.pop(row.id)
            assert line.amount == settlement_amount(air, value, awarded=op == "award")
    assert donations == lines == {}
