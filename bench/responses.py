"""Survey responses over HTTP against OpenCX on PostgreSQL, beside the raw insert floor.

In one run, on a fresh PostgreSQL database (created and dropped here):

1. OpenCX: ``uvicorn`` with two workers serves the app; a load generator on loopback (asyncio +
   httpx, ``--concurrency`` requests in flight) posts one complete answer per signed link to
   ``/r/<token>/answers`` (a CSAT score and a comment): every request verifies the token, reads
   the invitation with its customer's language and response so far (one query; survey versions
   are cached), checks the answers, writes the response, two typed answers and the invitation,
   and checks the closed-loop rules: a low score (CSAT 1–2, 40% of the requests) queues one
   outbox task; the worker (not running here) opens the follow-up and its case later. Text
   analytics is not in this path either (a job).
2. The floor: the same rows (one response and two answers per transaction) inserted with plain
   psycopg by ``--concurrency`` threads, no validation, no reads.

Prints responses/s and p50/p99 latency for both, and the ratios.

    OMP_NUM_THREADS=1 .venv/bin/python bench/responses.py [--responses 3000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime

import httpx
import numpy as np
import psycopg
import sqlalchemy as sa

PG_ADMIN = os.environ.get(
    "OPENCX_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SECRET = "bench-secret"
COMMENTS = ["Snelle hulp, dank je", "Took too long to hear back", "Meget venlig medarbejder"]


def prepare(url: str, n: int) -> list[str]:
    """Customers, a CSAT survey and ``n`` link invitations; returns their tokens."""
    from opencx.app import build
    from opencx.db.schema import customers
    from opencx.settings import Settings

    services = build(Settings(database_url=url, secret_key=SECRET, base_url="http://x"))
    services.feedback.create_from_template("csat", "csat-bench", "Bench", ["en"])
    now = datetime.now(UTC)
    rows = [
        {
            "id": f"c{i:07d}",
            "source": "bench",
            "external_id": str(i),
            "email": f"{i}@b.x",
            "language": "en",
            "created_at": now,
            "attributes": {},
            "consent_email": True,
            "consent_sms": False,
            "consent_surveys": True,
        }
        for i in range(n)
    ]
    with services.engine.begin() as conn:
        conn.execute(customers.insert(), rows)
    tokens: list[str] = []
    for start in range(0, n, 1000):
        ids = [r["id"] for r in rows[start : start + 1000]]
        result = services.feedback.invite("csat-bench", ids, channel="link")
        tokens += [(i.url or "").rsplit("/", 1)[1] for i in result.invited]
    services.engine.dispose()
    return tokens


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) * 1000.0


async def load(base: str, tokens: list[str], concurrency: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    failures = 0
    queue = list(reversed(tokens))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal failures
            while queue:
                token = queue.pop()
                i = len(queue)
                body = {
                    "answers": {
                        "csat": 1 + i % 5,
                        ("why_low" if i % 5 < 3 else "why_high"): COMMENTS[i % 3],
                    },
                    "finish": True,
                }
                t0 = time.perf_counter()
                r = await client.post(f"/r/{token}/answers", content=json.dumps(body))
                latencies.append(time.perf_counter() - t0)
                failures += r.status_code != 200

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        took = time.perf_counter() - start
    return took, latencies, failures


def floor(dsn: str, survey_id: str, n: int, concurrency: int) -> tuple[float, list[float]]:
    """The same rows with plain psycopg: one response and two answers per transaction."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(n))

    def work() -> None:
        with psycopg.connect(dsn) as conn:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                rid = uuid.uuid4().hex[:26]
                with conn.transaction():
                    conn.execute(
                        "INSERT INTO responses (id, source, external_id, survey_id, submitted_at,"
                        " completed, submission) VALUES (%s, 'floor', %s, %s, now(), true, %s)",
                        (rid, rid, survey_id, json.dumps({"csat": 3, "why_low": COMMENTS[0]})),
                    )
                    conn.execute(
                        "INSERT INTO answers (id, response_id, question_key, question_type, score,"
                        " text) VALUES (%s, %s, 'csat', 'csat', 3, NULL), (%s, %s, 'why_low',"
                        " 'text', NULL, %s)",
                        (rid[:25] + "a", rid, rid[:25] + "b", rid, COMMENTS[0]),
                    )
                with lock:
                    latencies.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies


def wait_up(base: str, timeout: float = 400.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/feedback/widget.js", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not come up")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8931)
    args = parser.parse_args()
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    server = None
    try:
        from opencx.db import migrate

        migrate(url)
        warm = 200
        tokens = prepare(url, args.responses + warm)
        env = {**os.environ, "OPENCX_DATABASE_URL": url, "OPENCX_SECRET_KEY": SECRET}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "opencx.app:create_app_from_env",
                "--factory",
                "--port",
                str(args.port),
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{args.port}"
        wait_up(base)
        asyncio.run(load(base, tokens[:warm], args.concurrency))
        took, lat, failed = asyncio.run(load(base, tokens[warm:], args.concurrency))
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            survey_id = conn.execute(sa.text("SELECT id FROM surveys")).scalar_one()
        engine.dispose()
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        ftook, flat = floor(dsn, survey_id, args.responses, args.concurrency)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    n = args.responses
    ours, raw = n / took, n / ftook
    print(
        f"{n} responses, {args.concurrency} in flight, {args.workers} uvicorn workers, "
        f"{os.cpu_count()} cores shared with the load generator; failures: {failed}"
    )
    print(f"{'':<34} {'resp/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    print(
        f"{'raw psycopg inserts (the floor)':<34} {raw:>8.0f} {percentile(flat, 50):>8.1f} "
        f"{percentile(flat, 99):>8.1f}"
    )
    print(
        f"{'OpenCX over HTTP (/r/<token>/answers)':<34} {ours:>8.0f} {percentile(lat, 50):>8.1f} "
        f"{percentile(lat, 99):>8.1f}"
    )
    print(f"OpenCX / floor throughput: {ours / raw:.2f}")


if __name__ == "__main__":
    main()
