"""Game-based loyalty: challenges (count, sum, streak), badges, and draws anyone can re-run.

A challenge counts a member's activities of one kind inside a window: ``count`` of events,
``sum`` of their values, or ``streak``, the longest run of consecutive days with one. Meeting
its target earns its points and badge once per window.

A draw is auditable and reproducible: when it is created the program publishes
``sha256(seed)``; at the draw it reveals the seed, and the winners follow from the seed and the
entrants' ticket counts alone (:func:`draw_winners`). Anyone with the entrants list and the seed
can recompute the winners, and the commitment shows the seed was not picked after seeing the
entrants.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

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


DRAW_SCHEME = "cumulative"
"""How :func:`draw_winners` draws, stored with each result (``result["scheme"]``)."""

TICKET_HASH_SCHEME = "ticket-hash"
"""How draws run before 2026-12-07 drew (their stored results have no ``scheme``): every
ticket ranked by ``sha256(seed:member:n)``, one hash per ticket, so a draw cost as many hashes
as tickets (10^12 for one member at the points bound and 1 point per ticket). Kept to verify
those results, at the cost their draw had."""

_SPACE = 1 << 256  # the values a SHA-256 digest takes, read as an integer


def _uniform(seed: str, k: int, total: int) -> tuple[int, str]:
    """The ``k``-th winner's ticket number, uniform on ``0 .. total - 1``, and its digest.

    ``sha256(seed:k:j)`` read as a big-endian integer, for the first attempt ``j = 0, 1, ...``
    below the largest multiple of ``total`` under 2^256, taken modulo ``total`` (rejection:
    every number equally likely; a value past the multiple, which would favour low numbers,
    comes with probability below ``total / 2^256``).
    """
    limit = _SPACE - _SPACE % total
    j = 0
    while True:
        digest = hashlib.sha256(f"{seed}:{k}:{j}".encode()).hexdigest()
        value = int(digest, 16)
        if value < limit:
            return value % total, digest
        j += 1


class _Tickets:
    """Ticket counts in a Fenwick tree: who holds ticket number ``r`` (the entrants' tickets
    numbered in their order) and taking an entrant's tickets out, each in O(log n)."""

    def __init__(self, counts: Sequence[int]) -> None:
        n = len(counts)
        tree = [0, *counts]
        for i in range(1, n + 1):
            parent = i + (i & -i)
            if parent <= n:
                tree[parent] += tree[i]
        self.tree, self.n, self.total = tree, n, sum(counts)
        self.top = 1 << (n.bit_length() - 1) if n else 0

    def holder(self, r: int) -> int:
        """The index of the entrant holding ticket ``r`` (0 <= r < total)."""
        pos, step, tree = 0, self.top, self.tree
        while step:
            nxt = pos + step
            if nxt <= self.n and tree[nxt] <= r:
                pos, r = nxt, r - tree[nxt]
            step >>= 1
        return pos

    def take(self, index: int, count: int) -> None:
        self.total -= count
        i = index + 1
        while i <= self.n:
            self.tree[i] -= count
            i += i & -i


def draw_winners(
    tickets: Mapping[str, int], seed: str, winners: int, scheme: str = DRAW_SCHEME
) -> tuple[tuple[str, str], ...]:
    """``winners`` distinct members, each draw weighted by tickets; ``(member, digest)`` in
    winning order. The same tickets and seed give the same winners on any machine.

    The entrants (members with a ticket) stand in the order of their ids, their tickets
    numbered ``0 .. T - 1`` along it. The ``k``-th winner (``k`` from 0) holds ticket number
    ``sha256(seed:k:j) mod T`` (:func:`_uniform`: exactly uniform), and leaves with all their
    tickets before the next draw renumbers the rest. So each ticket is equally likely to win,
    and a member's chance is their share of the tickets left, as when every ticket was ranked
    by its own hash (:data:`TICKET_HASH_SCHEME`); only integer arithmetic, one hash and
    O(log n) a winner after sorting the n entrants, whatever their tickets.
    """
    if scheme == TICKET_HASH_SCHEME:
        return _ticket_hash_winners(tickets, seed, winners)
    if scheme != DRAW_SCHEME:
        raise InvalidInput(
            f"draw: unknown scheme {scheme!r} (one of {DRAW_SCHEME!r}, {TICKET_HASH_SCHEME!r})"
        )
    entrants = sorted((m, c) for m, c in tickets.items() if c > 0)
    pool = _Tickets([c for _, c in entrants])
    chosen: list[tuple[str, str]] = []
    for k in range(min(winners, len(entrants))):
        r, digest = _uniform(seed, k, pool.total)
        i = pool.holder(r)
        member, count = entrants[i]
        pool.take(i, count)
        chosen.append((member, digest))
    return tuple(chosen)


def _ticket_hash_winners(
    tickets: Mapping[str, int], seed: str, winners: int
) -> tuple[tuple[str, str], ...]:
    """:data:`TICKET_HASH_SCHEME`: each ticket ranked by ``sha256(seed:member:n)``, members in
    the order of their best ticket. One hash per ticket."""
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
    commitment: str,
    seed: str,
    tickets: Mapping[str, int],
    winners: Sequence[str],
    scheme: str = DRAW_SCHEME,
) -> bool:
    """Whether a published draw is what its seed and tickets give."""
    drawn = [m for m, _ in draw_winners(tickets, seed, len(winners), scheme)]
    return seed_commitment(seed) == commitment and drawn == list(winners)


def verify_result(commitment: str, seed: str, result: Mapping[str, Any]) -> bool:
    """Whether a stored draw result (``tickets``, ``winners`` and, since 2026-12-07, its
    ``scheme``; one without is :data:`TICKET_HASH_SCHEME`) is what its seed gives."""
    scheme = str(result.get("scheme", TICKET_HASH_SCHEME))
    return verify_draw(commitment, seed, result["tickets"], result["winners"], scheme)
