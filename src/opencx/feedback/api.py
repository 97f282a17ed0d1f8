"""HTTP API of the feedback slice: surveys, triggers, invitations, response import, the loop.

Scopes: ``feedback:read`` to read surveys, responses and follow-ups; ``feedback:write`` to create
and edit surveys and triggers, invite, import responses and close follow-ups;
``feedback:admin`` to manage webhook subscriptions. Answering a survey
needs no key: its signed link is the credential (see ``pages.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from opencx.core import NotFound, ensure_utc
from opencx.feedback.deps import FeedbackServiceDep as Service
from opencx.feedback.domain import Survey, Trigger, parse_definition, template, to_definition
from opencx.feedback.domain.webhooks import Subscription
from opencx.feedback.service import InviteResult, LoopStats, Recorded
from opencx.web import Principal, require_scope

router = APIRouter(prefix="/api/feedback", tags=["feedback"])

Reader = Annotated[Principal, Depends(require_scope("feedback:read"))]
Writer = Annotated[Principal, Depends(require_scope("feedback:write"))]


class SurveyIn(BaseModel):
    """Either ``template`` (nps, csat, ces, enps, custom) with key/name/languages, or a full
    definition (``questions`` etc., as returned by GET)."""

    key: str
    name: str = ""
    kind: str = "custom"
    template: str | None = None
    languages: list[str] = Field(default_factory=lambda: ["nl", "da", "el", "en"])
    default_language: str | None = None
    anonymous: bool | None = None
    questions: list[dict[str, Any]] | None = None
    texts: dict[str, Any] = Field(default_factory=dict)
    recontact: dict[str, int] = Field(default_factory=dict)

    def to_domain(self) -> Survey:
        if self.template is not None:
            return template(self.template, self.key, self.name or self.key, self.languages)
        raw = self.model_dump(exclude_none=True, exclude={"template"})
        raw.setdefault("questions", [])
        return parse_definition(raw)


class SurveyOut(BaseModel):
    id: str
    version: int
    definition: dict[str, Any]

    @classmethod
    def from_domain(cls, s: Survey) -> SurveyOut:
        return cls(id=s.id, version=s.version, definition=to_definition(s))


class InviteIn(BaseModel):
    customer_ids: list[str] = Field(min_length=1, max_length=10_000)
    channel: str = "email"
    at: datetime | None = None


class InvitedOut(BaseModel):
    customer_id: str
    invitation_id: str | None
    sent: bool
    reason: str
    url: str | None


class InviteOut(BaseModel):
    sent: int
    scheduled: int
    invitations: list[InvitedOut]

    @classmethod
    def from_domain(cls, r: InviteResult) -> InviteOut:
        rows = [
            InvitedOut(
                customer_id=i.customer_id,
                invitation_id=i.invitation_id,
                sent=i.decision.send,
                reason=i.decision.reason,
                url=i.url,
            )
            for i in [*r.invited, *r.skipped]
        ]
        return cls(sent=r.sent, scheduled=r.scheduled, invitations=rows)


class TriggerIn(BaseModel):
    event: str
    survey_key: str
    channel: str = "email"
    delay_hours: float = Field(default=0, ge=0, le=24 * 366)
    sample_pct: float = Field(default=100, ge=0, le=100)
    every_days: int | None = Field(default=None, ge=1, le=3660)


class TriggerOut(BaseModel):
    id: str
    event: str
    survey_key: str
    channel: str
    delay_hours: float
    sample_pct: float
    every_days: int | None
    active: bool

    @classmethod
    def from_domain(cls, t: Trigger) -> TriggerOut:
        return cls(
            id=t.id,
            event=t.event,
            survey_key=t.survey_key,
            channel=t.channel,
            delay_hours=t.delay / timedelta(hours=1),
            sample_pct=t.sample_pct,
            every_days=t.every_days,
            active=t.active,
        )


class ResponseIn(BaseModel):
    external_id: str = Field(min_length=1, max_length=200)
    survey: str
    customer_id: str | None = None
    submitted_at: datetime
    language: str | None = None
    completed: bool = True
    answers: dict[str, Any]


class ImportIn(BaseModel):
    source: str = Field(default="api", min_length=1, max_length=100)
    responses: list[ResponseIn] = Field(max_length=10_000)


class RecordedOut(BaseModel):
    response_id: str
    completed: bool
    changed: bool
    dropped: bool = False  # the response is an erased person's: dropped, never restored

    @classmethod
    def from_domain(cls, r: Recorded) -> RecordedOut:
        return cls(
            response_id=r.response_id, completed=r.completed, changed=r.changed, dropped=r.dropped
        )


class LoopOut(BaseModel):
    opened: int
    closed: int
    closure_rate: float
    median_hours_to_close: float

    @classmethod
    def from_domain(cls, s: LoopStats) -> LoopOut:
        return cls(
            opened=s.opened,
            closed=s.closed,
            closure_rate=s.rate,
            median_hours_to_close=s.median_hours,
        )


@router.get("/surveys", summary="Surveys (latest versions)")
def list_surveys(service: Service, _: Reader) -> list[dict[str, Any]]:
    return service.surveys()


@router.post("/surveys", summary="Create a survey from a template or a definition", status_code=201)
def create_survey(body: SurveyIn, service: Service, _: Writer) -> SurveyOut:
    return SurveyOut.from_domain(service.create_survey(body.to_domain()))


@router.get("/surveys/{key}", summary="The latest version of a survey")
def get_survey(key: str, service: Service, _: Reader) -> SurveyOut:
    return SurveyOut.from_domain(service.survey(key))


@router.put("/surveys/{key}", summary="Edit a survey: stores the next version")
def edit_survey(key: str, body: SurveyIn, service: Service, _: Writer) -> SurveyOut:
    return SurveyOut.from_domain(service.edit_survey(key, body.to_domain()))


@router.post("/surveys/{key}/invitations", summary="Invite customers (recontact rules apply)")
def invite(key: str, body: InviteIn, service: Service, _: Writer) -> InviteOut:
    at = ensure_utc(body.at) if body.at else None
    result = service.invite(key, body.customer_ids, channel=body.channel, at=at)
    return InviteOut.from_domain(result)


@router.get("/triggers", summary="Triggers")
def list_triggers(service: Service, _: Reader) -> list[TriggerOut]:
    return [TriggerOut.from_domain(t) for t in service.triggers()]


@router.post("/triggers", summary="Invite on an event or a schedule", status_code=201)
def add_trigger(body: TriggerIn, service: Service, _: Writer) -> TriggerOut:
    trigger = service.add_trigger(
        event=body.event,
        survey_key=body.survey_key,
        channel=body.channel,
        delay=timedelta(hours=body.delay_hours),
        sample_pct=body.sample_pct,
        every_days=body.every_days,
    )
    return TriggerOut.from_domain(trigger)


@router.post("/responses/import", summary="Import responses from another tool (idempotent)")
def import_responses(body: ImportIn, service: Service, _: Writer) -> list[RecordedOut]:
    items = [
        {
            "external_id": r.external_id,
            "survey_key": r.survey,
            "customer_id": r.customer_id,
            "values": r.answers,
            "submitted_at": ensure_utc(r.submitted_at),
            "language": r.language,
            "completed": r.completed,
        }
        for r in body.responses
    ]
    return [RecordedOut.from_domain(r) for r in service.import_responses(body.source, items)]


@router.get("/followups", summary="The closed-loop queue")
def followups(
    service: Service, _: Reader, open_only: bool = True, customer_id: str | None = None
) -> list[dict[str, Any]]:
    return service.followups(open_only=open_only, customer_id=customer_id)


@router.post("/followups/{followup_id}/close", summary="Close a follow-up")
def close_followup(followup_id: str, service: Service, _: Writer) -> dict[str, bool]:
    return {"closed": service.close_followup(followup_id)}


@router.get("/loop", summary="Loop-closure rate and time (last 90 days)")
def loop_stats(
    service: Service, _: Reader, days: Annotated[int, Query(ge=1, le=365)] = 90
) -> LoopOut:
    """Over the last ``days`` days: 1 to 365, the window the slice's trends take."""
    return LoopOut.from_domain(service.loop_stats(days))


@router.get("/skips", summary="Invitations not sent, and why")
def skips(service: Service, _: Reader, customer_id: str | None = None) -> list[dict[str, Any]]:
    return service.skips(customer_id)


# --- webhook subscriptions (admin) ---------------------------------------------------------

Admin = Annotated[Principal, Depends(require_scope("feedback:admin"))]


class WebhookIn(BaseModel):
    url: str
    events: list[str] = Field(default_factory=list, description="Empty: every event type.")
    secret: str | None = Field(default=None, description="Omit to have one generated.")


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    active: bool
    created_at: datetime
    secret: str | None = None  # only in the answer to its creation

    @classmethod
    def from_domain(cls, s: Subscription, secret: str | None = None) -> WebhookOut:
        return cls(
            id=s.id,
            url=s.url,
            events=list(s.events),
            active=s.active,
            created_at=s.created_at,
            secret=secret,
        )


@router.get("/webhooks", summary="Webhook subscriptions (secrets are not shown)")
def webhooks(service: Service, _: Admin) -> list[WebhookOut]:
    return [WebhookOut.from_domain(s) for s in service.webhooks()]


@router.post("/webhooks", status_code=201, summary="Subscribe a URL to response events")
def add_webhook(body: WebhookIn, service: Service, user: Admin) -> WebhookOut:
    sub, secret = service.add_webhook(body.url, body.events, secret=body.secret, by=user.name)
    return WebhookOut.from_domain(sub, secret)


@router.delete("/webhooks/{subscription_id}", summary="Remove a webhook subscription")
def remove_webhook(subscription_id: str, service: Service, _: Admin) -> dict[str, bool]:
    if not service.remove_webhook(subscription_id):
        raise NotFound(f"webhook subscription {subscription_id!r} not found")
    return {"removed": True}
