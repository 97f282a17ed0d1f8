"""The ingest slice's jobs: an uploaded file imported outside the request that uploaded it (the
import page and ``POST /api/imports`` queue it, 202 and a job id), reporting rows read; the
planner statistics of the tables a large import wrote on PostgreSQL (queued by the import);
and the daily deletion of uploads older than a week."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from opencx.ingest.service import IngestService
from opencx.ingest.service.statistics import ANALYZE_JOB, analyze_job
from opencx.ingest.service.uploads import (
    IMPORT_JOB,
    KEEP_UPLOADS,
    PRUNE_JOB,
    import_upload,
    prune_uploads,
    uploads_root,
)
from opencx.jobs import Job, RunContext, cron


def jobs(service: IngestService) -> list[Job]:
    """Declared for the composition root (``opencx.app``); the page and the API submit the
    import, the scheduler runs the pruning."""

    def run(ctx: RunContext) -> dict[str, Any]:
        return import_upload(service, uploads_root(service.imports_dir), ctx.params, ctx.progress)

    def analyze(ctx: RunContext) -> str:
        return analyze_job(service.engine, [str(t) for t in ctx.params.get("tables", ())])

    def prune(ctx: RunContext) -> str:
        before = ctx.scheduled_for - KEEP_UPLOADS
        return f"{prune_uploads(uploads_root(service.imports_dir), before)} upload(s) deleted"

    return [
        Job(
            name=IMPORT_JOB,
            schedule=None,
            run=run,
            time_limit=timedelta(hours=2),
            max_attempts=1,  # an import is all or nothing; a failed one is said, not re-run
            description="import an uploaded file (submitted by the import page or the API)",
        ),
        Job(
            name=ANALYZE_JOB,
            schedule=None,
            run=analyze,
            time_limit=timedelta(minutes=15),
            description="ANALYZE the tables a large import wrote (queued by the import, "
            "on PostgreSQL)",
        ),
        Job(
            name=PRUNE_JOB,
            schedule=cron("30 3 * * *"),  # daily, at a quiet hour (UTC)
            run=prune,
            description="delete uploaded import files (and their rejects) older than a week",
        ),
    ]
