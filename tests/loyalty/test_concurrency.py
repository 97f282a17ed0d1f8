"""32 clients, 2,000 earn and spend requests to 40 members, 20% of them retried: each applied once.

Runs against the real PostgreSQL server: writes for one member are serialised by a row lock,
retries are answered from the unique idempotency key, and the balances come out exact.
"""

from __future__ import annotations

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.db import create_engine_from_url
from opencx.loyalty.domain import InsufficientPoints
from opencx.loyalty.service import LoyaltyService

CLIENTS = 32
REQUESTS = 2_000
MEMBERS = 40


def _seed_members(engine: Engine, n: int) -> list[str]:
    ids = [f"m{i:025d}" for i in range(n)]
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO customers (id, source, external_id, created_at, attributes, "
                "consent_email, consent_sms, consent_surveys) VALUES "
                "(:id, 'test', :id, now(), '{}', false, false, false)"
            ),
            [{"id": f"c{i[1:]}"} for i in ids],
        )
        conn.execute(
            sa.text(
                "INSERT INTO loyalty_members (id, customer_id, enrolled_at, source, status) "
                "VALUES (:id, :c, now(), 'test', 'active')"
            ),
            [{"id": i, "c": f"c{i[1:]}"} for i in ids],
        )
    return ids


@pytest.mark.slow  # queued among the first files (tests/scheduling.py)
@pytest.mark.postgres
def test_32_clients_apply_every_request_exactly_once(pg_clean: Engine, clock: FixedClock) -> None:
    engine = create_engine_from_url(
        str(pg_clean.url.render_as_string(hide_password=False)), pool_size=CLIENTS, max_overflow=4
    )
    try:
        members = _seed_members(engine, MEMBERS)
        service = LoyaltyService(engine, clock)
        rng = random.Random(14)
        unique = [
            (
                f"req-{i}",
                rng.choice(members),
                rng.choice(["earn", "earn", "spend"]),
                rng.randint(1, 200),
            )
            for i in range(REQUESTS - REQUESTS // 5)
        ]
        retries = [unique[rng.randrange(len(unique))] for _ in range(REQUESTS // 5)]
        requests = unique + retries
        rng.shuffle(requests)

        def send(req: tuple[str, str, str, int]) -> tuple[str, str | None, bool]:
            key, member, op, points = req
            try:
                if op == "earn":
                    p = service.earn(member, points, key)
                else:
                    p = service.spend(member, points, key)
            except InsufficientPoints:
                return key, None, False
            return key, p.entry_id, p.duplicate

        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(send, requests))

        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT idempotency_key, id, member_id, points FROM loyalty_entries")
            ).all()
        applied = {r.idempotency_key: r for r in rows}
        assert len(applied) == len(rows)  # one entry per key
        by_key = {key: (member, op, points) for key, member, op, points in unique}
        for key, entry_id, _dup in results:
            if entry_id is not None:
                assert applied[key].id == entry_id  # every answer names the one entry
        fresh = Counter(key for key, entry_id, dup in results if entry_id and not dup)
        assert all(n == 1 for n in fresh.values())  # exactly one request wrote each entry
        assert set(fresh) == set(applied)
        expected: Counter[str] = Counter()
        for key, row in applied.items():
            member, op, points = by_key[key]
            assert row.member_id == member and row.points == (points if op == "earn" else -points)
            expected[member] += row.points
        for member in members:
            projected, rebuilt, same = service.audit(member)
            assert projected == rebuilt == expected[member] and same
            assert projected >= 0  # the program's floor is 0
    finally:
        engine.dispose()
