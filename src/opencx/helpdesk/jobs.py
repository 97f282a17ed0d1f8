"""The helpdesk's periodic jobs: SLA warnings and breach escalations every minute; expired
unconfirmed self-service requests deleted every hour."""

from __future__ import annotations

from datetime import timedelta

from opencx.helpdesk.service import HelpdeskService
from opencx.jobs import Job, RunContext, cron


def jobs(service: HelpdeskService) -> list[Job]:
    """Declared for the composition root (``opencx.app``), which hands them to the worker."""

    def check_slas(_: RunContext) -> str:
        alerts = service.check_slas()
        warnings = sum(1 for a in alerts if a.kind == "warning")
        return f"{warnings} warning(s), {len(alerts) - warnings} breach(es) sent"

    def forget_unconfirmed(_: RunContext) -> str:
        held, buckets = service.forget_unconfirmed()
        return f"{held} expired unconfirmed request(s), {buckets} idle rate bucket(s) deleted"

    return [
        Job(
            name="helpdesk.unconfirmed",
            schedule=cron("17 * * * *"),
            run=forget_unconfirmed,
            time_limit=timedelta(minutes=5),
            description="Delete self-service requests never confirmed and idle rate limits",
        ),
        Job(
            name="helpdesk.sla",
            schedule=cron("* * * * *"),
            run=check_slas,
            time_limit=timedelta(minutes=5),
            description="SLA warnings to the assignee and breach escalations to the queue lead",
        ),
    ]
