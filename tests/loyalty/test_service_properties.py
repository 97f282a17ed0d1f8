"""The ledger invariants hold through the service and the store too (SQLite and PostgreSQL):
random sequences of earn, spend, transfer, retries and expiry, then an audit of each member;
of earn, redeem, donations and partner points, some refused, then the money rows; and of
points up to 2^64 and past the ledger's bound, then the balances and the refused keys."""

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
    POINTS_LIMIT,
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


# points around the ledger's bound (10^12) and far past it: refused as an entry (10^12 or
# more), or as a balance that would reach ±10^12, or taken (3.3 × 10^11 up to 10^12 - 1)
points = st.one_of(
    st.integers(1, 300),
    st.integers(POINTS_LIMIT // 3, POINTS_LIMIT - 1),
    st.integers(POINTS_LIMIT, 2**64),
    st.sampled_from([POINTS_LIMIT - 1, POINTS_LIMIT, 2**62, 2**63 - 1, 2**63]),
)
bound_step = st.one_of(
    st.tuples(st.sampled_from(["earn", "spend", "transfer", "up", "down"]), st.booleans(), points),
    st.tuples(st.just("retry"), st.booleans(), st.integers(0, 50)),
)


def _bounded(services, op: str, member: str, other: str, value: int, key: str) -> None:
    loyalty = services.loyalty
    if op == "earn":
        loyalty.earn(member, value, key)
    elif op == "spend":
        loyalty.spend(member, value, key)
    elif op == "transfer":
        loyalty.transfer(member, other, value, key)
    else:
        loyalty.adjust(member, value if op == "up" else -value, "r", key, "t")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(bound_step, min_size=1, max_size=20))
def test_huge_points_are_refused_whole_and_balances_stay_within_the_bound(services, steps) -> None:
    """With no floor (debits may go into debt down to the bound): every refusal for the bound
    names it and writes nothing under its key; each balance is the sum of its entries, within
    ±(10^12 - 1), and each entry moves less than 10^12 points."""
    services.loyalty.configure({"floor": None})
    members = _members(services, 2)
    done: list[tuple[str, str, str, int, str]] = []
    refused: set[str] = set()
    for op, first, value in steps:
        member, other = members if first else members[::-1]
        if op == "retry":
            if done:
                op_, member_, other_, value_, key = done[value % len(done)]
                _bounded(services, op_, member_, other_, value_, key)  # answered from its key
            continue
        key = f"k{uuid.uuid4().hex}"
        try:
            _bounded(services, op, member, other, value, key)
            done.append((op, member, other, value, key))
        except (InvalidInput, InsufficientPoints) as exc:  # a transfer has a floor of 0
            assert isinstance(exc, InsufficientPoints) or "out of range" in str(exc), exc
            kind = "a balance" if " would take " in str(exc) else "an entry"
            event(f"refused: {type(exc).__name__ if isinstance(exc, InsufficientPoints) else kind}")
            refused.add(key)
    with services.engine.connect() as conn:
        mine = sa.select(entries).where(entries.c.member_id.in_(members))
        written = list(conn.execute(mine))
    keys = {r.idempotency_key.removesuffix(":out").removesuffix(":in") for r in written}
    assert not refused & keys
    assert {k for *_, k in done} == keys
    assert all(abs(int(r.points)) < POINTS_LIMIT for r in written)
    for member in members:
        projected, rebuilt, same = services.loyalty.audit(member)
        assert same and projected == rebuilt == services.loyalty.member_view(member).balance
        assert rebuilt == sum(int(r.points) for r in written if r.member_id == member)
        assert abs(rebuilt) < POINTS_LIMIT
