"""32 clients posting events at once to a real uvicorn on PostgreSQL, a fifth of them twice at
the same moment: no 5xx, and every effect exactly once.

The load that used to give 19 × 500 in 1,381 posts: two posts of the same order racing to a
foreign-key violation, two orders creating the same new SKU. Half the duplicated posts carry one
``Idempotency-Key`` (the second gets the first answer, replayed), half none (the upserts on
(source, external id) converge). Then every order, line, product, customer and interaction is
in the store once, and each order reached the live reactions (only from committed attempts).
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy.engine import Connection, Engine

from opencx.access.service import AccessService
from opencx.app import build, create_app
from opencx.core import SystemClock
from opencx.ingest.domain import OrdersImported
from opencx.settings import Settings

CLIENTS, ORDERS, INTERACTIONS, CUSTOMERS, SKUS = 32, 200, 120, 20, 12
DUPLICATED = 0.2


@dataclass(frozen=True)
class Post:
    body: dict[str, Any]
    key: str | None
    pair: threading.Barrier | None  # both copies of a duplicated post start together


@pytest.fixture
def server(pg_clean: Engine) -> Iterator[tuple[str, Counter[str]]]:
    """A real uvicorn serving the app on a free port; the order ids published live."""
    settings = Settings(
        database_url=str(pg_clean.url), secret_key="race-secret-" + "x" * 32, web_runs_jobs=False
    )
    services = build(settings, clock=SystemClock(), engine=pg_clean)
    published: Counter[str] = Counter()
    lock = threading.Lock()

    def count(event: OrdersImported, conn: Connection) -> None:
        def committed(_: Connection) -> None:  # an attempt rolled back had no effect
            with lock:
                published.update(event.order_ids)

        sa.event.listen(conn, "commit", committed, once=True)

    services.bus.subscribe(OrdersImported, count)
    secret = AccessService(services.engine, services.clock).create_api_key("race", ["events:write"])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings, services=services), log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}|{secret.secret}", published
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def workload(rng: random.Random) -> list[Post]:
    events: list[dict[str, Any]] = []
    for i in range(ORDERS):
        skus = rng.sample(range(SKUS), 2)
        events.append(
            {
                "type": "order",
                "source": "shop",
                "create_missing_customers": True,
                "data": {
                    "order_id": f"o-{i}",
                    "customer": f"c-{rng.randrange(CUSTOMERS)}",
                    "currency": "EUR",
                    "placed_at": f"2026-11-{1 + i % 28:02d}T10:00:00Z",
                    "lines": [
                        {"sku": f"NEW-{s}", "quantity": 1 + s % 3, "unit_price": "4.50"}
                        for s in skus
                    ],
                },
            }
        )
    for i in range(INTERACTIONS):
        events.append(
            {
                "type": "interaction",
                "source": "shop",
                "create_missing_customers": True,
                "data": {
                    "external_id": f"ev-{i}",
                    "customer": f"c-{rng.randrange(CUSTOMERS)}",
                    "channel": "web",
                    "kind": "page_view",
                    "occurred_at": "2026-11-23T10:00:00Z",
                },
            }
        )
    rng.shuffle(events)
    posts: list[Post] = []
    for n, body in enumerate(events):
        if rng.random() < DUPLICATED:
            key = f"k-{n}" if n % 2 else None
            barrier = threading.Barrier(2, timeout=30)
            posts += [Post(body, key, barrier), Post(body, key, barrier)]
        else:
            posts.append(Post(body, f"k-{n}" if n % 3 == 0 else None, None))
    return posts


@pytest.mark.slow  # queued among the first files (tests/scheduling.py)
def test_concurrent_and_duplicated_events_never_fail_and_land_once(
    server: tuple[str, Counter[str]], pg_clean: Engine
) -> None:
    where, published = server
    base, secret = where.split("|")
    posts = workload(random.Random(12))
    answers: list[tuple[Post, httpx.Response]] = []
    lock = threading.Lock()
    local = threading.local()

    def send(post: Post) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=120)
        headers = {"Authorization": f"Bearer {secret}"}
        if post.key:
            headers["Idempotency-Key"] = post.key
        if post.pair is not None:
            post.pair.wait()
        r = local.client.post("/api/events", json=post.body, headers=headers)
        with lock:
            answers.append((post, r))

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(send, posts))

    statuses = Counter(r.status_code for _, r in answers)
    assert statuses == {201: len(posts)}, [r.text for _, r in answers if r.status_code != 201][:5]
    keyed_pairs: dict[str, list[httpx.Response]] = {}
    for post, r in answers:
        if post.pair is not None and post.key:
            keyed_pairs.setdefault(post.key, []).append(r)
    assert keyed_pairs
    for pair in keyed_pairs.values():  # one ran, the other got its answer replayed
        assert sorted(r.headers.get("Idempotent-Replayed", "") for r in pair) == ["", "true"]
        assert pair[0].json() == pair[1].json()
    with pg_clean.connect() as conn:

        def scalar(sql: str) -> int:
            return int(conn.execute(sa.text(sql)).scalar_one())

        assert scalar("SELECT count(*) FROM orders") == ORDERS
        assert scalar("SELECT count(DISTINCT external_id) FROM orders") == ORDERS
        assert scalar("SELECT count(*) FROM order_lines") == 2 * ORDERS
        assert scalar("SELECT count(*) FROM products") == SKUS
        assert scalar("SELECT count(*) FROM interactions") == INTERACTIONS
        referenced = {p.body["data"]["customer"] for p in posts}
        assert scalar("SELECT count(*) FROM customers") == len(referenced)
    # every order reached the live reactions; a duplicate post without a key publishes its order
    # again, which the reactions absorb by their own keys (loyalty earns once per 'order:<id>')
    assert len(published) == ORDERS
