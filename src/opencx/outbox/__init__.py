"""Transactional outbox: messages written with the change that causes them, delivered by a worker.

See docs/outbox.md for the delivery contract (at least once, with idempotency keys).
"""

from opencx.outbox.domain import DeliveryFailed, Kind, OutboxMessage, RetryPolicy, Status, Transport
from opencx.outbox.service import BatchResult, enqueue, queue, run, run_once

__all__ = [
    "BatchResult",
    "DeliveryFailed",
    "Kind",
    "OutboxMessage",
    "RetryPolicy",
    "Status",
    "Transport",
    "enqueue",
    "queue",
    "run",
    "run_once",
]
