"""The job queue as a FastAPI dependency: routes submit heavy work to it and read its status."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from opencx.jobs.service import Scheduler


def job_queue(request: Request) -> Scheduler:
    """The application's scheduler of jobs run on request (built by ``opencx.app``)."""
    queue = request.app.state.job_queue
    if not isinstance(queue, Scheduler):  # pragma: no cover - a wiring mistake
        raise TypeError("app.state.job_queue is not a Scheduler")
    return queue


JobQueueDep = Annotated[Scheduler, Depends(job_queue)]
"""Where a route hands heavy work (``submit``) and where its status URL reads it (``status``)."""
