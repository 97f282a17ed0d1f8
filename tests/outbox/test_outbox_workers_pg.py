"""Several workers on PostgreSQL share the work: every message sent exactly once (SKIP LOCKED)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.db.schema import outbox
from opencx.outbox import enqueue, run_once
from opencx.outbox.domain import OutboxMessage

N, WORKERS, BATCH = 300, 3, 10


class CountingProvider:
    """A fake third-party SMS provider: counts what it is asked to send, per worker.

    The first send of each worker waits until every worker holds a claimed batch, so the
    claims are certain to overlap in time.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: Counter[str] = Counter()
        self.by_worker: Counter[str] = Counter()
        self.all_claimed = threading.Barrier(WORKERS, timeout=30)
        self.waited: set[str] = set()

    def send(self, message: OutboxMessage) -> None:
        worker = threading.current_thread().name
        if worker not in self.waited:
            self.waited.add(worker)
            self.all_claimed.wait()
        with self.lock:
            self.sent[message.id] += 1
            self.by_worker[worker] += 1

    def close(self) -> None:
        pass


def test_three_workers_send_each_message_exactly_once(pg_clean: Engine, clock: FixedClock) -> None:
    now: datetime = clock.now()
    with pg_clean.begin() as conn:
        ids = {
            enqueue(
                conn,
                kind="sms",
                dedupe_key=f"otp:{i}",
                payload={"to": f"+4520{i:06d}", "text": f"code {i}"},
                now=now,
            )
            for i in range(N)
        }
    provider = CountingProvider()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while run_once(pg_clean, {"sms": provider}, now, batch=BATCH).claimed:
                pass
        except BaseException as exc:  # surfaced below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=work, name=f"worker-{n}") for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert set(provider.sent) == ids
    assert set(provider.sent.values()) == {1}
    assert sorted(provider.by_worker) == [f"worker-{n}" for n in range(WORKERS)]
    with pg_clean.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.status, outbox.c.attempts)).all()
    assert Counter(rows) == Counter({("sent", 1): N})
