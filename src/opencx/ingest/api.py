"""``POST /api/events``: one customer, order or interaction from a live system.

Validated like a file import (same fields, parsing and rules), written idempotently on
(source, external id), and published with ``live=True`` so live reactions run.

``POST /api/imports``: a file and its mapping, imported as a job outside the request (202 and
the job); ``GET /api/imports/{id}`` its status, progress, counts and problems, and
``GET /api/imports/{id}/rejects.csv`` the rows it put aside.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from opencx.core.errors import NotFound
from opencx.ingest.deps import IngestServiceDep
from opencx.ingest.service import ImportReport
from opencx.ingest.service.uploads import (
    IMPORT_JOB,
    REJECTS,
    folder_of,
    queue_upload,
    uploads_root,
)
from opencx.jobs.api import ACCEPTED_RESPONSES, JobOut, accepted, polled
from opencx.jobs.deps import JobQueueDep
from opencx.web.auth import Principal, require_scope
from opencx.web.exact_json import ExactJsonRoute
from opencx.web.idempotency import IdempotencyDep

router = APIRouter(prefix="/api", tags=["ingest"], route_class=ExactJsonRoute)
"""JSON numbers are read exactly (:mod:`opencx.web.exact_json`): an event's amount is the
Decimal it spells, held to the import's rules as a file's text is."""


class EventIn(BaseModel):
    """An event: ``data`` holds the canonical fields of the kind (see docs/import.md)."""

    type: Literal["customer", "order", "interaction"]
    source: str = Field("api", max_length=100)
    data: dict[str, Any]
    create_missing_customers: bool = False

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "type": "interaction",
                    "source": "web",
                    "data": {
                        "external_id": "ev-1",
                        "customer": "c-42",
                        "channel": "web",
                        "kind": "page_view",
                        "occurred_at": "2026-11-23T10:00:00Z",
                        "properties": {"path": "/checkout"},
                    },
                },
                {
                    "type": "order",
                    "source": "shop",
                    "data": {
                        "order_id": "o-9",
                        "customer": "c-42",
                        "currency": "EUR",
                        "placed_at": "2026-11-23T10:05:00+01:00",
                        "lines": [{"sku": "MUG", "quantity": 2, "unit_price": "7.50"}],
                    },
                },
            ]
        }
    }


class EventOut(BaseModel):
    type: str
    kind: str
    source: str
    rows: int
    counts: dict[str, int]

    @classmethod
    def from_report(cls, event_type: str, report: ImportReport) -> EventOut:
        return cls(
            type=event_type,
            kind=report.kind,
            source=report.source,
            rows=report.rows_loaded,
            counts=report.counts,
        )


@router.post("/events", status_code=201, response_model=EventOut)
def post_event(
    body: EventIn,
    principal: Annotated[Principal, Depends(require_scope("events:write"))],
    service: IngestServiceDep,
    idem: IdempotencyDep,
) -> Response:
    """Write one event; 422 names each field and rule broken, and nothing is written.

    Writes are upserts on (source, external id): the same event posted twice, even at the same
    moment, is stored once. With an ``Idempotency-Key`` header the answer is kept too: a retry
    gets the first answer (``Idempotent-Replayed: true``), the same key with another body 422.
    """

    def write() -> dict[str, Any]:
        report = service.ingest_event(
            body.type,
            body.data,
            source=body.source,
            create_missing_customers=body.create_missing_customers,
        )
        return EventOut.from_report(body.type, report).model_dump(mode="json")

    return idem.respond(principal, write, 201)


Importer = Annotated[Principal, Depends(require_scope("imports:write"))]


class ImportJobOut(JobOut):
    """An import run as a job: poll ``status_url`` until ``done``; ``output`` then holds the
    import's ``status`` (loaded, loaded_with_rejects, failed), its row counts, the first
    ``problems`` (file, line, column, rule) and ``rejects_url`` when rows were put aside."""

    rejects_url: str | None = None


def import_job(queue: JobQueueDep, job_id: str) -> ImportJobOut:
    """The import job ``job_id`` as the API shows it (NotFound for any other job)."""
    run = queue.status(job_id, prefix=IMPORT_JOB)
    base = JobOut.from_domain(run, f"/api/imports/{job_id}")
    rejects = f"/api/imports/{job_id}/rejects.csv" if run.output.get("rejects") else None
    return ImportJobOut(**base.model_dump(), rejects_url=rejects)


@router.post("/imports", status_code=202, responses=ACCEPTED_RESPONSES)
def post_import(
    service: IngestServiceDep,
    queue: JobQueueDep,
    _: Importer,
    kind: Annotated[str, Form(description="what the file holds: customers, orders, ...")],
    file: Annotated[UploadFile, File(description="CSV, TSV, Parquet, JSON Lines or Excel")],
    mapping: Annotated[str, Form(description="a bundled mapping's name")] = "",
    columns: Annotated[str, Form(description="FIELD=Column lines over the mapping")] = "",
    source: Annotated[str, Form(max_length=100)] = "",
    allow_rejects: Annotated[bool, Form()] = False,
    create_missing_customers: Annotated[bool, Form()] = False,
) -> JSONResponse:
    """Import a file as a job: 202 with the job and its status URL (``Location``). A wrong kind,
    mapping or column line is a 422 now; bad rows are the finished job's ``problems``."""
    job_id = queue_upload(
        queue.submit,
        service.imports_dir,
        file.filename,
        file.file,
        kind=kind,
        mapping=mapping,
        columns=columns,
        source=source,
        allow_rejects=allow_rejects,
        create_missing_customers=create_missing_customers,
        edge="api",
    )
    return accepted(import_job(queue, job_id))


@router.get("/imports/{job_id}", response_model=ImportJobOut)
def get_import(job_id: str, queue: JobQueueDep, _: Importer) -> JSONResponse:
    """An import job: status, stage (rows read so far), and once done its counts, problems and
    the link to its rejects."""
    return polled(import_job(queue, job_id))


@router.get(
    "/imports/{job_id}/rejects.csv",
    response_class=FileResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "the rows put aside"}},
)
def get_import_rejects(
    job_id: str, service: IngestServiceDep, queue: JobQueueDep, _: Importer
) -> FileResponse:
    """The rows the import put aside, each with its problem, to fix and send again."""
    run = queue.status(job_id, prefix=IMPORT_JOB)
    token = run.output.get("rejects")
    if not token:
        raise NotFound(f"import {job_id} put no rows aside")
    path = folder_of(uploads_root(service.imports_dir), str(token)) / REJECTS
    if not path.exists():
        raise NotFound(f"the reject file of import {job_id} is gone (the folder was cleared)")
    return FileResponse(path, media_type="text/csv", filename="rejects.csv")
