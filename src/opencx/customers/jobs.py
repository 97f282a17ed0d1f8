"""The customers slice's job: after an erasure commits, scrub the store's files of the erased
values once (a VACUUM on PostgreSQL takes seconds to minutes: never inside the request)."""

from __future__ import annotations

from datetime import timedelta

from opencx.customers.service import SCRUB_JOB, CustomerService
from opencx.jobs import Job, RunContext


def jobs(service: CustomerService) -> list[Job]:
    """Declared for the composition root (``opencx.app``); an erasure queues it."""

    def scrub(_: RunContext) -> str:
        return service.scrub()

    return [
        Job(
            name=SCRUB_JOB,
            schedule=None,
            run=scrub,
            time_limit=timedelta(hours=1),
            description="scrub the store after erasures (SQLite WAL checkpoint, PostgreSQL VACUUM)",
        )
    ]
