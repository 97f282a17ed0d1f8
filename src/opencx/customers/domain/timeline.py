"""The timeline: every touchpoint of one person in one list, newest first, paged by cursor.

Entries sort by ``(at, kind rank, ref_id)`` descending, a total order, so a cursor (the key of
the last entry shown) resumes exactly where the previous page stopped, even when many
touchpoints share one timestamp. Each source (orders, interactions, ...) is fetched already
bounded by the cursor and limited, then merged here.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from opencx.core import InvalidInput, Money

KIND_RANK = {"order": 0, "interaction": 1, "case": 2, "case_event": 3, "response": 4}
KIND_LABELS: Mapping[str, str] = {
    "order": "Orders",
    "interaction": "Visits and contacts",
    "case": "Cases",
    "case_event": "Case messages and updates",
    "response": "Survey answers",
}
"""Every kind of timeline entry, in rank order, with the words a filter shows for it."""


def chosen_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """The kinds a timeline filter asks for, in rank order: none given means every kind.

    >>> chosen_kinds(["response", "order", "order"])
    ('order', 'response')
    >>> chosen_kinds(None)
    ('order', 'interaction', 'case', 'case_event', 'response')
    """
    asked = {k.strip() for k in kinds or () if k.strip()}
    unknown = sorted(asked - KIND_RANK.keys())
    if unknown:
        raise InvalidInput(f"timeline kind {unknown[0]!r}: expected one of {', '.join(KIND_RANK)}")
    return tuple(k for k in KIND_RANK if k in asked or not asked)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One touchpoint. ``detail`` is free text (a comment, a message), shown escaped."""

    at: datetime
    kind: str  # order, interaction, case, case_event, response
    ref_id: str
    channel: str | None
    title: str
    detail: str | None = None
    amount: Money | None = None
    scores: tuple[tuple[str, int], ...] = ()

    @property
    def key(self) -> tuple[datetime, int, str]:
        return (self.at, KIND_RANK[self.kind], self.ref_id)


@dataclass(frozen=True, slots=True)
class Cursor:
    """Resume point of a timeline page: entries strictly older than this key come next."""

    at: datetime
    kind: str
    ref_id: str

    def encode(self) -> str:
        return f"{self.at.isoformat()}~{self.kind}~{self.ref_id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        parts = text.split("~")
        if len(parts) != 3 or parts[1] not in KIND_RANK:
            raise InvalidInput(f"timeline cursor {text!r}: expected 'ISO-time~kind~id'")
        try:
            at = datetime.fromisoformat(parts[0])
        except ValueError:
            raise InvalidInput(f"timeline cursor {text!r}: {parts[0]!r} is not a time") from None
        if at.tzinfo is None:
            raise InvalidInput(f"timeline cursor {text!r}: time has no UTC offset")
        return cls(at, parts[1], parts[2])

    @property
    def key(self) -> tuple[datetime, int, str]:
        return (self.at, KIND_RANK[self.kind], self.ref_id)


@dataclass(frozen=True, slots=True)
class Bound:
    """How a source of ``kind`` is filtered for a cursor: ``at < before`` or ``at <= before``,
    and, on equal times, ``ref_id < id_below`` when ``id_below`` is set."""

    before: datetime
    inclusive: bool
    id_below: str | None


def source_bound(cursor: Cursor | None, kind: str) -> Bound | None:
    """The SQL-side filter for one source; ``None`` means unbounded (first page)."""
    if cursor is None:
        return None
    rank, at_rank = KIND_RANK[kind], KIND_RANK[cursor.kind]
    if rank < at_rank:
        return Bound(cursor.at, True, None)
    if rank == at_rank:
        return Bound(cursor.at, False, cursor.ref_id)
    return Bound(cursor.at, False, None)


@dataclass(frozen=True, slots=True)
class TimelinePage:
    entries: tuple[TimelineEntry, ...]
    next_cursor: str | None


def page_timeline(
    sources: Iterable[Iterable[TimelineEntry]], limit: int, before: Cursor | None = None
) -> TimelinePage:
    """Merge per-source entries into one page of at most ``limit``, newest first.

    Each source must hold every entry older than ``before`` up to its own first ``limit``
    (the store fetches each source bounded and limited); the merge keeps the global order.
    """
    if limit < 1:
        raise InvalidInput(f"timeline limit {limit}: must be at least 1")
    ordered = [sorted(s, key=lambda e: e.key, reverse=True) for s in sources]
    merged = heapq.merge(*ordered, key=lambda e: e.key, reverse=True)
    page = []
    for entry in merged:
        if before is not None and entry.key >= before.key:
            continue
        page.append(entry)
        if len(page) == limit + 1:
            break
    more = len(page) > limit
    page = page[:limit]
    cursor = Cursor(page[-1].at, page[-1].kind, page[-1].ref_id).encode() if more else None
    return TimelinePage(tuple(page), cursor)
