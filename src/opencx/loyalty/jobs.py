"""The loyalty slice's periodic jobs: expiring lapsed lots and evaluating tiers, nightly.

Both are idempotent (an expiry entry's key is ``expire:<lot>``; a tier change is written only
when the tier differs), so a retried or doubled run changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from opencx.jobs import Job, RunContext, cron
from opencx.loyalty.service import LoyaltyService


def jobs(service: LoyaltyService) -> list[Job]:
    """Declared for the composition root (``opencx.app``), which hands them to the worker."""

    def expire(_: RunContext) -> str:
        done = service.run_expiry()
        return f"{done['points']} points of {done['members']} member(s) expired"

    def tiers(_: RunContext) -> str:
        done = service.evaluate_tiers()
        return f"{done['evaluated']} evaluated, {done['up']} up, {done['down']} down"

    return [
        Job(
            name="loyalty.expiry",
            schedule=cron("15 2 * * *"),
            run=expire,
            time_limit=timedelta(minutes=30),
            description="points in lots past their expiry → expire entries (liability drops)",
        ),
        Job(
            name="loyalty.tiers",
            schedule=cron("45 2 * * *"),
            run=tiers,
            time_limit=timedelta(minutes=30),
            description="every member's tier from qualifying points, spend or orders",
        ),
    ]
