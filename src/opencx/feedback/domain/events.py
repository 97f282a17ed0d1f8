"""Events the feedback slice publishes (subscribed in ``opencx.app.wire_events``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from opencx.core.events import DomainEvent

FOLLOW_UP_TASK = "feedback.follow_up"
"""The outbox task a complete answer matching a loop rule queues; the worker runs it
(``FeedbackService.on_follow_up_task``), which opens the follow-up and publishes
:class:`FollowUpRequested`."""

WEBHOOK_TASK = "feedback.webhook"
"""The outbox task that POSTs one response event to one webhook subscription, signed with its
secret (``opencx.feedback.jobs``)."""


@dataclass(frozen=True, slots=True)
class ResponseRecorded(DomainEvent):
    """A response was created or grew (``completed`` once every visible required answer is in)."""

    response_id: str
    survey_key: str
    customer_id: str | None
    completed: bool
    created: bool


@dataclass(frozen=True, slots=True)
class FollowUpRequested(DomainEvent):
    """An answer needs a person: the helpdesk opens a case with this owner and due time."""

    followup_id: str
    response_id: str
    customer_id: str | None
    survey_key: str
    rule: str
    reason: str
    score: int | None
    comment: str | None
    due_at: datetime
    owner: str | None
