"""``POST /api/events``: one customer, order or interaction from a live system.

Validated like a file import (same fields, parsing and rules), written idempotently on
(source, external id), and published with ``live=True`` so live reactions run.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from opencx.ingest.service import ImportReport, IngestService
from opencx.web.auth import Principal, require_scope

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
                {"type": "interaction", "source": "web",
                 "data": {"external_id": "ev-1", "customer": "c-42", "channel": "web",
                          "kind": "page_view", "occurred_at": "2026-11-23T10:00:00Z",
                          "properties": {"path": "/checkout"}}},
                {"type": "order", "source": "shop",
                 "data": {"order_id": "o-9", "customer": "c-42", "currency": "EUR",
                          "placed_at": "2026-11-23T10:05:00+01:00",
                          "lines": [{"sku": "MUG", "quantity": 2, "unit_price": "7.50"}]}},
            ]
        }
    }  # fmt: skip


class EventOut(BaseModel):
    type: str
    kind: str
    source: str
    rows: int
    counts: dict[str, int]

    @classmethod
    def from_report(cls, event_type: str, report: ImportReport) -> EventOut:
        return cls(type=event_type, kind=report.kind, source=report.source,
                   rows=report.rows_loaded, counts=report.counts)  # fmt: skip


def _service(request: Request) -> IngestService:
    service: IngestService = request.app.state.services.ingest
    return service


@router.post("/events", status_code=201, response_model=EventOut)
def post_event(
    body: EventIn,
    service: Annotated[IngestService, Depends(_service)],
    principal: Annotated[Principal, Depends(require_scope("events:write"))],
) -> EventOut:
    """Write one event; 422 names each field and rule broken, and nothing is written."""
    report = service.ingest_event(
        body.type, body.data, source=body.source,
        create_missing_customers=body.create_missing_customers,
    )  # fmt: skip
    return EventOut.from_report(body.type, report)
