"""SLA policies and the SLA clock: targets counted in business time, paused while pending.

A policy is chosen by condition (the first whose condition matches a case, in order) and sets up
to three targets, all measured in business time of the policy's calendar:

- **first response**: from the case opening to the first public agent reply;
- **next response**: from each customer message that waits for an answer (after the first
  reply) to the agent reply that answers it; every such cycle is a separate measurement;
- **resolution**: from opening to resolution; a reopened case keeps counting from where it was.

A timer does not run while the case is in one of the policy's pause statuses (by default
``pending_customer``). A timer *warns* once ``warn_ratio`` of its target has elapsed and is
*breached* once the whole target has. The clock is a pure fold over the case's timeline
(:class:`ClockEvent` values) up to ``now``; it reads no clock of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from opencx.core.errors import InvalidInput
from opencx.helpdesk.domain.calendar import BusinessCalendar

PAUSE_DEFAULT = frozenset({"pending_customer"})


class Target(StrEnum):
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"


class TimerState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"  # stopped after the target, or still running past it


@dataclass(frozen=True, slots=True)
class Condition:
    """Matches a case when every non-empty set contains the case's value (empty = any)."""

    priorities: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    queues: frozenset[str] = frozenset()
    min_customer_value: float | None = None

    def matches(self, case: CaseFacts) -> bool:
        checks = (
            (self.priorities, case.priority),
            (self.channels, case.channel),
            (self.categories, case.category),
            (self.queues, case.queue),
        )
        if any(allowed and value not in allowed for allowed, value in checks):
            return False
        if self.min_customer_value is None:
            return True
        return case.customer_value is not None and case.customer_value >= self.min_customer_value


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What policy conditions and routing rules may look at."""

    priority: str
    channel: str
    category: str | None = None
    queue: str | None = None
    language: str | None = None
    customer_value: float | None = None


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    name: str
    calendar: BusinessCalendar
    first_response: timedelta | None = None
    next_response: timedelta | None = None
    resolution: timedelta | None = None
    condition: Condition = field(default_factory=Condition)
    warn_ratio: float = 0.75
    pause_on: frozenset[str] = PAUSE_DEFAULT

    def __post_init__(self) -> None:
        if not 0 < self.warn_ratio <= 1:
            raise InvalidInput(f"SLA policy {self.name!r}: warn_ratio must be in (0, 1]")
        for target in Target:
            value = self.target(target)
            if value is not None and value <= timedelta(0):
                raise InvalidInput(f"SLA policy {self.name!r}: {target} target must be positive")

    def target(self, which: Target) -> timedelta | None:
        return {
            Target.FIRST_RESPONSE: self.first_response,
            Target.NEXT_RESPONSE: self.next_response,
            Target.RESOLUTION: self.resolution,
        }[which]


def choose_policy(policies: Sequence[SlaPolicy], case: CaseFacts) -> SlaPolicy | None:
    """The first policy whose condition matches ``case`` (policies are kept in priority order)."""
    return next((p for p in policies if p.condition.matches(case)), None)


@dataclass(frozen=True, slots=True)
class ClockEvent:
    """One thing on a case's timeline the SLA clock reacts to.

    ``kind`` is ``message_in`` (customer wrote), ``message_out`` (public agent reply) or
    ``status`` (the case entered ``status``); anything else is ignored.
    """

    at: datetime
    kind: str
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Timer:
    """One measurement of one target: its business and wall-clock elapsed time up to ``until``."""

    target: Target
    started_at: datetime
    stopped_at: datetime | None
    goal: timedelta
    business: timedelta
    wall: timedelta
    paused: bool
    due_at: datetime | None  # when it breaches if it keeps running from now; None when paused
    warn_at: datetime | None

    @property
    def state(self) -> TimerState:
        if self.business > self.goal or (self.stopped_at is None and self.business >= self.goal):
            return TimerState.BREACHED
        if self.stopped_at is not None:
            return TimerState.MET
        return TimerState.PAUSED if self.paused else TimerState.RUNNING

    @property
    def remaining(self) -> timedelta:
        return self.goal - self.business


@dataclass(frozen=True, slots=True)
class SlaReport:
    policy: str
    timers: tuple[Timer, ...]

    def latest(self, target: Target) -> Timer | None:
        found = [t for t in self.timers if t.target is target]
        return found[-1] if found else None

    @property
    def breached(self) -> bool:
        return any(t.state is TimerState.BREACHED for t in self.timers)

    @property
    def attained(self) -> bool:
        """Every timer finished within its target (open timers not yet breached count as met)."""
        return not self.breached


@dataclass
class _Open:
    target: Target
    started_at: datetime
    business: timedelta = timedelta(0)
    wall: timedelta = timedelta(0)


_SAME_INSTANT = {"message_in": 0, "message_out": 1, "status": 2}


def measure(
    policy: SlaPolicy, opened_at: datetime, events: Iterable[ClockEvent], now: datetime
) -> SlaReport:
    """Fold ``events`` (any order; sorted here) into the timers of ``policy`` as of ``now``.

    Events at the same instant fold in a fixed order: the customer's message, then the reply,
    then the status change (an agent who replies and resolves in one step met the first
    response)."""
    fold = _Fold(policy, opened_at)
    for event in sorted(events, key=lambda e: (e.at, _SAME_INSTANT.get(e.kind, 3))):
        if event.at > now:
            break
        fold.advance(max(event.at, opened_at))
        fold.apply(event)
    fold.advance(max(now, opened_at))
    return SlaReport(policy.name, fold.finish(now))


class _Fold:
    """The mutable state of :func:`measure`; lives only inside one call."""

    def __init__(self, policy: SlaPolicy, opened_at: datetime) -> None:
        self.policy = policy
        self.at = opened_at
        self.status = "new"
        self.done: list[Timer] = []
        self.open: dict[Target, _Open] = {}
        self.replied = False
        self.resolved = False
        for target in (Target.FIRST_RESPONSE, Target.RESOLUTION):
            if policy.target(target) is not None:
                self.open[target] = _Open(target, opened_at)

    @property
    def paused(self) -> bool:
        return self.status in self.policy.pause_on or self.resolved

    def advance(self, to: datetime) -> None:
        if to <= self.at:
            return
        if not self.paused:
            business = self.policy.calendar.business_time(self.at, to)
            for timer in self.open.values():
                timer.business += business
                timer.wall += to - self.at
        self.at = to

    def apply(self, event: ClockEvent) -> None:
        if event.kind == "message_out":
            self._stop(Target.FIRST_RESPONSE)
            self._stop(Target.NEXT_RESPONSE)
            self.replied = True
        elif event.kind == "message_in":
            self._await_reply()
        elif event.kind == "status" and event.status:
            self._status(event.status)

    def _await_reply(self) -> None:
        waiting = Target.NEXT_RESPONSE in self.open or self.policy.next_response is None
        if self.replied and not waiting:
            self.open[Target.NEXT_RESPONSE] = _Open(Target.NEXT_RESPONSE, self.at)

    def _status(self, status: str) -> None:
        self.status = status
        if status in ("resolved", "closed"):
            self.resolved = True
            self._stop(Target.RESOLUTION)
            self.open.pop(Target.NEXT_RESPONSE, None)
            self.open.pop(Target.FIRST_RESPONSE, None)
        elif self.resolved:  # reopened: resolution counts on from where it stopped
            self.resolved = False
            last = next((t for t in reversed(self.done) if t.target is Target.RESOLUTION), None)
            if last is not None:
                self.done.remove(last)
                self.open[Target.RESOLUTION] = _Open(
                    Target.RESOLUTION, last.started_at, last.business, last.wall
                )

    def _stop(self, target: Target) -> None:
        timer = self.open.pop(target, None)
        if timer is not None:
            self.done.append(self._timer(timer, stopped_at=self.at))

    def _timer(self, t: _Open, *, stopped_at: datetime | None) -> Timer:
        goal = self.policy.target(t.target)
        assert goal is not None
        due = warn = None
        if stopped_at is None and not self.paused:
            calendar = self.policy.calendar
            due = calendar.add_business_time(self.at, max(goal - t.business, timedelta(0)))
            warn_goal = goal * self.policy.warn_ratio
            warn = calendar.add_business_time(self.at, max(warn_goal - t.business, timedelta(0)))
        return Timer(
            t.target, t.started_at, stopped_at, goal, t.business, t.wall, self.paused, due, warn
        )

    def finish(self, now: datetime) -> tuple[Timer, ...]:
        running = [self._timer(t, stopped_at=None) for t in self.open.values()]
        return tuple(sorted(self.done + running, key=lambda t: (t.started_at, t.target)))
