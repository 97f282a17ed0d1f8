"""What the web requests' lock-timeout checkout listener (``db.engine.set_lock_timeout``) costs,
on PostgreSQL, with and without it in the same run.

On a fresh PostgreSQL database (created and dropped here), two engines on it: one as
``create_engine_from_url`` builds it, one the same with that listener removed.

1. Checkouts: a pooled connection taken and given back (``engine.connect()``), in blocks that
   alternate between the two engines, inside a request's context (``REQUEST_LOCK_TIMEOUT``
   set, as the middleware does): the listener's steady state, where the connection already has
   the request's ``lock_timeout`` and no round trip is spent.
2. The flip: one connection taken alternately inside and outside a request (as the web
   process's job runner does when it polls between requests, every 2 s), so every checkout
   sets ``lock_timeout`` on the server: one round trip and a commit.
3. Requests: the app in-process (``create_app`` on each engine, the same services), the survey
   answer of bench/responses.py (``POST /r/<token>/answers``: a token read, an invitation read,
   one write statement) through Starlette's TestClient, one at a time, in batches that
   alternate between the two apps; checkouts per request counted.

Prints the median of each (µs per checkout, ms per request), the difference and the ratio.

    OMP_NUM_THREADS=1 .venv/bin/python bench/lock_timeout.py [--requests 2000] [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).parent))
_responses = import_module("responses")  # bench/responses.py: its survey, links and requests

PG_ADMIN = _responses.PG_ADMIN


def engines(url: str) -> tuple[Engine, Engine]:
    """The engine OpenCX builds, and the same without the lock-timeout listener."""
    from opencx.db import create_engine_from_url
    from opencx.db.engine import set_lock_timeout

    with_it, without = create_engine_from_url(url), create_engine_from_url(url)
    event.remove(without, "checkout", set_lock_timeout)
    assert event.contains(with_it, "checkout", set_lock_timeout)
    return with_it, without


def alternate(runs: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Each run ``rounds`` times, interleaved (A B B A A B ...) so drift hits both alike."""
    out: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            out[name].append(runs[name]())
    return out


def checkouts(engine: Engine, n: int, timeout: str | None) -> float:
    """µs per ``engine.connect()`` + close, the request context's ``lock_timeout`` set."""
    from opencx.db.engine import REQUEST_LOCK_TIMEOUT

    token = REQUEST_LOCK_TIMEOUT.set(timeout)
    try:
        start = time.perf_counter()
        for _ in range(n):
            engine.connect().close()
        return (time.perf_counter() - start) / n * 1e6
    finally:
        REQUEST_LOCK_TIMEOUT.reset(token)


def flips(engine: Engine, n: int) -> float:
    """µs per checkout when each one goes between a request and other work."""
    from opencx.db.engine import REQUEST_LOCK_TIMEOUT

    start = time.perf_counter()
    for i in range(n):
        token = REQUEST_LOCK_TIMEOUT.set("10000ms" if i % 2 else None)
        engine.connect().close()
        REQUEST_LOCK_TIMEOUT.reset(token)
    return (time.perf_counter() - start) / n * 1e6


def app_on(url: str, engine: Engine) -> Any:
    from fastapi.testclient import TestClient

    from opencx.app import build, create_app
    from opencx.settings import Settings

    settings = Settings(
        database_url=url, secret_key=_responses.SECRET, base_url="http://x", web_runs_jobs=False
    )
    assert settings.request_lock_timeout_seconds == 10, "unset OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS"
    app = create_app(settings, services=build(settings, engine=engine))
    return TestClient(app, base_url="http://testserver")


def answer(token: str, i: int) -> tuple[str, bytes]:
    raw = _responses._request(token, i)
    _head, body = raw.split(b"\r\n\r\n", 1)
    return f"/r/{token}/answers", body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="per app")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--checkouts", type=int, default=20000, help="per engine")
    args = parser.parse_args()
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    load_before = os.getloadavg()
    try:
        from opencx.db import migrate

        migrate(url)
        warm = 200
        tokens = _responses.prepare(url, 2 * (args.requests + warm))
        with_it, without = engines(url)
        engs = {"with the listener": with_it, "without": without}

        per = args.checkouts // args.rounds
        for e in engs.values():
            checkouts(e, 200, "10000ms")
        pool = alternate(
            {k: (lambda e=e: checkouts(e, per, "10000ms")) for k, e in engs.items()}, args.rounds
        )
        flip = alternate(
            {k: (lambda e=e: flips(e, per // 4)) for k, e in engs.items()}, args.rounds
        )

        counted = {k: 0 for k in engs}
        for k, e in engs.items():

            def count(*_: Any, k: str = k) -> None:
                counted[k] += 1

            event.listen(e, "checkout", count)
        clients = {k: app_on(url, e) for k, e in engs.items()}
        queues = {k: tokens[i::2] for i, k in enumerate(engs)}
        sent = {k: 0 for k in engs}
        lat: dict[str, list[float]] = {k: [] for k in engs}

        def batch(k: str, n: int, keep: bool = True) -> float:
            client = clients[k]
            start = time.perf_counter()
            for _ in range(n):
                i = sent[k]
                path, body = answer(queues[k][i], i)
                t0 = time.perf_counter()
                r = client.post(path, content=body, headers={"content-type": "text/plain"})
                if keep:
                    lat[k].append(time.perf_counter() - t0)
                assert r.status_code == 200, r.text
                sent[k] += 1
            return time.perf_counter() - start

        for k in engs:
            batch(k, warm, keep=False)
        before = dict(counted)
        per_batch = args.requests // args.rounds
        took = alternate({k: (lambda k=k: batch(k, per_batch)) for k in engs}, args.rounds)
        for c in clients.values():
            c.close()
        for e in engs.values():
            e.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLAlchemy {sa.__version__}; load average {load_before[0]:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after"
    )
    a, b = engs
    med = statistics.median
    rows = [
        ("pooled checkout, in a request (µs)", med(pool[a]), med(pool[b])),
        ("checkout going request <-> job (µs)", med(flip[a]), med(flip[b])),
        (
            "POST /r/<token>/answers, p50 (ms)",
            med(lat[a]) * 1000,
            med(lat[b]) * 1000,
        ),
        (
            "  the same, mean of batches (ms)",
            med(t / per_batch for t in took[a]) * 1000,
            med(t / per_batch for t in took[b]) * 1000,
        ),
    ]
    print(f"{'':<40} {a:>18} {b:>10} {'diff':>9} {'ratio':>6}")
    for label, x, y in rows:
        print(f"{label:<40} {x:>18.2f} {y:>10.2f} {x - y:>+9.2f} {x / y:>6.3f}")
    n = sum(sent.values()) - 2 * warm
    print(
        f"checkouts per request: {(sum(counted.values()) - sum(before.values())) / n:.2f}; "
        f"{per_batch} requests a batch, {args.rounds} batches each, alternated"
    )


if __name__ == "__main__":
    main()
