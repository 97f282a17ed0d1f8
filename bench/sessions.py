"""What checking the session in the store costs per request, and what a login costs.

Peer: the lookup every request made before issue 12 item 2 (the user by id, from a signed
cookie that was the whole session). Ours: the session by its token digest joined with its
user (one read on the unique index), plus the ``last_seen_at`` write at most once a minute.
Both on SQLite and PostgreSQL, 1,000 users with 5 sessions each, in the same run.

Run: ``.venv/bin/python bench/sessions.py`` (PostgreSQL from ``OPENCX_TEST_PG_URL`` or
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``; a database is created and dropped).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa

from opencx.access import store
from opencx.access.domain import User
from opencx.access.domain.sessions import SessionPolicy, session_digest
from opencx.access.service import AccessService
from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate

USERS, SESSIONS_EACH, LOOKUPS = 1000, 5, 2000
PG = os.environ.get("OPENCX_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _timed(fn: Callable[[int], object], n: int) -> float:
    """Median of five runs of ``n`` calls, in microseconds per call."""
    runs = []
    for _ in range(5):
        began = time.perf_counter()
        for i in range(n):
            fn(i)
        runs.append((time.perf_counter() - began) / n * 1e6)
    return statistics.median(runs)


def measure(url: str) -> tuple[float, float]:
    migrate(url)
    engine = create_engine_from_url(url)
    clock = FixedClock()
    access = AccessService(engine, clock, sessions=SessionPolicy())
    users: list[User] = []
    with engine.begin() as conn:
        for i in range(USERS):
            user = User(f"u{i:05d}", f"user{i}@example.org", None, "agent", clock.now())
            store.insert_user(conn, user, "scrypt$x")
            users.append(user)
    tokens = []
    for user in users:
        for _ in range(SESSIONS_EACH):
            tokens.append(access.start_session(user, ip="198.51.100.7")[1])
    digests = [session_digest(t) for t in tokens]

    def before(i: int) -> object:  # what each request did before: the user by id
        with engine.connect() as conn:
            return store.user_by_id(conn, users[i % USERS].id)

    def after(i: int) -> object:  # now: the session joined with its user, checked
        return access.session_user(tokens[(i * 7919) % len(tokens)])

    with engine.connect() as conn:
        assert all(store.session_with_user(conn, d) for d in digests[:3])
    clock.advance(timedelta(seconds=5))  # within the minute: no last_seen write
    peer, ours = _timed(before, LOOKUPS), _timed(after, LOOKUPS)
    engine.dispose()
    return peer, ours


def main() -> None:
    print(f"load average: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        peer, ours = measure(f"sqlite:///{folder}/bench.db")
        print(
            f"SQLite     user by id {peer:7.1f} µs  session+user {ours:7.1f} µs  x{ours / peer:.2f}"
        )
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        peer, ours = measure(PG.rsplit("/", 1)[0] + f"/{name}")
        print(
            f"PostgreSQL user by id {peer:7.1f} µs  session+user {ours:7.1f} µs  x{ours / peer:.2f}"
        )
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
