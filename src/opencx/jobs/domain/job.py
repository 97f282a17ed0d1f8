"""A periodic job as a value, the life of one run, and the retry rule. Pure: no I/O, no clock.

A slice declares its jobs in its ``jobs.py`` edge (see docs/jobs.md)::

    Job(
        name="metrics.alerts",
        schedule=cron("0 7 * * *"),
        run=lambda ctx: service.check_alerts(),
        time_limit=timedelta(minutes=10),
    )

The composition root collects every slice's jobs; the worker runs them. A run is identified by
the job's name and the tick it belongs to (``scheduled_for``), unique in the store, so however
many workers see the tick, one run exists and one worker claims it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from opencx.core.errors import InvalidInput
from opencx.jobs.domain.schedule import Schedule

_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_-]*)+$")
MAX_SUMMARY = 2000


class RunStatus(StrEnum):
    """pending → running → succeeded, or → failed → running … → dead; superseded when a newer
    tick of the same job arrives before a waiting retry was tried."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the last attempt failed; tried again at ``due_at``
    DEAD = "dead"  # attempts exhausted
    SUPERSEDED = "superseded"


class Trigger(StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"  # an operator's "run now"
    REQUEST = "request"  # an API call or a page submitted work with parameters (202 + job id)


Progress = Callable[[str, float | None], None]
"""``progress(stage, fraction)``: what a run is doing now, recorded on its row for pollers."""


def _no_progress(stage: str, fraction: float | None = None) -> None:
    return None


@dataclass(frozen=True, slots=True)
class RunContext:
    """What a job's callable receives: which tick this is, the attempt, and when to give up.

    A long job should check ``deadline`` between units of work; a job is always idempotent for
    its tick (a worker killed mid-run means the run is tried again).
    """

    job: str
    scheduled_for: datetime
    attempt: int
    deadline: datetime
    trigger: Trigger = Trigger.SCHEDULE
    params: Mapping[str, Any] = field(default_factory=dict)  # what a request asked for
    progress: Progress = _no_progress  # report a stage (and a fraction 0..1 when known)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delay before retry ``n`` (after ``n`` failed attempts): ``min(cap, base * 2**(n-1))``."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)

    def delay(self, attempts: int) -> timedelta:
        exponent = min(max(attempts, 1) - 1, 30)
        return min(self.cap, self.base * (2**exponent))


@dataclass(frozen=True, slots=True)
class Job:
    """A periodic job, or work run on request outside the request that asked for it.

    Parameters
    ----------
    name
        ``<slice>.<what>`` in lower case, unique: ``"loyalty.expire_points"``.
    schedule
        :func:`~opencx.jobs.domain.schedule.every` or :func:`~opencx.jobs.domain.schedule.cron`;
        ``None`` for a job that runs only when submitted (``Scheduler.submit``) with parameters,
        such as a model fit asked for through the API (202 and a job id).
    run
        Called with a :class:`RunContext`; returns anything (its ``str`` is recorded as the
        run's result, e.g. ``"3 alerts"``) or raises (the attempt failed).
    time_limit
        How long one attempt may take; past it the attempt counts as failed and its lease lapses.
    max_attempts
        Attempts per run before it is dead (retries wait :class:`Backoff` in between).
    description
        One line for ``opencx jobs list`` and the page.
    """

    name: str
    schedule: Schedule | None
    run: Callable[[RunContext], object]
    time_limit: timedelta = timedelta(minutes=5)
    max_attempts: int = 3
    description: str = ""
    backoff: Backoff = Backoff()

    @property
    def on_request(self) -> bool:
        """Runs only when submitted (no schedule)."""
        return self.schedule is None

    @property
    def schedule_text(self) -> str:
        return "on request" if self.schedule is None else str(self.schedule)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name) or len(self.name) > 100:
            raise InvalidInput(
                f"job name {self.name!r}: expected '<slice>.<what>' in lower case, "
                "e.g. 'loyalty.expire_points'"
            )
        if self.time_limit <= timedelta(0):
            raise InvalidInput(f"job {self.name}: time_limit must be positive")
        if self.max_attempts < 1:
            raise InvalidInput(f"job {self.name}: max_attempts must be at least 1")


def check_unique(jobs: Iterable[Job]) -> dict[str, Job]:
    """Index ``jobs`` by name; two jobs with one name is a wiring mistake, named here."""
    found: dict[str, Job] = {}
    for job in jobs:
        if job.name in found:
            raise InvalidInput(f"job {job.name!r} is declared twice")
        found[job.name] = job
    return found


def after_failure(
    job: Job, attempts: int, failed_at: datetime, *, retry: bool = True
) -> tuple[RunStatus, datetime]:
    """Status and next due time after attempt number ``attempts`` failed at ``failed_at``;
    ``retry=False`` (bad input: trying again cannot help) makes the run dead at once."""
    if attempts >= job.max_attempts or not retry:
        return RunStatus.DEAD, failed_at
    return RunStatus.FAILED, failed_at + job.backoff.delay(attempts)


def summary(value: object) -> str | None:
    """What a job returned, as the one-line result recorded for its run."""
    if value is None:
        return None
    return " ".join(str(value).split())[:MAX_SUMMARY]
