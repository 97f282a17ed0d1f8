"""The ingest slice's job: an uploaded file imported outside the request that uploaded it (the
import page and ``POST /api/imports`` queue it, 202 and a job id), reporting rows read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from opencx.ingest.service import IngestService
from opencx.ingest.service.uploads import IMPORT_JOB, import_upload, uploads_root
from opencx.jobs import Job, RunContext


def jobs(service: IngestService) -> list[Job]:
    """Declared for the composition root (``opencx.app``); the page and the API submit it."""

    def run(ctx: RunContext) -> dict[str, Any]:
        return import_upload(service, uploads_root(service.imports_dir), ctx.params, ctx.progress)

    return [
        Job(
            name=IMPORT_JOB,
            schedule=None,
            run=run,
            time_limit=timedelta(hours=2),
            max_attempts=1,  # an import is all or nothing; a failed one is said, not re-run
            description="import an uploaded file (submitted by the import page or the API)",
        )
    ]
