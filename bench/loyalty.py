"""Loyalty ledger benchmark: earn and spend transactions per second with 32 concurrent clients.

In one run, against a fresh PostgreSQL database (created and dropped here):

1. the floor: raw psycopg, each transaction inserting one ledger entry row and one lot row
   (the rows an earn writes) with a unique idempotency key, and committing;
2. the service: :class:`opencx.loyalty.service.LoyaltyService` earn and spend (2:1), each one
   transaction that locks the member row, checks the key, reads the open lots and appends;
3. the API: the same through ``POST /api/loyalty/members/{id}/earn|spend`` on a uvicorn server
   on 127.0.0.1 (one process), each request with a bearer key and an ``Idempotency-Key``.

Each prints transactions/s, p50 and p99 latency, the ratio to the floor, the CPU time per
transaction of the Python process doing the work (the bench process for the floor and the
service, the uvicorn process for the API, read from ``/proc``): with 32 threads under one GIL
that CPU is what caps a process; and the CPU time per transaction of the PostgreSQL backends
serving the run's database (read from ``/proc`` before their connections close; the server
runs on the same two cores, so Python and PostgreSQL CPU together bound the rate). 20% of
service and API requests are retries of earlier ones (answered from the key, writing nothing).

Usage: ``.venv/bin/python bench/loyalty.py [--requests N] [--clients 32] [--no-api]``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

PG_ADMIN = os.environ.get(
    "OPENCX_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MEMBERS = 1000


Timing = tuple[float, list[float], float, float]


def _cpu_of(pid: int | None) -> float:
    """CPU seconds (user + system) of this process, or of process ``pid`` (Linux ``/proc``)."""
    if pid is None:
        return time.process_time()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_cpu(dsn: str) -> float:
    """CPU seconds of the live PostgreSQL backends connected to ``dsn``'s database (other than
    the asking one): the server side of a run, read before the run's connections close."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        pids = [
            r[0]
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):  # gone meanwhile
            total += _cpu_of(pid)
    return total


def timed(
    fn: Callable[[int], object],
    n: int,
    clients: int,
    pid: int | None = None,
    dsn: str | None = None,
) -> Timing:
    """Run ``fn(i)`` for i < n on ``clients`` threads, each taking the next request as soon
    as its last one is answered: wall seconds, each call's latency, the CPU seconds the
    working process (this one, or ``pid``) spent meanwhile, and the CPU seconds of the
    database's backends (``dsn``; their connections are opened by the run). Plain threads
    and a shared counter: an executor's future per request cost the bench process about
    0.05 ms of CPU per transaction, counted as the service's."""
    lat = [0.0] * n
    numbers = itertools.count()
    errors: list[BaseException] = []

    def client() -> None:
        for i in numbers:
            if i >= n or errors:
                return
            t = time.perf_counter()
            try:
                fn(i)
            except BaseException as exc:
                errors.append(exc)
                return
            lat[i] = time.perf_counter() - t

    cpu = _cpu_of(pid)
    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    wall, cpu = time.perf_counter() - start, _cpu_of(pid) - cpu
    return wall, lat, cpu, backend_cpu(dsn) if dsn else float("nan")


def report(name: str, timing: Timing, n: int, floor: float | None) -> float:
    wall, lat, cpu, server = timing
    rate = n / wall
    lat.sort()
    p99 = lat[int(0.99 * (len(lat) - 1))] * 1000
    ratio = f"{rate / floor:.2f}" if floor else "1.00"
    p50 = statistics.median(lat) * 1000
    print(
        f"| {name} | {rate:,.0f} tx/s | {p50:.1f} ms | {p99:.1f} ms | {ratio} |"
        f" {cpu * 1000 / n:.2f} ms | {server * 1000 / n:.2f} ms |".replace("nan ms", "n/a"),
        flush=True,
    )
    return rate


def seed(url: str) -> list[str]:
    engine = sa.create_engine(url)
    ids = [f"m{i:025d}" for i in range(MEMBERS)]
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO customers (id, source, external_id, created_at, attributes, "
                "consent_email, consent_sms, consent_surveys) VALUES "
                "(:c, 'bench', :c, now(), '{}', false, false, false)"
            ),
            [{"c": f"c{i[1:]}"} for i in ids],
        )
        conn.execute(
            sa.text(
                "INSERT INTO loyalty_members (id, customer_id, enrolled_at, source, status) "
                "VALUES (:id, :c, now(), 'bench', 'active')"
            ),
            [{"id": i, "c": f"c{i[1:]}"} for i in ids],
        )
        conn.execute(
            sa.text(
                "CREATE TABLE bench_entries (LIKE loyalty_entries INCLUDING ALL);"
                "CREATE TABLE bench_lots (LIKE loyalty_lots INCLUDING ALL)"
            )
        )
    engine.dispose()
    return ids


def floor_run(dsn: str, n: int, clients: int) -> Timing:
    import psycopg

    local = threading.local()
    opened: list[psycopg.Connection[tuple[object, ...]]] = []

    def one(i: int) -> None:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = psycopg.connect(dsn)
            opened.append(conn)
        eid = uuid.uuid4().hex[:26]
        now = datetime.now(UTC)
        with conn.transaction():
            conn.execute(
                "INSERT INTO bench_entries (id, member_id, kind, points, at, idempotency_key, "
                "reason) VALUES (%s, %s, 'earn', 10, %s, %s, '')",
                (eid, f"m{i % MEMBERS:025d}", now, f"raw-{i}"),
            )
            conn.execute(
                "INSERT INTO bench_lots (id, member_id, points, available_at) "
                "VALUES (%s, %s, 10, %s)",
                (eid, f"m{i % MEMBERS:025d}", now),
            )

    try:
        return timed(one, n, clients, dsn=dsn)
    finally:
        for conn in opened:
            conn.close()


def requests_for(members: list[str], n: int, tag: str) -> list[tuple[str, str, str, int]]:
    rng = random.Random(14)
    fresh = [
        (
            f"{tag}-{i}",
            rng.choice(members),
            rng.choice(["earn", "earn", "spend"]),
            rng.randint(1, 50),
        )
        for i in range(n - n // 5)
    ]
    out = fresh + [fresh[rng.randrange(len(fresh))] for _ in range(n // 5)]
    rng.shuffle(out)
    return out


def service_run(url: str, members: list[str], n: int, clients: int) -> Timing:
    from opencx.core import SystemClock
    from opencx.db import create_engine_from_url
    from opencx.loyalty.domain import InsufficientPoints
    from opencx.loyalty.service import LoyaltyService

    engine = create_engine_from_url(url, pool_size=clients, max_overflow=4)
    service = LoyaltyService(engine, SystemClock())
    reqs = requests_for(members, n, "svc")

    def one(i: int) -> None:
        key, member, op, points = reqs[i]
        try:
            if op == "earn":
                service.earn(member, points, key)
            else:
                service.spend(member, points, key)
        except InsufficientPoints:
            pass

    try:
        return timed(one, n, clients, dsn=_dsn(url))
    finally:
        engine.dispose()


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api_run(url: str, members: list[str], n: int, clients: int) -> Timing:
    import httpx

    from opencx.access.service import AccessService
    from opencx.core import SystemClock
    from opencx.db import create_engine_from_url

    engine = create_engine_from_url(url)
    secret = AccessService(engine, SystemClock()).create_api_key("bench", ["loyalty:*"]).secret
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "OPENCX_DATABASE_URL": url, "OPENCX_SECRET_KEY": "bench-secret"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "opencx.app:create_app_from_env",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        reqs = requests_for(members, n, "api")
        local = threading.local()
        auth = {"Authorization": f"Bearer {secret}"}

        def one(i: int) -> None:
            client = getattr(local, "client", None)
            if client is None:
                client = local.client = httpx.Client(base_url=base, headers=auth, timeout=60)
            key, member, op, points = reqs[i]
            r = client.post(
                f"/api/loyalty/members/{member}/{op}",
                json={"points": points},
                headers={"Idempotency-Key": key},
            )
            if r.status_code not in (201, 409):
                raise RuntimeError(f"{r.status_code}: {r.text}")

        # no PostgreSQL figure: the server's pool closes its overflow connections (and their
        # backends' CPU with them) while the run goes on
        return timed(one, n, clients, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--no-api", action="store_true", help="the floor and the service only")
    args = parser.parse_args()
    from opencx.db import migrate

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(url)
        members = seed(url)
        n, c = args.requests, args.clients
        print(f"{n:,} transactions, {c} clients, {MEMBERS} members, load {os.getloadavg()[0]:.1f}")
        print(
            "| path | throughput | p50 | p99 | ratio to floor | Python CPU per tx"
            " | PostgreSQL CPU per tx |\n|---|---:|---:|---:|---:|---:|---:|"
        )
        floor = report("raw psycopg insert (floor)", floor_run(_dsn(url), n, c), n, None)
        report("LoyaltyService earn/spend", service_run(url, members, n, c), n, floor)
        if not args.no_api:
            report("HTTP API earn/spend", api_run(url, members, n, c), n, floor)
        print(f"load after: {os.getloadavg()[0]:.1f}")
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
