"""Triggers: which event invites to which survey, on which channel, after what delay, for what
share of the customers (sampling); and the schedule of relationship surveys.

Sampling is a deterministic draw from the trigger and the event reference, so re-delivering the
same event (a retried import, a replayed API call) makes the same choice, and a 20 % sample is
20 % of events however they arrive.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from opencx.core.errors import InvalidInput

EVENTS = (
    "case_resolved",
    "order_delivered",
    "chat_ended",
    "days_after_purchase",
    "schedule",
    "staff_pulse",
)
PERIODIC = ("schedule", "staff_pulse")  # triggers that run every ``every_days``, not on events
CHANNELS = ("email", "sms", "link")


@dataclass(frozen=True, slots=True)
class Trigger:
    """``event`` invites to ``survey_key`` by ``channel`` ``delay`` later, for ``sample_pct`` %.

    ``every_days`` is the cadence of a ``schedule`` trigger (relationship NPS: 91 days) and of a
    ``staff_pulse`` (an anonymous eNPS pulse to the staff: 30 days).
    """

    id: str
    event: str
    survey_key: str
    channel: str = "email"
    delay: timedelta = timedelta(0)
    sample_pct: float = 100.0
    every_days: int | None = None
    active: bool = True

    def __post_init__(self) -> None:
        if self.event not in EVENTS:
            raise InvalidInput(f"trigger event {self.event!r}: expected one of {', '.join(EVENTS)}")
        if self.channel not in CHANNELS:
            raise InvalidInput(
                f"trigger channel {self.channel!r}: expected one of {', '.join(CHANNELS)}"
            )
        if not 0.0 <= self.sample_pct <= 100.0:
            raise InvalidInput(f"trigger sample_pct {self.sample_pct}: expected 0..100")
        if self.delay < timedelta(0):
            raise InvalidInput(f"trigger delay {self.delay}: must not be negative")
        if (self.event in PERIODIC) != (self.every_days is not None and self.every_days > 0):
            raise InvalidInput(
                f"a {' or '.join(PERIODIC)} trigger needs every_days > 0; other triggers none"
            )


def draw(trigger_id: str, ref: str) -> float:
    """A uniform number in [0, 100) fixed by the trigger and the event reference."""
    digest = hashlib.sha256(f"{trigger_id}\x00{ref}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * 100.0


def sampled(trigger: Trigger, ref: str) -> bool:
    """Whether the event ``ref`` falls in the trigger's sample.

    >>> t = Trigger("t1", "case_resolved", "csat-case", sample_pct=0)
    >>> sampled(t, "case-1")
    False
    """
    return trigger.active and draw(trigger.id, ref) < trigger.sample_pct


def due_at(trigger: Trigger, occurred_at: datetime) -> datetime:
    """When the invitation for an event that happened at ``occurred_at`` goes out."""
    return occurred_at + trigger.delay


def schedule_due(trigger: Trigger, last_run: datetime | None, now: datetime) -> bool:
    """Whether a periodic trigger should run now (never run, or ``every_days`` have passed)."""
    if trigger.event not in PERIODIC or not trigger.active or trigger.every_days is None:
        return False
    return last_run is None or now - last_run >= timedelta(days=trigger.every_days)
