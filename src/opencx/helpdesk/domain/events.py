"""Events the helpdesk publishes, in the transaction of the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from opencx.core import DomainEvent


@dataclass(frozen=True, slots=True)
class CaseOpened(DomainEvent):
    case_id: str
    customer_id: str | None
    channel: str
    queue: str | None
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class CaseResolved(DomainEvent):
    """A case was resolved (by an agent, a workflow or a merge); feedback invites for CSAT.

    ``reopened`` counts earlier resolutions of the same case, so a subscriber can decide
    whether a second resolution deserves a second survey.
    """

    case_id: str
    customer_id: str | None
    channel: str
    queue: str | None
    category: str | None
    assignee: str | None
    resolved_at: datetime
    language: str | None = None
    reopened: int = 0
