"""Friction points: a touchpoint after which a bad outcome comes more often than to customers
who did not pass through it, with Newcombe's interval on the difference so a friction point is
known to be real, not noise.

For touchpoint T in the period: the *exposed* are customers who touched T, each judged from
their first touch of T; the *rest* are the period's other active customers, each judged from
their first touch of the period. The two groups are disjoint, so the difference of their rates
has Newcombe's hybrid score interval (method 10), built from each rate's Wilson interval (the
metrics slice's :func:`~opencx.metrics.domain.statistics.wilson`).

Dozens of touchpoints are compared at once, so some 95% intervals would miss 0 by chance. A
touchpoint is called a friction point (``real``) only when its Bonferroni-adjusted interval,
Newcombe's at confidence ``1 - 0.05 / m`` for the ``m`` touchpoints compared, is above 0: the
``m`` adjusted intervals cover their true differences together with probability at least 95%,
so the chance of calling any touchpoint a friction point wrongly is at most 5% (the
family-wise error rate), whatever the dependence between them. The plain 95% interval is kept
beside it, for one touchpoint looked at alone.

References
----------
Newcombe, R. G. (1998). Interval estimation for the difference between independent
proportions: comparison of eleven methods. Statistics in Medicine 17(8), 873-890 (method 10).
Dunn, O. J. (1961). Multiple comparisons among means. JASA 56(293), 52-64 (Bonferroni
simultaneous intervals at level 1 - alpha/m).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from opencx.journeys.domain.outcomes import JourneyQuery
from opencx.journeys.domain.paths import Touch, gone
from opencx.metrics.domain.statistics import wilson

ALPHA = 0.05
"""The family-wise error rate the friction flag keeps (and the plain intervals' 1 − 95%)."""
ADJUSTMENT = "bonferroni"
"""How the flag accounts for the touchpoints compared: Bonferroni simultaneous intervals."""


def adjusted_confidence(comparisons: int, alpha: float = ALPHA) -> float:
    """The confidence of each of ``comparisons`` Bonferroni simultaneous intervals: 1 − α/m.

    >>> adjusted_confidence(1), round(adjusted_confidence(20), 4)
    (0.95, 0.9975)
    """
    return 1.0 - alpha / max(comparisons, 1)


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
    """p1 − p2 with Newcombe's hybrid score interval (all 0-1), 95% unless said otherwise."""

    value: float
    lower: float
    upper: float


def newcombe(n1: int, k1: int, n2: int, k2: int, *, confidence: float = 0.95) -> Difference | None:
    """Difference of two independent proportions k1/n1 − k2/n2, Newcombe (1998) method 10,
    from the two Wilson intervals at ``confidence``.

    >>> d = newcombe(70, 56, 80, 48)  # Newcombe's table II, (a) and (b): 0.0524-0.3339
    >>> round(d.value, 4), round(d.lower, 4), round(d.upper, 4)
    (0.2, 0.0524, 0.3339)
    >>> d = newcombe(10, 9, 10, 3)  # 0.1705-0.8090
    >>> round(d.lower, 4), round(d.upper, 4)
    (0.1705, 0.809)
    """
    if n1 <= 0 or n2 <= 0:
        return None
    est = wilson([n1, n2], [k1, k2], confidence=confidence)
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
    difference: Difference | None  # with its plain 95% interval
    adjusted: Difference | None = None  # with the Bonferroni interval of the table's m

    @property
    def lift(self) -> float | None:
        """How many times the rest's rate (None when the rest never had the outcome)."""
        if not self.rest_rate:
            return None
        return self.rate / self.rest_rate

    @property
    def real(self) -> bool:
        """Friction known to be real after adjusting for the touchpoints compared: the whole
        Bonferroni-adjusted interval of the difference is above 0."""
        return self.adjusted is not None and self.adjusted.lower > 0

    @property
    def real_alone(self) -> bool:
        """The whole plain 95% interval is above 0: real were this touchpoint looked at alone."""
        return self.difference is not None and self.difference.lower > 0


@dataclass(frozen=True, slots=True)
class FrictionTable:
    rows: tuple[FrictionRow, ...]
    customers: int
    hits: int
    comparisons: int = 0  # m: the touchpoints compared (those with a difference)
    adjustment: str = ADJUSTMENT

    @property
    def confidence(self) -> float:
        """Each adjusted interval's confidence, 1 − 0.05/m (0.95 for one comparison)."""
        return adjusted_confidence(self.comparisons)

    @property
    def baseline(self) -> float | None:
        """The outcome rate of every active customer, from their first touch of the period."""
        return self.hits / self.customers if self.customers else None


def _rank(row: FrictionRow) -> tuple[float, float, float, str]:
    a, d = row.adjusted, row.difference
    low = -math.inf
    return (-(a.lower if a else low), -(d.lower if d else low), -(d.value if d else low), row.key)


def friction_table(
    counts: Iterable[FrictionCount], customers: int, hits: int, *, min_exposed: int = 1
) -> FrictionTable:
    """Each touchpoint against the rest, ranked by the lower end of the difference's adjusted
    interval (the friction it has at least, all touchpoints considered), then of its 95%
    interval, then by the difference; touchpoints seen by fewer than ``min_exposed`` customers
    are left out, and not counted among the ``m`` compared. Every interval's ``m`` is the
    number of touchpoints left with a difference (a rest to compare with)."""
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
    m = sum(1 for r in rows if r.difference is not None)
    level = adjusted_confidence(m)
    rows = [
        replace(r, adjusted=newcombe(r.exposed, r.hits, r.rest, r.rest_hits, confidence=level))
        for r in rows
    ]
    return FrictionTable(tuple(sorted(rows, key=_rank)), customers, hits, m)


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
