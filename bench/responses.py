"""Survey responses over HTTP against OpenCX on PostgreSQL, beside the raw insert floor.

In one run, on a fresh PostgreSQL database (created and dropped here):

1. OpenCX: ``uvicorn`` with two workers serves the app; a load generator on loopback (a bare
   HTTP/1.1 client on asyncio streams, ``--concurrency`` requests in flight) posts one complete
   answer per signed link to ``/r/<token>/answers`` (a CSAT score and a comment): every request
   verifies the token, reads the invitation with its customer's language and response so far
   (one query; survey versions are cached), checks the answers, writes the response, two typed
   answers and the invitation (one statement), and checks the closed-loop rules: a low score
   (CSAT 1–2, 40% of the requests) queues one outbox task, sent with that statement in one
   pipeline (one implicit transaction); the worker (not running here) opens the follow-up and
   its case later. Text analytics is not in this path either (a job).
2. The floor: the same rows (one response and two answers per transaction) inserted with plain
   psycopg by ``--concurrency`` threads, no validation, no reads.

Prints responses/s and p50/p99 latency for both, and the ratios.

    OMP_NUM_THREADS=1 .venv/bin/python bench/responses.py [--responses 3000] [--concurrency 16]

``--profile DIR`` needs py-spy, the ``bench`` extra: ``make install-bench``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

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


def _request(token: str, i: int) -> bytes:
    body = json.dumps(
        {
            "answers": {
                "csat": 1 + i % 5,
                ("why_low" if i % 5 < 3 else "why_high"): COMMENTS[i % 3],
            },
            "finish": True,
        }
    ).encode()
    head = (
        f"POST /r/{token}/answers HTTP/1.1\r\nHost: bench\r\n"
        f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


_LENGTH = re.compile(rb"(?i)\r\ncontent-length: *(\d+)")


async def load(
    host: str, port: int, tokens: list[str], concurrency: int
) -> tuple[float, list[float], int]:
    """Post one answer per token, ``concurrency`` keep-alive connections each with one request
    in flight. A bare HTTP/1.1 client on asyncio streams: the generator shares the two cores
    with the server, so it must cost little CPU per request (httpx cost about as much as the
    server's whole request path)."""
    latencies: list[float] = []
    failures = 0
    requests = [_request(t, i) for i, t in enumerate(tokens)]
    requests.reverse()

    async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal failures
        try:
            while requests:
                request = requests.pop()
                t0 = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                found = _LENGTH.search(head)
                await reader.readexactly(int(found.group(1)) if found else 0)
                latencies.append(time.perf_counter() - t0)
                failures += head[9:12] != b"200"
        finally:
            writer.close()

    # Connections are opened one by one before the clock starts. A keep-alive connection stays
    # with the uvicorn worker that accepted it, and a worker accepts every connection waiting
    # when it wakes: opened all at once, they tended to land on one worker (one core, its GIL
    # the limit) while the other idled. "cores used by each server process" shows the split.
    connections = []
    for _ in range(concurrency):
        connections.append(await asyncio.open_connection(host, port))
        await asyncio.sleep(0.02)
    start = time.perf_counter()
    await asyncio.gather(*(worker(r, w) for r, w in connections))
    return time.perf_counter() - start, latencies, failures


def run_load(
    host: str, port: int, tokens: list[str], concurrency: int
) -> tuple[float, list[float], int]:
    try:
        import uvloop

        return uvloop.run(load(host, port, tokens, concurrency))
    except ImportError:
        return asyncio.run(load(host, port, tokens, concurrency))


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each live process in ``pids`` has used so far."""
    out: dict[int, float] = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / _TICK
    return out


def descendants(pid: int) -> list[int]:
    """``pid`` and every process under it (uvicorn's master and its workers)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return found


def backends(url: str, database: str) -> list[int]:
    """PostgreSQL's server processes serving ``database`` (the pools' connections)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        pids = conn.execute(
            sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"
            ),
            {"d": database},
        ).scalars()
        out = [int(p) for p in pids]
    engine.dispose()
    return out


def used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(v - before.get(pid, 0.0) for pid, v in after.items())


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


def start_server(url: str, args: argparse.Namespace, log: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OPENCX_DATABASE_URL": url, "OPENCX_SECRET_KEY": SECRET}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.Popen(
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
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--log-level",
            "warning",
            "--no-access-log",  # uvicorn's own; OpenCX writes its JSON access line (to ``log``)
        ],
        env=env,
        stderr=log,
    )


def profile(pids: list[int], folder: str, seconds: float) -> list[subprocess.Popen[bytes]]:
    """``py-spy record`` on each server process (``--profile``): collapsed stacks per pid."""
    os.makedirs(folder, exist_ok=True)
    return [
        subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "py-spy"),
                "record",
                "-p",
                str(pid),
                "-d",
                str(int(seconds)),
                "-r",
                "200",
                "-f",
                "raw",
                "-o",
                os.path.join(folder, f"{pid}.txt"),
                "--nonblocking",
                "--gil",  # samples while holding the GIL: where the CPU goes
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--profile", help="folder for py-spy stacks of each server process")
    parser.add_argument("--skip-floor", action="store_true")
    args = parser.parse_args()
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    server = None
    load_before = os.getloadavg()
    ftook, flat = 0.0, [0.0]
    try:
        from opencx.db import migrate

        migrate(url)
        warm = 400
        tokens = prepare(url, args.responses + warm)
        log = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the process)
        server = start_server(url, args, log)
        host, base = "127.0.0.1", f"http://127.0.0.1:{args.port}"
        wait_up(base)
        run_load(host, args.port, tokens[:warm], args.concurrency)
        served = descendants(server.pid)
        pg = backends(url, name)
        spies = profile(served[1:] or served, args.profile, 3600) if args.profile else []
        cpu0, pg0, gen0 = cpu_of(served), cpu_of(pg), time.process_time()
        log0 = os.fstat(log.fileno()).st_size
        took, lat, failed = run_load(host, args.port, tokens[warm:], args.concurrency)
        gen = time.process_time() - gen0
        cpu1 = cpu_of(served)
        server_cpu, pg_cpu = used(cpu0, cpu1), used(pg0, cpu_of(pg + backends(url, name)))
        per_process = [cpu1[p] - cpu0.get(p, 0.0) for p in served if p in cpu1]
        for spy in spies:
            spy.send_signal(2)
            spy.wait(timeout=60)
        log_lines = os.fstat(log.fileno()).st_size - log0
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            survey_id = conn.execute(sa.text("SELECT id FROM surveys")).scalar_one()
        engine.dispose()
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        if not args.skip_floor:
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
    ours = n / took
    raw = n / ftook if ftook else float("nan")
    print(
        f"{n} responses, {args.concurrency} in flight, {args.workers} uvicorn workers, "
        f"{os.cpu_count()} cores shared with the load generator; failures: {failed}; "
        f"load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    print(f"{'':<38} {'resp/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    print(
        f"{'raw psycopg inserts (the floor)':<38} {raw:>8.0f} {percentile(flat, 50):>8.1f} "
        f"{percentile(flat, 99):>8.1f}"
    )
    print(
        f"{'OpenCX over HTTP (/r/<token>/answers)':<38} {ours:>8.0f} "
        f"{percentile(lat, 50):>8.1f} {percentile(lat, 99):>8.1f}"
    )
    print(f"OpenCX / floor throughput: {ours / raw:.2f}")
    total = server_cpu + pg_cpu + gen
    print(
        f"CPU per response: server {server_cpu / n * 1000:.3f} ms, PostgreSQL backends "
        f"{pg_cpu / n * 1000:.3f} ms, load generator {gen / n * 1000:.3f} ms "
        f"({gen / total:.0%} of the three); {total / took:.2f} of {os.cpu_count()} cores busy; "
        f"access log {log_lines / n:.0f} bytes per response"
    )
    # keep-alive connections stay with the worker that accepted them: an uneven split leaves
    # one worker's core idle while the other's GIL is the limit
    shares = ", ".join(f"{c / took:.2f}" for c in per_process if c > 0.01 * took)
    print(f"cores used by each server process during the run: {shares}")


if __name__ == "__main__":
    main()
