"""``opencx worker``: one batch with --once; SIGTERM stops after the message in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.db.schema import outbox
from opencx.outbox import enqueue

SENDER = "OpenCX <noreply@shop.example>"


def enqueue_emails(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        for i in range(n):
            payload = {
                "to": f"k{i}@example.gr",
                "subject": f"Παραγγελία {i}",
                "text": "Ευχαριστούμε",
            }
            enqueue(conn, kind="email", dedupe_key=f"o:{i}", payload=payload, now=datetime.now(UTC))


def worker(sqlite_url: str, port: int, cwd: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "OPENCX_DATABASE_URL": sqlite_url,
        "OPENCX_SMTP_PORT": str(port),
        "OPENCX_SMTP_HOST": "127.0.0.1",
        "OPENCX_SMTP_SENDER": SENDER,
    }
    command = [sys.executable, "-c", "from opencx.cli import main; main()", "worker", *args]
    return subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def statuses(engine: Engine) -> Counter[tuple[str, int]]:
    with engine.connect() as conn:
        return Counter(conn.execute(sa.select(outbox.c.status, outbox.c.attempts)).all())


def test_once_delivers_one_batch_and_exits(
    sqlite_url: str, sqlite_engine: Engine, smtp_server: Any, tmp_path: Path
) -> None:
    enqueue_emails(sqlite_engine, 5)
    proc = worker(sqlite_url, smtp_server.port, tmp_path, "--once", "--batch", "3")
    out, _ = proc.communicate(timeout=300)  # imports the app first: slow on a loaded machine
    assert proc.returncode == 0, out
    assert "sent 3, failed 0, dead 0, given back 0 of 3 claimed" in out
    assert statuses(sqlite_engine) == Counter({("sent", 1): 3, ("pending", 0): 2})
    subjects = sorted(str(m["Subject"]) for m in smtp_server.inbox.messages)
    assert subjects == ["Παραγγελία 0", "Παραγγελία 1", "Παραγγελία 2"]


def test_sigterm_finishes_the_message_in_flight_and_gives_back_the_rest(
    sqlite_url: str, sqlite_engine: Engine, smtp_server: Any, tmp_path: Path
) -> None:
    enqueue_emails(sqlite_engine, 6)
    smtp_server.inbox.hold_at = 2
    proc = worker(sqlite_url, smtp_server.port, tmp_path, "--batch", "6", "--poll", "0.1")
    try:
        deadline = time.monotonic() + 120  # the subprocess imports the app first (slow when loaded)
        while len(smtp_server.inbox.messages) < 2:
            assert time.monotonic() < deadline and proc.poll() is None, "worker never got going"
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)  # while message 2 waits for the server's answer
        time.sleep(0.2)
        smtp_server.inbox.release.set()
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:  # a failed run must not leave a worker polling forever
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 0, out
    assert "sent 2, failed 0, dead 0, given back 4 of 6 claimed" in out
    assert statuses(sqlite_engine) == Counter({("sent", 1): 2, ("pending", 0): 4})
    assert len(smtp_server.inbox.messages) == 2
