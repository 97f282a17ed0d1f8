"""Helpdesk benchmark: cases and replies through the API, live chat with 500 WebSocket clients.

In one run, against a fresh PostgreSQL database (created and dropped here) and one uvicorn
process on 127.0.0.1:

1. the floor: raw psycopg, each transaction inserting one chat-message-shaped row and
   committing, from ``--clients`` threads;
2. case creation: ``POST /api/helpdesk/cases`` (identity resolution, routing, SLA policy,
   assignment, the first message, the SLA state) from ``--clients`` threads;
3. agent replies: ``POST /api/helpdesk/cases/{id}/replies`` (event, outbox email, status, SLA);
4. live chat: ``--sockets`` customer WebSockets (default 500) open at once, each sending
   ``--messages`` messages one after another and waiting for its own message to come back
   (stored, then fanned out): the latency is that round trip.

Each prints operations/s, p50 and p99 latency and the ratio to the floor. The load generator
runs on the same machine as the server and the database.

Usage: ``.venv/bin/python bench/service.py [--cases N] [--clients 16] [--sockets 500]
[--messages 10]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import sqlalchemy as sa

PG_ADMIN = os.environ.get(
    "OPENCX_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def timed(fn: Callable[[int], object], n: int, clients: int) -> tuple[float, list[float]]:
    def one(i: int) -> float:
        t = time.perf_counter()
        fn(i)
        return time.perf_counter() - t

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        lat = list(pool.map(one, range(n)))
    return time.perf_counter() - start, lat


def report(name: str, wall: float, lat: list[float], n: int, floor: float | None) -> float:
    rate = n / wall
    lat = sorted(lat)
    p99 = lat[int(0.99 * (len(lat) - 1))] * 1000
    ratio = f"{rate / floor:.2f}" if floor else "1.00"
    p50 = statistics.median(lat) * 1000
    print(f"| {name} | {n:,} | {rate:,.0f}/s | {p50:.1f} ms | {p99:.1f} ms | {ratio} |", flush=True)
    return rate


def floor_run(dsn: str, n: int, clients: int) -> tuple[float, list[float]]:
    import psycopg

    local = threading.local()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_messages (LIKE helpdesk_chat_messages INCLUDING ALL)")

    def one(i: int) -> None:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = psycopg.connect(dsn)
        with conn.transaction():
            conn.execute(
                "INSERT INTO bench_messages (id, chat_id, at, sender, author, body) "
                "VALUES (%s, %s, %s, 'customer', NULL, %s)",
                (uuid.uuid4().hex[:26], f"chat{i % 500}", datetime.now(UTC), f"message {i}"),
            )

    return timed(one, n, clients)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str, str]:
    import httpx

    from opencx.access.service import AccessService
    from opencx.core import SystemClock
    from opencx.db import create_engine_from_url

    engine = create_engine_from_url(url)
    secret = AccessService(engine, SystemClock()).create_api_key("bench", ["helpdesk:*"]).secret
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
            "--ws-max-queue",
            "64",
            "--backlog",
            "2048",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(900):
        try:
            if httpx.get(f"{base}/login", timeout=1).status_code < 500:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    return server, base, secret


def api_runs(base: str, secret: str, n: int, clients: int, floor: float) -> None:
    import httpx

    local = threading.local()
    auth = {"Authorization": f"Bearer {secret}"}
    ids: list[str] = [""] * n

    def client() -> httpx.Client:
        found = getattr(local, "client", None)
        if found is None:
            found = local.client = httpx.Client(base_url=base, headers=auth, timeout=60)
        return found

    def create(i: int) -> None:
        body = {
            "channel": "email",
            "subject": f"Order {i} late",
            "body": "Where is it?",
            "email": f"bench{i % 2000}@example.org",
            "category": "delivery",
        }
        r = client().post("/api/helpdesk/cases", json=body)
        r.raise_for_status()
        ids[i] = r.json()["id"]

    def reply(i: int) -> None:
        body = {"body": f"It ships today ({i})", "status": "pending_customer"}
        client().post(f"/api/helpdesk/cases/{ids[i]}/replies", json=body).raise_for_status()

    wall, lat = timed(create, n, clients)
    report("API: open a case", wall, lat, n, floor)
    wall, lat = timed(reply, n, clients)
    report("API: agent reply (outbox email)", wall, lat, n, floor)


async def chat_run(base: str, sockets: int, messages: int) -> tuple[float, list[float]]:
    import httpx
    import websockets

    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        sem = asyncio.Semaphore(32)

        async def start(i: int) -> str:
            async with sem:
                r = await http.post("/api/helpdesk/chat", json={"name": f"Visitor {i}"})
                return str(r.json()["token"])

        tokens = await asyncio.gather(*(start(i) for i in range(sockets)))
    ws_base = base.replace("http://", "ws://") + "/api/helpdesk/chat/ws?token="
    conns = []
    for token in tokens:  # open every socket first: all 500 are connected while messages flow
        conns.append(await websockets.connect(ws_base + token, max_queue=None, open_timeout=120))
    latencies: list[float] = []
    ready = asyncio.Event()

    async def talk(ws: websockets.ClientConnection, who: int) -> None:
        await ready.wait()
        for k in range(messages):
            ref = f"{who}-{k}"
            t = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "body": f"hello {k}", "ref": ref}))
            while json.loads(await ws.recv()).get("ref") != ref:
                pass
            latencies.append(time.perf_counter() - t)

    tasks = [asyncio.create_task(talk(ws, i)) for i, ws in enumerate(conns)]
    start_t = time.perf_counter()
    ready.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - start_t
    for ws in conns:
        await ws.close()
    return wall, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--messages", type=int, default=10)
    args = parser.parse_args()
    from opencx.db import migrate

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    server = None
    try:
        migrate(url)
        print("| operation | n | rate | p50 | p99 | / floor |\n|---|---|---|---|---|---|")
        floor_n = args.cases * 5
        floor = report(
            "floor: raw psycopg insert + commit",
            *floor_run(dsn, floor_n, args.clients),
            floor_n,
            None,
        )
        server, base, secret = start_server(url)
        api_runs(base, secret, args.cases, args.clients, floor)
        wall, lat = asyncio.run(chat_run(base, args.sockets, args.messages))
        report(f"chat: {args.sockets} WebSockets, message round trip", wall, lat, len(lat), floor)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
