"""Periodic jobs: slices declare them as values, the worker runs each tick once per cluster.

See docs/jobs.md for how a slice declares a job and how runs are claimed, retried and shown.
"""

from opencx.jobs.domain import Job, RunContext, RunStatus, Trigger, cron, every
from opencx.jobs.service import JobRun, JobState, Outcome, Scheduler, queue_once

__all__ = [
    "Job",
    "JobRun",
    "JobState",
    "Outcome",
    "RunContext",
    "RunStatus",
    "Scheduler",
    "Trigger",
    "cron",
    "every",
    "queue_once",
]
