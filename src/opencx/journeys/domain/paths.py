"""Touchpoint paths: each customer's ordered touchpoints in a period, cut where the outcome
happens, consecutive repeats collapsed, the last ``steps`` kept; then paths counted with their
share of customers and their outcome rate (Wilson 95% interval).

:func:`reference_paths` is the specification in plain Python: the store computes the same counts
set-based in SQL, and a property test holds the two equal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from opencx.journeys.domain.outcomes import JourneyQuery
from opencx.metrics.domain.statistics import wilson

Path = tuple[str, ...]
OTHER: Path = ("(other paths)",)


@dataclass(frozen=True, slots=True)
class Touch:
    """One touchpoint of a customer: when, under which label; ``order`` breaks ties in time."""

    customer: str
    at: datetime
    label: str
    order: str = ""


@dataclass(frozen=True, slots=True)
class PathCount:
    """Customers whose journey ended on ``path``, and how many of them had the outcome."""

    path: Path
    customers: int
    outcomes: int


def collapse(labels: Iterable[str]) -> list[str]:
    """Consecutive repeats made one step: three product views in a row are one visit to it.

    >>> collapse(["home", "product", "product", "checkout", "product"])
    ['home', 'product', 'checkout', 'product']
    """
    out: list[str] = []
    for label in labels:
        if not out or out[-1] != label:
            out.append(label)
    return out


def journey_path(touches: Sequence[Touch], cut: datetime | None, steps: int) -> Path:
    """The last ``steps`` collapsed touchpoints before ``cut`` (all of them without one)."""
    ordered = sorted(touches, key=lambda t: (t.at, t.order))
    kept = [t.label for t in ordered if cut is None or t.at < cut]
    return tuple(collapse(kept)[-steps:]) if kept else ()


def _first_after(times: Iterable[datetime], after: datetime, before: datetime) -> datetime | None:
    return min((t for t in times if after < t < before), default=None)


def gone(times: Iterable[datetime], query: JourneyQuery) -> bool:
    """No event in the window after the period: ``[end, end + within)``."""
    return not any(query.end <= t < query.end + query.within for t in times)


def reference_paths(
    touches: Iterable[Touch], events: Mapping[str, Sequence[datetime]], query: JourneyQuery
) -> dict[Path, tuple[int, int]]:
    """Customers and outcomes per path, the definition the store's SQL follows.

    Touches are those in ``[start, end)``. For an outcome that is an event (a purchase, a low
    score, a case), a customer's journey runs from their first touch in the period to the first
    outcome event after it and before ``end``, which cuts it (touches at or after that moment
    are not part of it); the outcome happened when such an event exists. For ``no_return`` the
    journey is every touch of the period, and the outcome happened when the customer has no
    event (an order or an interaction) in the window after the period.
    """
    mine: dict[str, list[Touch]] = defaultdict(list)
    for t in touches:
        if query.start <= t.at < query.end:
            mine[t.customer].append(t)
    counts: dict[Path, list[int]] = defaultdict(lambda: [0, 0])
    for customer, own in mine.items():
        times = events.get(customer, ())
        if query.kind.after_period:
            path = journey_path(own, None, query.steps)
            hit = gone(times, query)
        else:
            cut = _first_after(times, min(t.at for t in own), query.end)
            path = journey_path(own, cut, query.steps)
            hit = cut is not None
        counts[path][0] += 1
        counts[path][1] += int(hit)
    return {p: (c[0], c[1]) for p, c in counts.items()}


@dataclass(frozen=True, slots=True)
class PathRow:
    """A path with its customers' share, its outcomes' share and its outcome rate (0-1)."""

    path: Path
    customers: int
    share: float
    outcomes: int
    outcome_share: float
    rate: float
    lower: float
    upper: float

    @property
    def text(self) -> str:
        return " → ".join(self.path)


@dataclass(frozen=True, slots=True)
class PathTable:
    """The most common paths, then one row for all the others, so shares add up to 1."""

    rows: tuple[PathRow, ...]
    customers: int
    outcomes: int
    distinct: int

    @property
    def rate(self) -> float | None:
        return self.outcomes / self.customers if self.customers else None


def _rows(counts: Sequence[PathCount], customers: int, outcomes: int) -> list[PathRow]:
    if not counts:
        return []
    est = wilson([c.customers for c in counts], [c.outcomes for c in counts])
    return [
        PathRow(
            c.path,
            c.customers,
            c.customers / customers,
            c.outcomes,
            c.outcomes / outcomes if outcomes else 0.0,
            c.outcomes / c.customers,
            float(est.lower[i]) / 100.0,
            float(est.upper[i]) / 100.0,
        )
        for i, c in enumerate(counts)
    ]


def summarise_paths(counts: Iterable[PathCount], limit: int = 20) -> PathTable:
    """The ``limit`` paths with the most outcomes (then the most customers), and the rest as
    one row (:data:`OTHER`).

    >>> t = summarise_paths([PathCount(("a",), 3, 1), PathCount(("b",), 1, 1)], limit=1)
    >>> [(r.path, r.share, r.outcome_share) for r in t.rows]
    [(('a',), 0.75, 0.5), (('(other paths)',), 0.25, 0.5)]
    """
    every = sorted(
        (c for c in counts if c.customers > 0),
        key=lambda c: (-c.outcomes, -c.customers, c.path),
    )
    customers = sum(c.customers for c in every)
    outcomes = sum(c.outcomes for c in every)
    shown, rest = every[:limit], every[limit:]
    if rest:
        shown.append(
            PathCount(OTHER, sum(c.customers for c in rest), sum(c.outcomes for c in rest))
        )
    return PathTable(tuple(_rows(shown, customers, outcomes)), customers, outcomes, len(every))
