"""Routing a case to a queue, and assigning it to an agent of that queue.

Routing rules are tried in order; the first whose condition matches (channel, category,
language, customer value) names the queue, else the default queue. Assignment picks among the
queue's agents who are active, have every skill the case needs, are inside their working hours
and below their capacity (open cases they hold): either *round robin* (the next agent after the
last one assigned in this queue, by name) or *most free capacity* (the largest capacity minus
load, ties by fewest open cases then name). Nobody eligible means the case waits unassigned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from opencx.core.errors import InvalidInput
from opencx.helpdesk.domain.calendar import BusinessCalendar
from opencx.helpdesk.domain.sla import CaseFacts

_MINUTE = timedelta(minutes=1)
_ZERO = timedelta(0)


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    MOST_FREE = "most_free"


@dataclass(frozen=True, slots=True)
class RouteCondition:
    channels: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    min_customer_value: float | None = None

    def matches(self, case: CaseFacts) -> bool:
        checks = (
            (self.channels, case.channel),
            (self.categories, case.category),
            (self.languages, (case.language or "").split("-")[0] or None),
        )
        if any(allowed and value not in allowed for allowed, value in checks):
            return False
        if self.min_customer_value is None:
            return True
        return case.customer_value is not None and case.customer_value >= self.min_customer_value


@dataclass(frozen=True, slots=True)
class RoutingRule:
    name: str
    queue: str
    condition: RouteCondition = field(default_factory=RouteCondition)
    skills: frozenset[str] = frozenset()  # what an agent needs to take these cases


@dataclass(frozen=True, slots=True)
class Route:
    queue: str
    rule: str | None
    skills: frozenset[str]


def route(rules: Sequence[RoutingRule], case: CaseFacts, default_queue: str) -> Route:
    """The queue for ``case``: an explicit queue wins, then the first matching rule."""
    if case.queue:
        return Route(case.queue, None, frozenset())
    for rule in rules:
        if rule.condition.matches(case):
            return Route(rule.queue, rule.name, rule.skills)
    return Route(default_queue, None, frozenset())


@dataclass(frozen=True, slots=True)
class Agent:
    email: str
    name: str
    queues: frozenset[str]
    skills: frozenset[str] = frozenset()
    capacity: int = 10
    calendar: BusinessCalendar | None = None  # working hours; None = always available
    active: bool = True

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise InvalidInput(f"agent {self.email}: capacity must not be negative")

    def available(self, now: datetime) -> bool:
        if not self.active:
            return False
        if self.calendar is None:
            return True
        return self.calendar.business_time(now, now + _MINUTE) > _ZERO


def eligible(
    agents: Sequence[Agent],
    queue: str,
    skills: frozenset[str],
    load: Mapping[str, int],
    now: datetime,
) -> list[Agent]:
    return [
        a
        for a in agents
        if queue in a.queues
        and skills <= a.skills
        and a.available(now)
        and load.get(a.email, 0) < a.capacity
    ]


def assign(
    agents: Sequence[Agent],
    queue: str,
    skills: frozenset[str],
    load: Mapping[str, int],
    now: datetime,
    strategy: Strategy,
    last_assigned: str | None = None,
) -> Agent | None:
    """The agent to take the next case of ``queue``, or ``None`` when nobody may."""
    pool = sorted(eligible(agents, queue, skills, load, now), key=lambda a: a.email)
    if not pool:
        return None
    if strategy is Strategy.ROUND_ROBIN:
        after = [a for a in pool if last_assigned is None or a.email > last_assigned]
        return (after or pool)[0]
    return min(
        pool, key=lambda a: (load.get(a.email, 0) - a.capacity, load.get(a.email, 0), a.email)
    )
