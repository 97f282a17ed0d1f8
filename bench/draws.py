"""Prize draws at scale: 100,000 members with balances up to the points bound, 1 point a ticket.

In one run:

1. before (an estimate): the ticket-hash scheme (``TICKET_HASH_SCHEME``, every ticket ranked by
   its own SHA-256) timed on a sample of ``--sample`` tickets, its time and memory per ticket
   multiplied by the tickets of the run's members (it cannot be run whole: about 5 x 10^16);
2. after, the scheme alone: :func:`opencx.loyalty.domain.draw_winners` on the same tickets for
   1, 10, 1,000 and every member as winners, with the SHA-256 digests it took;
3. after, the whole use case: ``LoyaltyService.run_draw`` (the balances' SUM, the draw, the
   result stored) and ``verify_draw`` (the stored result read back and re-drawn) on SQLite (a
   temporary file) and PostgreSQL (a database created and dropped here), the members and one
   entry each written straight into the tables.

Usage: ``OMP_NUM_THREADS=1 .venv/bin/python bench/draws.py [--members N] [--no-pg]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate
from opencx.db.schema import customers
from opencx.loyalty.domain import POINTS_LIMIT, TICKET_HASH_SCHEME, draw_winners, games
from opencx.loyalty.service import LoyaltyService
from opencx.loyalty.store import ledger

PG_ADMIN = os.environ.get(
    "OPENCX_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
YEAR = 365.25 * 24 * 3600


class Counting:
    """``hashlib`` for the games module, counting SHA-256 digests."""

    def __init__(self) -> None:
        self.used = 0

    def sha256(self, data: bytes) -> hashlib._Hash:
        self.used += 1
        return hashlib.sha256(data)


def balances(members: int) -> dict[str, int]:
    rng = random.Random(7)
    return {f"m{i:07d}": rng.randint(1, POINTS_LIMIT - 1) for i in range(members)}


def before(tickets: dict[str, int], sample: int) -> None:
    total = sum(tickets.values())
    tracemalloc.start()
    t0 = time.perf_counter()
    draw_winners({"m": sample}, "seed", 1, TICKET_HASH_SCHEME)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    per, mem = seconds / sample, peak / sample
    print(
        f"before (ticket-hash scheme): {sample:,} tickets in {seconds:.2f} s"
        f" ({per * 1e9:,.0f} ns and {mem:,.0f} bytes a ticket);"
        f" the run's {len(tickets):,} members hold {total:.3g} tickets:"
        f" about {per * total / YEAR:.3g} years and {mem * total / 2**30:.3g} GiB"
    )


def after(tickets: dict[str, int]) -> None:
    counting = Counting()
    games.hashlib = counting  # type: ignore[assignment]
    try:
        for winners in (1, 10, 1_000, len(tickets)):
            counting.used = 0
            t0 = time.perf_counter()
            drawn = draw_winners(tickets, "seed", winners)
            seconds = time.perf_counter() - t0
            print(
                f"after (cumulative scheme): {winners:,} winners of {len(tickets):,} members"
                f" in {seconds:.3f} s, {counting.used:,} hashes ({len(drawn):,} drawn)"
            )
    finally:
        games.hashlib = hashlib  # type: ignore[assignment]


def seed_store(url: str, tickets: dict[str, int]) -> None:
    engine = create_engine_from_url(url)
    rows = list(tickets.items())
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            [
                {"id": f"c{m}", "source": "bench", "external_id": m, "created_at": NOW}
                for m, _ in rows
            ],
        )
        conn.execute(
            ledger.members.insert(),
            [
                {
                    "id": m,
                    "customer_id": f"c{m}",
                    "enrolled_at": NOW,
                    "source": "bench",
                    "status": "active",
                }
                for m, _ in rows
            ],
        )
        conn.execute(
            ledger.entries.insert(),
            [
                {
                    "id": f"e{m}",
                    "member_id": m,
                    "kind": "earn",
                    "points": p,
                    "at": NOW,
                    "idempotency_key": f"k{m}",
                    "reason": "",
                }
                for m, p in rows
            ],
        )
    engine.dispose()


def whole(label: str, url: str, tickets: dict[str, int]) -> None:
    migrate(url)
    t0 = time.perf_counter()
    seed_store(url, tickets)
    written = time.perf_counter() - t0
    engine = create_engine_from_url(url)
    service = LoyaltyService(engine, FixedClock(NOW))
    draw_id, seed = service.create_draw("Bench", "A bike", 10, 1)
    t0 = time.perf_counter()
    result = service.run_draw(draw_id, seed)
    ran = time.perf_counter() - t0
    t0 = time.perf_counter()
    ok = service.verify_draw(draw_id)
    verified = time.perf_counter() - t0
    engine.dispose()
    print(
        f"{label}: run_draw of {len(result['tickets']):,} members, 10 winners, in {ran:.2f} s;"
        f" verify_draw {verified:.2f} s ({'verified' if ok else 'NOT VERIFIED'});"
        f" ({written:.1f} s to write the members)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1_000_000, help="tickets timed before")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    tickets = balances(args.members)
    print(f"load {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores")
    before(tickets, args.sample)
    after(tickets)
    with tempfile.TemporaryDirectory() as tmp:
        whole("SQLite", f"sqlite:///{Path(tmp) / 'draws.db'}", tickets)
    if args.no_pg:
        return
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        whole("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", tickets)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
