"""HTTP API of proactive incidents: declare one and notify (and compensate) every affected
customer (``helpdesk:admin``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from opencx.helpdesk.api.roles import Admin, actor_of
from opencx.helpdesk.deps import HelpdeskServiceDep as Service

router = APIRouter(prefix="/api/helpdesk", tags=["helpdesk"])


class IncidentIn(BaseModel):
    title: str = Field(max_length=300)
    starts_at: datetime
    ends_at: datetime
    products: list[str] = []
    regions: list[str] = []
    message: str
    points: int = 0
    voucher_prefix: str | None = Field(None, max_length=40)


@router.post("/incidents", status_code=201)
def declare_incident(
    body: IncidentIn, request: Request, service: Service, who: Admin
) -> dict[str, str]:
    incident = service.declare_incident(
        **body.model_dump(exclude={"products", "regions"}),
        products=frozenset(body.products),
        regions=frozenset(p.upper() for p in body.regions),
        by=actor_of(request, who),
    )
    return {"id": incident.id}


@router.post("/incidents/{incident_id}/notify")
def notify_incident(
    incident_id: str, request: Request, service: Service, who: Admin
) -> dict[str, Any]:
    """Message and compensate every affected customer (once; a second call adds only new ones)."""
    done = service.notify_incident(incident_id, actor_of(request, who))
    return {
        "incident_id": done.incident_id,
        "affected": done.affected,
        "emailed": done.emailed,
        "already_notified": done.already,
    }
