"""``POST /api/events``: one customer, order or interaction from a live system.

Validated like a file import (same fields, parsing and rules), written idempotently on
(source, external id), and published with ``live=True`` so live reactions run.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field

from opencx.ingest.deps import IngestServiceDep
from opencx.ingest.service import ImportReport
from opencx.web.auth import Principal, require_scope
from opencx.web.idempotency import IdempotencyDep

router = APIRouter(prefix="/api", tags=["ingest"])


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
