"""Case states and transitions, priorities, channels, canned responses and attachment limits.

States: ``new`` (nobody answered yet), ``open``, ``pending_customer`` and ``pending_third_party``
(waiting on someone outside the team), ``resolved`` (answered; the customer may still reply) and
``closed`` (final). A customer reply moves a pending or resolved case back to ``open`` (reopen);
a reply to a closed case opens a new, linked case instead. A public agent reply to a new case
opens it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from opencx.core.errors import Conflict, InvalidInput


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING_CUSTOMER = "pending_customer"
    PENDING_THIRD_PARTY = "pending_third_party"
    RESOLVED = "resolved"
    CLOSED = "closed"


ACTIVE = frozenset({Status.NEW, Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY})
PENDING = frozenset({Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY})
PRIORITIES = ("low", "normal", "high", "urgent")
CHANNELS = ("email", "web", "chat", "phone", "api", "social", "sms", "catalog", "feedback")

_WORKING = frozenset({Status.OPEN, *PENDING, Status.RESOLVED, Status.CLOSED})
ALLOWED: Mapping[Status, frozenset[Status]] = {
    Status.NEW: _WORKING,
    Status.OPEN: _WORKING - {Status.OPEN},
    Status.PENDING_CUSTOMER: _WORKING - {Status.PENDING_CUSTOMER},
    Status.PENDING_THIRD_PARTY: _WORKING - {Status.PENDING_THIRD_PARTY},
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise InvalidInput(f"case status {value!r} is not one of: {known}") from None


def check_transition(case_id: str, current: str, target: str) -> Status:
    """``target`` as a :class:`Status` when a case in ``current`` may move there, else Conflict."""
    now, to = parse_status(current), parse_status(target)
    if to == now:
        return to
    if to not in ALLOWED[now]:
        raise Conflict(f"case {case_id} is {now.value}; it cannot become {to.value}")
    return to


def after_customer_message(current: str) -> Status | None:
    """The status after the customer wrote; ``None`` when a closed case needs a new case."""
    status = parse_status(current)
    if status is Status.CLOSED:
        return None
    if status in PENDING or status is Status.RESOLVED:
        return Status.OPEN
    return status


def after_agent_reply(current: str, requested: str | None) -> Status:
    """The status after a public agent reply: the agent's choice, or ``open`` for a new case."""
    status = parse_status(current)
    if status is Status.CLOSED:
        raise Conflict(
            "a closed case takes no replies; the customer's next message opens a new one"
        )
    if requested:
        return parse_status(requested)
    return Status.OPEN if status is Status.NEW else status


def check_priority(value: str) -> str:
    if value not in PRIORITIES:
        raise InvalidInput(f"case priority {value!r} is not one of: {', '.join(PRIORITIES)}")
    return value


def check_channel(value: str) -> str:
    if value not in CHANNELS:
        raise InvalidInput(f"case channel {value!r} is not one of: {', '.join(CHANNELS)}")
    return value


@dataclass(frozen=True, slots=True)
class Case:
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
    language: str | None = None


@dataclass(frozen=True, slots=True)
class CaseEvent:
    id: str
    case_id: str
    at: datetime
    kind: str  # message_in, message_out, note, status, assignment, merge, split, sla, chat
    actor: str | None
    body: str | None
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def public(self) -> bool:
        return self.kind in ("message_in", "message_out")


# --- canned responses --------------------------------------------------------------------------
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")
# what an agent's reply fills in (``working._reply_text``); a saved response may use only these
REPLY_PLACEHOLDERS = ("customer.name", "case.id", "case.subject", "agent.name", "agent.email")


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


def render_canned(key: str, template: str, values: Mapping[str, str | None]) -> str:
    """Fill ``{{customer.name}}``-style placeholders; an unknown one is an error naming it.

    >>> values = {"customer.name": "Ana", "case.id": "7"}
    >>> render_canned("hi", "Dear {{ customer.name }}, case {{case.id}}", values)
    'Dear Ana, case 7'
    """
    unknown = placeholders(template) - set(values)
    if unknown:
        raise InvalidInput(f"canned response {key!r}: unknown placeholder(s) {sorted(unknown)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)] or "", template)


# --- attachments -------------------------------------------------------------------------------
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_MESSAGE = 10


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


def check_attachments(
    attachments: tuple[Attachment, ...], limit: int = MAX_ATTACHMENT_BYTES
) -> None:
    """Refuse too many attachments, oversize ones and names that could escape a folder."""
    if len(attachments) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise InvalidInput(f"at most {MAX_ATTACHMENTS_PER_MESSAGE} attachments per message")
    for a in attachments:
        if len(a.data) > limit:
            raise InvalidInput(
                f"attachment {a.name!r} is {len(a.data)} bytes; the limit is {limit} bytes"
            )
        if not a.name or "/" in a.name or "\\" in a.name or a.name.startswith("."):
            raise InvalidInput(f"attachment name {a.name!r} is not a plain file name")


# --- merge and split ---------------------------------------------------------------------------
def check_merge(target: Case, merged: Case) -> None:
    """Merging ``merged`` into ``target``: both must be distinct and ``target`` still active."""
    if target.id == merged.id:
        raise Conflict(f"case {target.id} cannot be merged into itself")
    if target.status == Status.CLOSED:
        raise Conflict(f"case {target.id} is closed; merge into an active case")
    if merged.status == Status.CLOSED and merged.resolved_at is None:
        raise Conflict(f"case {merged.id} is already closed")


def check_split(case: Case, event_ids: tuple[str, ...], events: tuple[CaseEvent, ...]) -> None:
    """A split moves some of a case's messages to a new case; at least one must stay behind."""
    own = {e.id for e in events if e.public}
    unknown = [i for i in event_ids if i not in own]
    if not event_ids or unknown:
        raise InvalidInput(
            f"split of case {case.id}: pick messages of this case (unknown: {unknown})"
        )
    if own <= set(event_ids):
        raise InvalidInput(f"split of case {case.id}: at least one message must stay in the case")
