"""The ledger invariants hold through the service and the store too (SQLite and PostgreSQL):
random sequences of earn, spend, transfer, retries and expiry, then an audit of each member."""

from __future__ import annotations

import uuid
from contextlib import suppress
from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opencx.loyalty.domain import InsufficientPoints

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
