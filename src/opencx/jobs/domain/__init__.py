"""The pure part of the scheduler: jobs, schedules, run states and the retry rule."""

from opencx.jobs.domain.job import (
    Backoff,
    Job,
    Progress,
    RunContext,
    RunStatus,
    Trigger,
    after_failure,
    check_unique,
    summary,
)
from opencx.jobs.domain.schedule import Cron, Every, Schedule, cron, every

__all__ = [
    "Backoff",
    "Cron",
    "Every",
    "Job",
    "Progress",
    "RunContext",
    "RunStatus",
    "Schedule",
    "Trigger",
    "after_failure",
    "check_unique",
    "cron",
    "every",
    "summary",
]
