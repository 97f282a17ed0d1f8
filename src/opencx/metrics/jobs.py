"""The metrics slice's periodic jobs: the daily alerts check (was a cron line for
``opencx metrics alerts check``)."""

from __future__ import annotations

from datetime import timedelta

from opencx.jobs import Job, RunContext, cron
from opencx.metrics.service import MetricsService


def jobs(service: MetricsService) -> list[Job]:
    """Declared for the composition root (``opencx.app``), which hands them to the worker."""

    def check_alerts(_: RunContext) -> str:
        if not service.targets():
            return "no targets"
        sent = service.check_alerts()
        return f"{len(sent)} alert(s) queued" if sent else "no significant moves"

    return [
        Job(
            name="metrics.alerts",
            schedule=cron("0 6 * * *"),
            run=check_alerts,
            time_limit=timedelta(minutes=15),
            description="significant adverse moves on targeted metrics → email to the owner",
        )
    ]
