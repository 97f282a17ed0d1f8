"""The ingest slice's jobs: an uploaded file imported outside the request that uploaded it (the
import page and ``POST /api/imports`` queue it, 202 and a job id), reporting rows read; and the
daily deletion of uploads older than a week."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from opencx.ingest.service import IngestService
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
            name=PRUNE_JOB,
            schedule=cron("30 3 * * *"),  # daily, at a quiet hour (UTC)
            run=prune,
            description="delete uploaded import files (and their rejects) older than a week",
        ),
    ]
