"""Game-based loyalty: challenges (count, sum, streak), badges, and draws anyone can re-run.

A challenge counts a member's activities of one kind inside a window: ``count`` of events,
``sum`` of their values, or ``streak``, the longest run of consecutive days with one. Meeting
its target earns its points and badge once per window.

A draw is auditable and reproducible: when it is created the program publishes
``sha256(seed)``; at the draw it reveals the seed, and each ticket's rank is
``sha256(seed:member:ticket)``. Anyone with the entrants list and the seed can recompute the
winners, and the commitment shows the seed was not picked after seeing the entrants.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from opencx.core.errors import InvalidInput

CHALLENGE_KINDS = ("count", "sum", "streak")


@dataclass(frozen=True, slots=True)
class Challenge:
    id: str
    name: str
    kind: str  # count | sum | streak
    activity: str  # the activity kind counted: order, review, referral, visit, ...
    target: int
    starts_at: datetime
    ends_at: datetime
    points: int = 0
    badge: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in CHALLENGE_KINDS:
            raise InvalidInput(f"challenge kind {self.kind!r}: one of {CHALLENGE_KINDS}")
        if self.target <= 0 or self.ends_at <= self.starts_at:
            raise InvalidInput("challenge: target must be positive and the window not empty")


@dataclass(frozen=True, slots=True)
class Activity:
    kind: str
    at: datetime
    value: float = 1.0


def longest_streak(days: Iterable[date]) -> int:
    """Longest run of consecutive calendar days.

    >>> longest_streak([date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 4)])
    2
    """
    best = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best, previous = max(best, run), day
    return best


def progress(challenge: Challenge, activities: Iterable[Activity]) -> float:
    inside = [
        a
        for a in activities
        if a.kind == challenge.activity and challenge.starts_at <= a.at < challenge.ends_at
    ]
    if challenge.kind == "count":
        return float(len(inside))
    if challenge.kind == "sum":
        return float(sum(a.value for a in inside))
    return float(longest_streak(a.at.date() for a in inside))


def completed(challenge: Challenge, activities: Iterable[Activity]) -> bool:
    return progress(challenge, activities) >= challenge.target


def seed_commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def draw_winners(
    tickets: Mapping[str, int], seed: str, winners: int
) -> tuple[tuple[str, str], ...]:
    """``winners`` distinct members, each ticket ranked by ``sha256(seed:member:n)``.

    Returns ``(member, rank hash)`` in winning order; the same tickets and seed give the same
    winners on any machine.
    """
    ranked: list[tuple[str, str]] = []
    for member, count in sorted(tickets.items()):
        for n in range(count):
            digest = hashlib.sha256(f"{seed}:{member}:{n}".encode()).hexdigest()
            ranked.append((digest, member))
    ranked.sort()
    chosen: list[tuple[str, str]] = []
    seen: set[str] = set()
    for digest, member in ranked:
        if member not in seen:
            seen.add(member)
            chosen.append((member, digest))
        if len(chosen) == winners:
            break
    return tuple(chosen)


def verify_draw(
    commitment: str, seed: str, tickets: Mapping[str, int], winners: Sequence[str]
) -> bool:
    """Whether a published draw is what its seed and tickets give."""
    drawn = [m for m, _ in draw_winners(tickets, seed, len(winners))]
    return seed_commitment(seed) == commitment and drawn == list(winners)
