"""The ``run`` loop: batch after batch until stopped, totals over all batches."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.outbox import enqueue, run
from opencx.outbox.domain import OutboxMessage


class StopAfter:
    def __init__(self, n: int, stop: threading.Event) -> None:
        self.n, self.stop, self.sent = n, stop, 0

    def send(self, message: OutboxMessage) -> None:
        self.sent += 1
        if self.sent == self.n:
            self.stop.set()

    def close(self) -> None:
        pass


def test_run_drains_batches_and_stops_mid_batch_on_request(
    sqlite_engine: Engine, clock: FixedClock
) -> None:
    with sqlite_engine.begin() as conn:
        for i in range(12):
            enqueue(
                conn,
                kind="sms",
                dedupe_key=f"s:{i}",
                payload={"to": "+1", "text": "x"},
                now=clock.now(),
            )
    stop = threading.Event()
    transport = StopAfter(7, stop)
    total = run(
        sqlite_engine,
        {"sms": transport},
        clock=clock,
        batch=5,
        poll=0.01,
        stop=stop,
        handle_signals=False,
    )
    # batches of 5: the first is sent whole; the second stops after its 2nd message
    assert (total.claimed, total.sent, total.released) == (10, 7, 3)
    assert transport.sent == 7
