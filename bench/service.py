"""Helpdesk benchmark: cases and replies through the API, live chat with 500 WebSocket clients.

In one run, per store (``--db postgresql``, ``sqlite`` or ``both``: a fresh PostgreSQL database
created and dropped here, or a fresh SQLite file) and one uvicorn process on 127.0.0.1:

1. the floor: raw driver (psycopg / sqlite3), each transaction inserting one chat-message row
   and committing, from ``--clients`` threads on PostgreSQL and one thread on SQLite (it has one
   writer: more threads only queue on its lock); then the same inserts offered at ``--rate``
   rows/s on a fixed schedule, latency counted from the scheduled time;
2. case creation: ``POST /api/helpdesk/cases`` (identity resolution, routing, SLA policy,
   assignment, the first message, the SLA state) from ``--clients`` threads;
3. agent replies: ``POST /api/helpdesk/cases/{id}/replies`` (event, outbox email, status, SLA);
4. live chat at saturation: ``--sockets`` customer WebSockets (default 500) open at once, each
   sending ``--messages`` messages one after another and waiting for its own message to come
   back (stored, then fanned out): the latency is that round trip. This is a closed loop: with
   500 clients always waiting, the mean latency is 500 / rate (Little's law), so it measures the
   most messages/s, not the latency a customer sees;
5. live chat at ``--rate`` messages/s (default 1,000) for ``--seconds``: the same sockets send on
   a fixed schedule spread over them (an open loop, as customers do), the latency counted from
   the *scheduled* send time, so a stalled server is charged for the messages it held up.

Each prints operations/s, p50 and p99 latency and the ratio to the floor's rate (for the paced
runs, the p99 beside the paced floor's). The load generator runs on the same machine as the
server and the database.

Usage: ``.venv/bin/python bench/service.py [--db both] [--cases N] [--clients 16]
[--sockets 500] [--messages 10] [--rate 1000] [--seconds 10]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

PG_ADMIN = os.environ.get(
    "OPENCX_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
INSERT = (
    "INSERT INTO bench_messages (id, chat_id, at, sender, author, body{seq_column}) "
    "VALUES ({p}, {p}, {p}, 'customer', NULL, {p}{seq})"
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux ``/proc``): what a message costs the
    server whatever else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def paced(
    fn: Callable[[int], object], rate: float, seconds: float, clients: int
) -> tuple[float, list[float]]:
    """Call ``fn(i)`` at ``rate``/s on a fixed schedule from ``clients`` threads; the latency of
    each call counts from its scheduled time."""
    n = int(rate * seconds)
    start = time.perf_counter() + 0.05
    lat = [0.0] * n
    cursor = iter(range(n))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                return
            due = start + i / rate
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            fn(i)
            lat[i] = time.perf_counter() - due

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, lat


def p99(lat: list[float]) -> float:
    return sorted(lat)[int(0.99 * (len(lat) - 1))] * 1000


def report(name: str, wall: float, lat: list[float], n: int, floor: float | None) -> float:
    rate = n / wall
    ratio = f"{rate / floor:.2f}" if floor else "1.00"
    p50 = statistics.median(lat) * 1000
    print(f"| {name} | {n:,} | {rate:,.0f}/s | {p50:.1f} ms | {p99(lat):.1f} ms | {ratio} |")
    sys.stdout.flush()
    return rate


class Floor:
    """Raw inserts of chat-message rows, one per transaction, through the bare driver."""

    def __init__(self, kind: str, target: str) -> None:
        self.kind, self.target = kind, target
        self.local = threading.local()
        self.seq = 0
        self.lock = threading.Lock()
        if kind == "postgresql":
            import psycopg

            with psycopg.connect(target, autocommit=True) as conn:
                conn.execute(
                    "CREATE TABLE bench_messages (LIKE helpdesk_chat_messages INCLUDING ALL)"
                )  # its sequence number, if any, numbers the rows as the store's does
            self.sql = INSERT.format(p="%s", seq_column="", seq="")
        else:
            with sqlite3.connect(target) as conn:
                ddl = conn.execute(
                    "SELECT sql FROM sqlite_master WHERE name = 'helpdesk_chat_messages'"
                ).fetchone()[0]
                conn.execute(ddl.replace("helpdesk_chat_messages", "bench_messages", 1))
                has_seq = "seq" in [r[1] for r in conn.execute("PRAGMA table_info(bench_messages)")]
                if has_seq:  # as the store numbers them: the next number in the same statement
                    conn.execute("CREATE UNIQUE INDEX bench_messages_seq ON bench_messages (seq)")
            self.sql = INSERT.format(
                p="?",
                seq_column=", seq" if has_seq else "",
                seq=", (SELECT coalesce(max(seq), 0) + 1 FROM bench_messages)" if has_seq else "",
            )

    def _conn(self) -> object:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            if self.kind == "postgresql":
                import psycopg

                conn = psycopg.connect(self.target)
            else:
                conn = sqlite3.connect(self.target, timeout=30, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            self.local.conn = conn
        return conn

    def insert(self, i: int) -> None:
        conn = self._conn()
        row = (uuid.uuid4().hex[:26], f"chat{i % 500}", datetime.now(UTC), f"message {i}")
        if self.kind == "postgresql":
            with conn.transaction():  # type: ignore[attr-defined]
                conn.execute(self.sql, row)  # type: ignore[attr-defined]
        else:
            conn.execute("BEGIN IMMEDIATE")  # type: ignore[attr-defined]
            conn.execute(self.sql, (*row[:2], row[2].isoformat(), row[3]))  # type: ignore[attr-defined]
            conn.execute("COMMIT")  # type: ignore[attr-defined]


@contextmanager
def store(kind: str) -> Iterator[tuple[str, Floor]]:
    """A fresh, migrated store of ``kind`` and the floor writing beside it."""
    from opencx.db import migrate

    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            url = f"sqlite:///{path}"
            migrate(url)
            yield url, Floor(kind, str(path))
        return
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(url)
        yield url, Floor(kind, url.replace("postgresql+psycopg://", "postgresql://"))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, deflate: bool) -> tuple[subprocess.Popen[bytes], str, str]:
    import httpx

    from opencx.access.service import AccessService
    from opencx.core import SystemClock
    from opencx.db import create_engine_from_url

    engine = create_engine_from_url(url)
    secret = AccessService(engine, SystemClock()).create_api_key("bench", ["helpdesk:*"]).secret
    engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "OPENCX_DATABASE_URL": url,
        "OPENCX_SECRET_KEY": "bench-secret",
    }
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
            "--ws-per-message-deflate",  # off as `opencx serve` runs it (opencx.ops.serve)
            str(deflate).lower(),
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


async def open_sockets(base: str, secret: str, sockets: int) -> list[object]:
    """``sockets`` chats, started through a widget proxy's key (``helpdesk:write`` vouches for
    its visitors), since anonymous chats from one address are rate limited."""
    import httpx
    import websockets

    auth = {"Authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(base_url=base, timeout=120, headers=auth) as http:
        sem = asyncio.Semaphore(32)

        async def start(i: int) -> str:
            async with sem:
                r = await http.post("/api/helpdesk/chat", json={"name": f"Visitor {i}"})
                return str(r.json()["token"])

        tokens = await asyncio.gather(*(start(i) for i in range(sockets)))
    ws_base = base.replace("http://", "ws://") + "/api/helpdesk/chat/ws?token="
    conns: list[object] = []
    for token in tokens:  # open every socket first: all 500 are connected while messages flow
        conns.append(await websockets.connect(ws_base + token, max_queue=None, open_timeout=120))
    return conns


async def _round_trip(ws: object, ref: str, body: str) -> None:
    await ws.send(json.dumps({"type": "message", "body": body, "ref": ref}))  # type: ignore[attr-defined]
    while json.loads(await ws.recv()).get("ref") != ref:  # type: ignore[attr-defined]
        pass


async def chat_saturation(conns: list[object], messages: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    ready = asyncio.Event()

    async def talk(ws: object, who: int) -> None:
        await ready.wait()
        for k in range(messages):
            t = time.perf_counter()
            await _round_trip(ws, f"s{who}-{k}", f"hello {k}")
            latencies.append(time.perf_counter() - t)

    tasks = [asyncio.create_task(talk(ws, i)) for i, ws in enumerate(conns)]
    start_t = time.perf_counter()
    ready.set()
    await asyncio.gather(*tasks)
    return time.perf_counter() - start_t, latencies


async def chat_paced(conns: list[object], rate: float, seconds: float) -> tuple[float, list[float]]:
    """Message i is due at start + i / rate, from socket i mod len(conns)."""
    n, count = int(rate * seconds), len(conns)
    latencies: list[float] = []
    start = time.perf_counter() + 0.2

    async def talk(ws: object, who: int) -> None:
        for i in range(who, n, count):
            due = start + i / rate
            if (wait := due - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            await _round_trip(ws, f"p{i}", f"paced {i}")
            latencies.append(time.perf_counter() - due)

    await asyncio.gather(*(talk(ws, i) for i, ws in enumerate(conns)))
    return time.perf_counter() - start, latencies


async def chat_runs(
    base: str, secret: str, pid: int, args: argparse.Namespace, floor: float, floor_p99: float
) -> None:
    conns = await open_sockets(base, secret, args.sockets)
    spent = cpu_seconds(pid), time.process_time()
    wall, lat = await chat_saturation(conns, args.messages)
    report(f"chat: {args.sockets} WebSockets, saturation (closed loop)", wall, lat, len(lat), floor)
    cpu_note(spent, pid, len(lat))
    spent = cpu_seconds(pid), time.process_time()
    wall, lat = await chat_paced(conns, args.rate, args.seconds)
    name = f"chat: {args.sockets} WebSockets at {args.rate:,.0f}/s (floor p99 {floor_p99:.1f} ms)"
    report(name, wall, lat, len(lat), floor)
    cpu_note(spent, pid, len(lat))
    for ws in conns:
        await ws.close()  # type: ignore[attr-defined]


def cpu_note(before: tuple[float, float], pid: int, n: int) -> None:
    server = (cpu_seconds(pid) - before[0]) / n * 1000
    client = (time.process_time() - before[1]) / n * 1000
    print(f"|   CPU per message: server {server:.2f} ms, load generator {client:.2f} ms |||||")


def run_store(kind: str, args: argparse.Namespace) -> None:
    print(f"\n{kind}, load average {os.getloadavg()[0]:.1f} at the start\n")
    print("| operation | n | rate | p50 | p99 | / floor |\n|---|---|---|---|---|---|")
    with store(kind) as (url, floor_writer):
        floor_n = max(args.cases * 5, 5000)
        threads = args.clients if kind == "postgresql" else 1
        floor = report(
            f"floor: raw {kind} insert + commit, {threads} thread(s)",
            *timed(floor_writer.insert, floor_n, threads),
            floor_n,
            None,
        )
        wall, lat = paced(floor_writer.insert, args.rate, args.seconds, threads)
        floor_p99 = p99(lat)
        report(f"floor: the same at {args.rate:,.0f}/s", wall, lat, len(lat), floor)
        server, base, secret = start_server(url, args.ws_deflate)
        try:
            if args.cases:
                api_runs(base, secret, args.cases, args.clients, floor)
            asyncio.run(chat_runs(base, secret, server.pid, args, floor, floor_p99))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--ws-deflate",
        action="store_true",
        help="compress each WebSocket frame, as the server did before 2026-12-06 (for comparing)",
    )
    args = parser.parse_args()
    for kind in ["postgresql", "sqlite"] if args.db == "both" else [args.db]:
        run_store(kind, args)


if __name__ == "__main__":
    main()
