"""Friction points: a touchpoint after which a bad outcome comes more often than to customers
who did not pass through it, with Newcombe's interval on the difference so a friction point is
known to be real, not noise.

For touchpoint T in the period: the *exposed* are customers who touched T, each judged from
their first touch of T; the *rest* are the period's other active customers, each judged from
their first touch of the period. The two groups are disjoint, so the difference of their rates
has Newcombe's hybrid score interval (method 10), built from each rate's Wilson interval (the
metrics slice's :func:`~opencx.metrics.domain.statistics.wilson`).

References
----------
Newcombe, R. G. (1998). Interval estimation for the difference between independent
proportions: comparison of eleven methods. Statistics in Medicine 17(8), 873-890 (method 10).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from opencx.journeys.domain.outcomes import JourneyQuery
from opencx.journeys.domain.paths import Touch, gone
from opencx.metrics.domain.statistics import wilson


@dataclass(frozen=True, slots=True)
class FrictionCount:
    """Per touchpoint: customers exposed, how many had the outcome after their first touch of
    it, and how many of them had it after their first touch of the period (to take them out of
    the whole and leave the rest)."""

    key: str
    exposed: int
    hits: int
    hits_from_start: int


@dataclass(frozen=True, slots=True)
class Difference:
    """p1 − p2 with Newcombe's hybrid score 95% interval (all 0-1)."""

    value: float
    lower: float
    upper: float


def newcombe(n1: int, k1: int, n2: int, k2: int) -> Difference | None:
    """Difference of two independent proportions k1/n1 − k2/n2, Newcombe (1998) method 10.

    >>> d = newcombe(70, 56, 80, 48)  # Newcombe's table II, (a) and (b): 0.0524-0.3339
    >>> round(d.value, 4), round(d.lower, 4), round(d.upper, 4)
    (0.2, 0.0524, 0.3339)
    >>> d = newcombe(10, 9, 10, 3)  # 0.1705-0.8090
    >>> round(d.lower, 4), round(d.upper, 4)
    (0.1705, 0.809)
    """
    if n1 <= 0 or n2 <= 0:
        return None
    est = wilson([n1, n2], [k1, k2])
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = float(est.lower[0]) / 100.0, float(est.upper[0]) / 100.0
    l2, u2 = float(est.lower[1]) / 100.0, float(est.upper[1]) / 100.0
    d = p1 - p2
    return Difference(
        d,
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


@dataclass(frozen=True, slots=True)
class FrictionRow:
    """A touchpoint's outcome rate against the rest's, their difference and its interval."""

    key: str
    exposed: int
    hits: int
    rate: float
    rest: int
    rest_hits: int
    rest_rate: float | None
    difference: Difference | None

    @property
    def lift(self) -> float | None:
        """How many times the rest's rate (None when the rest never had the outcome)."""
        if not self.rest_rate:
            return None
        return self.rate / self.rest_rate

    @property
    def real(self) -> bool:
        """Friction known to be real: the whole 95% interval of the difference is above 0."""
        return self.difference is not None and self.difference.lower > 0


@dataclass(frozen=True, slots=True)
class FrictionTable:
    rows: tuple[FrictionRow, ...]
    customers: int
    hits: int

    @property
    def baseline(self) -> float | None:
        """The outcome rate of every active customer, from their first touch of the period."""
        return self.hits / self.customers if self.customers else None


def _rank(row: FrictionRow) -> tuple[float, float, str]:
    d = row.difference
    return (-(d.lower if d else -math.inf), -(d.value if d else -math.inf), row.key)


def friction_table(
    counts: Iterable[FrictionCount], customers: int, hits: int, *, min_exposed: int = 1
) -> FrictionTable:
    """Each touchpoint against the rest, ranked by the lower end of the difference (the
    friction it has at least), then by the difference; touchpoints seen by fewer than
    ``min_exposed`` customers are left out."""
    rows: list[FrictionRow] = []
    for c in counts:
        if c.exposed < max(min_exposed, 1):
            continue
        rest, rest_hits = customers - c.exposed, hits - c.hits_from_start
        rows.append(
            FrictionRow(
                c.key,
                c.exposed,
                c.hits,
                c.hits / c.exposed,
                rest,
                rest_hits,
                rest_hits / rest if rest > 0 else None,
                newcombe(c.exposed, c.hits, rest, rest_hits),
            )
        )
    return FrictionTable(tuple(sorted(rows, key=_rank)), customers, hits)


def reference_friction_counts(
    touches: Iterable[Touch], events: Mapping[str, Sequence[datetime]], query: JourneyQuery
) -> tuple[list[FrictionCount], int, int]:
    """Counts per label, active customers and their hits: the definition the store's SQL
    follows. A customer is judged from their first touch of a label (``t1``) and from their
    first touch of the period (``t0``): an event outcome is hit when an event falls in
    ``(t, t + within]``, ``no_purchase`` when none does, ``no_return`` when the customer has
    no event in the window after the period (the same for every label)."""
    firsts: dict[str, dict[str, datetime]] = defaultdict(dict)
    for t in touches:
        if query.start <= t.at < query.end:
            seen = firsts[t.customer]
            seen[t.label] = min(seen.get(t.label, t.at), t.at)
    kind = query.kind

    def hit(times: Sequence[datetime], after: datetime) -> bool:
        if kind.after_period:
            return gone(times, query)
        found = any(after < e <= after + query.within for e in times)
        return found != kind.absence

    by_key: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    total = 0
    for customer, seen in firsts.items():
        times = events.get(customer, ())
        t0 = min(seen.values())
        h0 = hit(times, t0)
        total += int(h0)
        for label, t1 in seen.items():
            c = by_key[label]
            c[0] += 1
            c[1] += int(hit(times, t1))
            c[2] += int(h0)
    counts = [FrictionCount(k, *v) for k, v in sorted(by_key.items())]
    return counts, len(firsts), total
