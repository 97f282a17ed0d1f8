"""HTTP API of the helpdesk's cases: open and work them, read them with their timeline and SLA
timers, merge and split them, download their attachments (scopes: :mod:`.roles`)."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from opencx.core import InvalidInput
from opencx.helpdesk.api.roles import Reader, Writer, actor_of
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.domain.cases import Attachment, Case, CaseEvent
from opencx.helpdesk.domain.sla import Timer
from opencx.helpdesk.service import CaseView, OpenCase

router = APIRouter(prefix="/api/helpdesk", tags=["helpdesk"])


class AttachmentIn(BaseModel):
    name: str
    content_type: str = "application/octet-stream"
    data_base64: str

    def to_domain(self) -> Attachment:
        try:
            data = base64.b64decode(self.data_base64, validate=True)
        except ValueError:  # binascii.Error too: not base64, or not even ASCII
            raise InvalidInput(f"attachment {self.name!r}: data_base64 is not base64") from None
        return Attachment(self.name, self.content_type, data)


class OpenCaseIn(BaseModel):
    channel: str = "api"
    subject: str = Field(max_length=500)
    body: str
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    customer_id: str | None = None
    priority: str = "normal"
    category: str | None = None
    queue: str | None = None
    language: str | None = None
    attachments: list[AttachmentIn] = []
    source: str = "api"
    external_id: str | None = None

    def to_command(self, actor: str | None) -> OpenCase:
        data = self.model_dump(exclude={"attachments"})
        files = tuple(a.to_domain() for a in self.attachments)
        return OpenCase(**data, actor=actor, attachments=files)


class CaseOut(BaseModel):
    id: str
    source: str
    external_id: str
    customer_id: str | None
    channel: str
    queue: str | None
    category: str | None
    priority: str
    status: str
    subject: str | None
    opened_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    assignee: str | None
    sla_policy: str | None

    @classmethod
    def from_domain(cls, case: Case) -> CaseOut:
        return cls(**{k: getattr(case, k) for k in cls.model_fields})


class EventOut(BaseModel):
    id: str
    at: datetime
    kind: str
    actor: str | None
    body: str | None
    properties: dict[str, Any]

    @classmethod
    def from_domain(cls, e: CaseEvent) -> EventOut:
        return cls(
            id=e.id, at=e.at, kind=e.kind, actor=e.actor, body=e.body, properties=dict(e.properties)
        )


class TimerOut(BaseModel):
    target: str
    state: str
    started_at: datetime
    stopped_at: datetime | None
    goal_s: float
    business_s: float
    wall_s: float
    due_at: datetime | None

    @classmethod
    def from_domain(cls, t: Timer) -> TimerOut:
        return cls(
            target=str(t.target),
            state=str(t.state),
            started_at=t.started_at,
            stopped_at=t.stopped_at,
            goal_s=t.goal.total_seconds(),
            business_s=t.business.total_seconds(),
            wall_s=t.wall.total_seconds(),
            due_at=t.due_at,
        )


class CaseDetailOut(CaseOut):
    merged_into: str | None
    first_response_wall_s: float | None
    first_response_business_s: float | None
    resolution_wall_s: float | None
    resolution_business_s: float | None
    events: list[EventOut]
    sla: list[TimerOut]
    attachments: list[dict[str, Any]]

    @classmethod
    def from_view(cls, v: CaseView) -> CaseDetailOut:
        base = CaseOut.from_domain(v.case).model_dump()
        return cls(
            **base,
            merged_into=v.merged_into,
            first_response_wall_s=v.first_response_s[0],
            first_response_business_s=v.first_response_s[1],
            resolution_wall_s=v.resolution_s[0],
            resolution_business_s=v.resolution_s[1],
            events=[EventOut.from_domain(e) for e in v.events],
            sla=[TimerOut.from_domain(t) for t in (v.sla.timers if v.sla else ())],
            attachments=[
                {"id": a.id, "event_id": a.event_id, "name": a.name, "size": a.size}
                for a in v.attachments
            ],
        )


class MessageIn(BaseModel):
    body: str


class ReplyIn(BaseModel):
    body: str | None = None
    canned: str | None = None
    status: str | None = None
    attachments: list[AttachmentIn] = []


class StatusIn(BaseModel):
    status: str


class AssignIn(BaseModel):
    agent: str | None


class FieldsIn(BaseModel):
    priority: str | None = None
    category: str | None = None
    queue: str | None = None


class MergeIn(BaseModel):
    merge: str  # the case merged into this one


class SplitIn(BaseModel):
    event_ids: list[str]


@router.post("/cases", status_code=201)
def open_case(body: OpenCaseIn, request: Request, service: Service, who: Writer) -> CaseOut:
    return CaseOut.from_domain(service.open_case(body.to_command(actor_of(request, who))))


@router.get("/cases")
def list_cases(
    service: Service,
    who: Reader,
    queue: str | None = None,
    status: str | None = None,
    assignee: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CaseOut]:
    statuses = tuple(status.split(",")) if status else ()
    found = service.cases(queue=queue, statuses=statuses, assignee=assignee, limit=limit)
    return [CaseOut.from_domain(c) for c in found]


@router.get("/cases/{case_id}")
def get_case(case_id: str, service: Service, who: Reader) -> CaseDetailOut:
    return CaseDetailOut.from_view(service.case(case_id))


@router.post("/cases/{case_id}/messages", status_code=201)
def customer_message(case_id: str, body: MessageIn, service: Service, who: Writer) -> CaseOut:
    """A message from the customer (e.g. relayed by another system)."""
    return CaseOut.from_domain(service.customer_message(case_id, body.body))


@router.post("/cases/{case_id}/replies", status_code=201)
def reply(case_id: str, body: ReplyIn, request: Request, service: Service, who: Writer) -> EventOut:
    files = tuple(a.to_domain() for a in body.attachments)
    event = service.reply(
        case_id,
        actor_of(request, who),
        body=body.body,
        canned=body.canned,
        status=body.status,
        attachments=files,
    )
    return EventOut.from_domain(event)


@router.post("/cases/{case_id}/notes", status_code=201)
def note(
    case_id: str, body: MessageIn, request: Request, service: Service, who: Writer
) -> EventOut:
    return EventOut.from_domain(service.add_note(case_id, actor_of(request, who), body.body))


@router.post("/cases/{case_id}/status")
def status(
    case_id: str, body: StatusIn, request: Request, service: Service, who: Writer
) -> CaseOut:
    return CaseOut.from_domain(service.set_status(case_id, body.status, actor_of(request, who)))


@router.post("/cases/{case_id}/assignee")
def assign(
    case_id: str, body: AssignIn, request: Request, service: Service, who: Writer
) -> CaseOut:
    return CaseOut.from_domain(service.assign(case_id, body.agent, actor_of(request, who)))


@router.patch("/cases/{case_id}")
def update(
    case_id: str, body: FieldsIn, request: Request, service: Service, who: Writer
) -> CaseOut:
    changed = service.update(case_id, actor_of(request, who), **body.model_dump())
    return CaseOut.from_domain(changed)


@router.post("/cases/{case_id}/merge")
def merge(case_id: str, body: MergeIn, request: Request, service: Service, who: Writer) -> CaseOut:
    return CaseOut.from_domain(service.merge(case_id, body.merge, actor_of(request, who)))


@router.post("/cases/{case_id}/split", status_code=201)
def split(case_id: str, body: SplitIn, request: Request, service: Service, who: Writer) -> CaseOut:
    return CaseOut.from_domain(service.split(case_id, body.event_ids, actor_of(request, who)))


@router.get("/attachments/{attachment_id}")
def attachment(attachment_id: str, service: Service, who: Reader) -> Response:
    row = service.attachment(attachment_id)
    safe = re.sub(r"[^A-Za-z0-9._ -]", "_", row.name)
    headers = {"Content-Disposition": f'attachment; filename="{safe}"'}
    return Response(row.data, media_type="application/octet-stream", headers=headers)
