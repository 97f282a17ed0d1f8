"""Two servers and two workers on PostgreSQL; one of each is killed under traffic; nothing lost.

The processes are the real commands (``opencx serve``, ``opencx worker``). A client posts
customer events alternately to the two servers and, like a load balancer, retries a request on
the other server when its connection fails. Emails are queued in the outbox while the workers
deliver them to a slow SMTP server. Then one server and one worker get SIGKILL mid-stream. In the
end every accepted event is stored once, every email arrived (the one in flight when its worker
died may arrive twice, with the same Message-ID), and the periodic job ran once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.core import SystemClock
from opencx.db.schema import customers, outbox
from opencx.jobs.store import job_runs
from opencx.outbox import enqueue
from opencx.outbox.domain import email_message_id
from tests.outbox.conftest import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
SENDER = "OpenCX <noreply@shop.example>"
EVENTS, EMAILS = 60, 40


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_killing_a_server_and_a_worker_loses_nothing(
    pg_clean: Engine,
    pg_database_url: str,
    smtp_server: Any,
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
) -> None:
    key = AccessService(pg_clean, SystemClock()).create_api_key("load", ["events:write"]).secret
    env = {
        **os.environ,
        "OPENCX_DATABASE_URL": pg_database_url,
        "OPENCX_SECRET_KEY": "k" * 40,
        "OPENCX_SMTP_HOST": "127.0.0.1",
        "OPENCX_SMTP_PORT": str(smtp_server.port),
        "OPENCX_SMTP_SENDER": SENDER,
        "OPENCX_LOG_FORMAT": "text",
    }
    cli = [sys.executable, "-c", "from opencx.cli import main; main()"]
    ports = [free_port(), free_port()]

    def start(name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            [*cli, *args], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        processes.append(proc)
        return proc

    servers = [start(f"server{i}", "serve", "--port", str(p)) for i, p in enumerate(ports)]
    workers = [
        start(
            f"worker{i}",
            "worker",
            "--poll",
            "0.1",
            "--lease",
            "3",
            "--batch",
            "5",
            "--job-poll",
            "0.2",
        )
        for i in range(2)
    ]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    wait_for(lambda: all(_answers(b + "/readyz") for b in bases), "both servers ready")

    smtp_server.inbox.delay = 0.05  # deliveries are in flight when the worker dies
    now = datetime.now(UTC)
    with pg_clean.begin() as conn:
        ids = [
            enqueue(
                conn,
                kind="email",
                dedupe_key=f"receipt:{i}",
                now=now,
                payload={"to": f"k{i}@example.dk", "subject": f"Kvittering {i}", "text": "Tak"},
            )
            for i in range(EMAILS)
        ]

    headers = {"Authorization": f"Bearer {key}"}
    accepted: list[str] = []
    alive = [0, 1]
    for n in range(EVENTS):
        if n == EVENTS // 3:  # mid-stream: kill one server and one worker
            wait_for(lambda: len(smtp_server.inbox.messages) >= 5, "some deliveries")
            servers[0].send_signal(signal.SIGKILL)
            workers[0].send_signal(signal.SIGKILL)
        body = {
            "type": "customer",
            "source": "shop",
            "data": {"external_id": f"c-{n}", "name": f"Kunde {n}"},
        }
        for attempt in range(4):  # the load balancer's retry on the other server
            base = bases[alive[(n + attempt) % len(alive)]]
            try:
                answer = httpx.post(base + "/api/events", json=body, headers=headers, timeout=30)
            except httpx.TransportError:
                alive = [1]
                continue
            assert answer.status_code == 201, answer.text
            accepted.append(f"c-{n}")
            break
    assert servers[0].wait(timeout=30) == -signal.SIGKILL
    assert workers[0].wait(timeout=30) == -signal.SIGKILL

    def all_sent() -> bool:
        with pg_clean.connect() as conn:
            statuses = conn.execute(sa.select(outbox.c.status)).scalars().all()
        return set(statuses) == {"sent"}

    wait_for(all_sent, "the surviving worker to deliver every email (after the lease)")
    with pg_clean.connect() as conn:
        stored = conn.execute(sa.select(customers.c.external_id)).scalars().all()
        runs = conn.execute(sa.select(job_runs.c.job, job_runs.c.status)).all()
        alerts = (
            conn.execute(sa.select(job_runs.c.attempts).where(job_runs.c.job == "metrics.alerts"))
            .scalars()
            .all()
        )
    assert len(accepted) == EVENTS
    assert sorted(stored) == sorted(accepted)  # every accepted event, once
    received = Counter(smtp_server.inbox.message_ids())
    assert set(received) == {email_message_id(i, SENDER) for i in ids}  # nothing lost
    assert sum(received.values()) - len(received) <= 1  # at most the one in flight, twice
    assert alerts == [1]  # the daily job ran once for its tick, with two workers competing
    assert {status for _, status in runs} <= {"succeeded", "superseded", "running", "pending"}

    servers[1].send_signal(signal.SIGTERM)
    workers[1].send_signal(signal.SIGTERM)
    assert workers[1].wait(timeout=60) == 0, (tmp_path / "worker1.log").read_text()
    assert servers[1].wait(timeout=60) in (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM
    assert "Finished server process" in (tmp_path / "server1.log").read_text()
