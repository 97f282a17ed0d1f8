"""HTTP API of the helpdesk: open and work cases, read them with their timeline and SLA timers.

Scopes: ``helpdesk:read`` to read cases, ``helpdesk:write`` to open and work them (agents hold
both); scorecards, incidents, catalog items and approvals need ``helpdesk:admin``. The acting
agent is the logged-in user's email, or ``api:<key name>`` for a key.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from opencx.access.domain import grants_scope
from opencx.core import InvalidInput
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.domain.cases import Attachment, Case, CaseEvent
from opencx.helpdesk.domain.limits import LinkExpired, TooManyRequests
from opencx.helpdesk.domain.sla import Timer
from opencx.helpdesk.service import CaseView, OpenCase
from opencx.web import Principal, require_scope
from opencx.web.auth import access_service, client_ip

router = APIRouter(prefix="/api/helpdesk", tags=["helpdesk"])

Reader = Annotated[Principal, Depends(require_scope("helpdesk:read"))]
Writer = Annotated[Principal, Depends(require_scope("helpdesk:write"))]
# what changes the desk for everyone or grants value: scorecards, incidents, catalog, approvals
Admin = Annotated[Principal, Depends(require_scope("helpdesk:admin"))]


def actor_of(request: Request, principal: Principal) -> str:
    if principal.kind == "user":
        user = access_service(request).get_user(principal.id)
        if user is not None:
            return user.email
    return f"api:{principal.name}"


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


# --- agent quality -------------------------------------------------------------------------
class ReviewIn(BaseModel):
    scorecard: str
    answers: dict[str, int | None]
    comment: str | None = None


@router.put("/qa/scorecards", status_code=200)
def save_scorecard(body: dict[str, Any], service: Service, who: Admin) -> dict[str, Any]:
    """Create or replace a scorecard: ``{key, name, sections: [{name, questions: [{key, text,
    weight, max_points, critical}]}]}``."""
    card = service.save_scorecard(body)
    return {"key": card.key, "questions": len(card.questions)}


@router.post("/cases/{case_id}/reviews", status_code=201)
def review(
    case_id: str, body: ReviewIn, request: Request, service: Service, who: Writer
) -> dict[str, Any]:
    done = service.review(
        case_id, body.scorecard, actor_of(request, who), body.answers, body.comment
    )
    return {"id": done.id, "agent": done.agent, "reviewer": done.reviewer, "score": done.score}


@router.get("/cases/{case_id}/calibration")
def calibration(case_id: str, scorecard: str, service: Service, who: Reader) -> dict[str, Any]:
    c = service.calibration(case_id, scorecard)
    return {
        "reviews": c.reviews,
        "spread": c.spread,
        "stdev": c.stdev,
        "disagreements": list(c.disagreements),
    }


@router.get("/agents/{agent}/coaching")
def coaching(agent: str, scorecard: str, service: Service, who: Reader) -> dict[str, Any]:
    average, needs = service.coaching(agent, scorecard)
    return {
        "agent": agent,
        "average_score": average,
        "needs": [{"question": q, "share": s, "reviews": n} for q, s, n in needs],
    }


# --- proactive incidents -------------------------------------------------------------------
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


# --- self-service catalog ------------------------------------------------------------------
class RequestIn(BaseModel):
    email: str | None = Field(None, max_length=320)
    form: dict[str, Any]


class DecisionIn(BaseModel):
    approve: bool


def _run_out(run: Any) -> dict[str, Any]:
    return {"id": run.id, "item": run.item, "status": run.status, "case_id": run.case_id}


@router.put("/catalog/items")
def save_catalog_item(body: dict[str, Any], service: Service, who: Admin) -> dict[str, Any]:
    """Create or replace an item: ``{key, title, fields: [{name, label, required, kind,
    choices}], action: email|webhook, settings: {subject, template | url}, approvals, queue}``."""
    item = service.save_catalog_item(body)
    return {"key": item.key, "fields": len(item.fields), "approvals": item.approvals}


@router.post(
    "/catalog/items/{key}/requests",
    status_code=201,
    responses={
        202: {"description": "held: only a confirmation mail went to the address"},
        429: {"description": "too many confirmation mails from this client or to this address"},
    },
)
def submit_request(
    key: str, body: RequestIn, request: Request, response: Response, service: Service
) -> dict[str, Any]:
    """Public: a customer submits an item's form (the self-service portal calls this).

    Without credentials the request is **held** (202, ``status: unconfirmed``): only a mail with
    a signed confirmation link goes to ``email``, and the request runs when the link is
    followed (``POST /api/helpdesk/catalog/confirmations``). Confirmation mails are limited per
    client address and per recipient (429 with ``Retry-After``). A trusted system that vouches
    for the address sends an API key holding ``helpdesk:write``: the request runs at once (201).
    """
    if vouching_key(request) is not None:
        return _run_out(service.submit_request(key, body.email, body.form))
    try:
        held = service.hold_request(key, body.email, body.form, client_ip(request))
    except TooManyRequests as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.seconds)}) from None
    response.status_code = 202
    return {
        "id": held.id,
        "item": held.item,
        "status": "unconfirmed",
        "case_id": None,
        "expires_at": held.expires_at,
    }


def vouching_key(request: Request) -> str | None:
    """The name of the API key sent with the request, which must hold ``helpdesk:write``
    (None: no key sent, an anonymous visitor)."""
    auth = request.headers.get("authorization", "")
    token = auth[7:] if auth[:7].lower() == "bearer " else request.headers.get("x-api-key", "")
    if not token.strip():
        return None
    key = access_service(request).active_key(token.strip())
    if key is None:
        raise HTTPException(401, "API key unknown or revoked", {"WWW-Authenticate": "Bearer"})
    if not grants_scope(frozenset(key.scopes), "helpdesk:write"):
        raise HTTPException(403, "scope 'helpdesk:write' required to run a request unconfirmed")
    return key.name


class ConfirmIn(BaseModel):
    token: str = Field(max_length=200)


@router.post("/catalog/confirmations")
def confirm_request(body: ConfirmIn, service: Service) -> dict[str, Any]:
    """Public: the confirmation link's token makes a held request real (once; again gives the
    same request). An expired link is 410, a forged one 422."""
    try:
        return _run_out(service.confirm_request(body.token))
    except LinkExpired as exc:
        raise HTTPException(410, str(exc)) from None


@router.post("/catalog/requests/{run_id}/decision")
def decide_request(
    run_id: str, body: DecisionIn, request: Request, service: Service, who: Admin
) -> dict[str, Any]:
    return _run_out(service.decide_request(run_id, actor_of(request, who), yes=body.approve))


@router.get("/catalog/requests/{run_id}/audit")
def request_audit(run_id: str, service: Service, who: Reader) -> list[dict[str, Any]]:
    return [
        {"at": r.at, "actor": r.actor, "step": r.step, "detail": r.detail}
        for r in service.request_trail(run_id)
    ]
