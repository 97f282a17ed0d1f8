"""How the API answers for work run outside the request: ``202 Accepted`` with the job, its
status URL (also in ``Location``) and a ``Retry-After`` hint; the status URL returns the same
document with the progress, and the result once done (RFC 9110 §15.3.3, the "asynchronous
request-reply" pattern). Each slice serves the status URL of its own jobs under its own scope.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from opencx.jobs.service import JobRun

POLL_SECONDS = 2

JobStatus = Literal["pending", "running", "succeeded", "failed", "dead", "superseded"]


class JobOut(BaseModel):
    """A job run on request: poll ``status_url`` until ``done``; ``output`` holds what it made
    (e.g. ``run_url``, the model run a fit saved), ``error`` why it failed."""

    id: str
    job: str
    status: JobStatus = Field(
        description="pending → running → succeeded; failed (to be retried) or dead (gave up)"
    )
    done: bool
    status_url: str
    submitted_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    stage: str | None = Field(description="what the job is doing now, e.g. 'fit and calibrate'")
    progress: float | None = Field(description="0 to 1 when known; 1 once succeeded")
    params: dict[str, Any]
    result: str | None
    output: dict[str, Any]
    error: str | None

    @classmethod
    def from_domain(cls, run: JobRun, status_url: str) -> JobOut:
        return cls(
            id=run.id,
            job=run.job,
            status=run.status.value,
            done=run.done,
            status_url=status_url,
            submitted_at=run.submitted_at,
            started_at=run.started_at,
            finished_at=run.finished_at,
            attempts=run.attempts,
            stage=run.stage,
            progress=run.progress,
            params=run.params,
            result=run.result,
            output=run.output,
            error=run.error,
        )


ACCEPTED_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {
        "model": JobOut,
        "description": "Accepted: the work runs as a job; poll its status URL (also `Location`)",
        "headers": {
            "Location": {"schema": {"type": "string"}, "description": "the job's status URL"},
            "Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"},
        },
    }
}


def accepted(job: JobOut) -> JSONResponse:
    """The 202 answer to a request whose work was queued as ``job``."""
    return JSONResponse(
        job.model_dump(mode="json"),
        status_code=202,
        headers={"Location": job.status_url, "Retry-After": str(POLL_SECONDS)},
    )


def polled(job: JobOut) -> JSONResponse:
    """The status URL's answer: 200 with the job; ``Retry-After`` while it is not done."""
    headers = {} if job.done else {"Retry-After": str(POLL_SECONDS)}
    return JSONResponse(job.model_dump(mode="json"), headers=headers)
