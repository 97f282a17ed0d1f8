"""Is the program working? Members against matched non-members, difference in differences.

For each member, the window of ``days`` before enrolment is *pre*, the same length after is
*post*. Each member is matched (with replacement) to the non-member whose pre-window behaviour
at the same month is closest: the same band of order count, then the nearest pre revenue.
The effect per pair is ``(post - pre)_member - (post - pre)_match`` (difference in differences:
the pre-window difference removes what matching left, the post-window of the match removes the
trend both share). Incremental revenue is the mean effect times the members; retention lift is
the share of members active in post less the share of their matches. ROI is
``(incremental revenue * margin - cost) / cost``. Intervals are 95% percentile bootstraps over
pairs with a fixed seed (Efron & Tibshirani 1993, ch. 13), so a report is reproducible.
Reference: Angrist & Pischke (2009), *Mostly Harmless Econometrics*, ch. 5 (DiD).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

Orders = Sequence[tuple[datetime, float]]  # sorted by time


@dataclass(frozen=True, slots=True)
class Window:
    pre_revenue: float
    pre_orders: int
    post_revenue: float
    post_orders: int


@dataclass(frozen=True, slots=True)
class Interval:
    estimate: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Effectiveness:
    members: int
    matched: int
    days: int
    incremental_revenue: Interval
    revenue_per_member: Interval
    retention_lift: Interval  # share points (0.05 = 5 points)
    cost: float
    roi: Interval


def window(orders: Orders, at: datetime, days: int) -> Window:
    times = [t for t, _ in orders]
    lo = bisect.bisect_left(times, at - timedelta(days=days))
    mid = bisect.bisect_left(times, at)
    hi = bisect.bisect_left(times, at + timedelta(days=days))
    pre = [v for _, v in orders[lo:mid]]
    post = [v for _, v in orders[mid:hi]]
    return Window(sum(pre), len(pre), sum(post), len(post))


def _band(n: int) -> int:
    return min(n, 4)


def _month(at: datetime) -> datetime:
    return at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def match_pairs(
    orders: Mapping[str, Orders], enrolled: Mapping[str, datetime], days: int
) -> list[tuple[Window, Window]]:
    """``(member window, matched non-member window)`` per member with a match."""
    others = [c for c in orders if c not in enrolled]
    pools: dict[datetime, dict[int, list[tuple[float, Window]]]] = {}
    pairs: list[tuple[Window, Window]] = []
    for member, at in sorted(enrolled.items()):
        anchor = _month(at)
        if anchor not in pools:
            pool: dict[int, list[tuple[float, Window]]] = {}
            for c in others:
                w = window(orders[c], anchor, days)
                pool.setdefault(_band(w.pre_orders), []).append((w.pre_revenue, w))
            for rows in pool.values():
                rows.sort(key=lambda r: r[0])
            pools[anchor] = pool
        mine = window(orders.get(member, ()), at, days)
        candidates = pools[anchor].get(_band(mine.pre_orders))
        if not candidates:
            continue
        keys = [r for r, _ in candidates]
        i = bisect.bisect_left(keys, mine.pre_revenue)
        near = [j for j in (i - 1, i) if 0 <= j < len(candidates)]
        best = min(near, key=lambda j: abs(keys[j] - mine.pre_revenue))
        pairs.append((mine, candidates[best][1]))
    return pairs


def _stats(pairs: Sequence[tuple[Window, Window]]) -> tuple[float, float]:
    n = len(pairs)
    did = sum((m.post_revenue - m.pre_revenue) - (c.post_revenue - c.pre_revenue) for m, c in pairs)
    kept = sum((m.post_orders > 0) - (c.post_orders > 0) for m, c in pairs)
    return did / n, kept / n


def _interval(estimate: float, samples: list[float]) -> Interval:
    samples.sort()
    k = len(samples)
    return Interval(estimate, samples[int(0.025 * (k - 1))], samples[int(0.975 * (k - 1))])


def effectiveness(
    pairs: Sequence[tuple[Window, Window]],
    *,
    members: int,
    days: int,
    cost: float,
    margin: float = 1.0,
    resamples: int = 400,
    seed: int = 20261206,
) -> Effectiveness:
    """The report from matched pairs; ``cost`` is what the program cost over the post windows."""
    if not pairs:
        zero = Interval(0.0, 0.0, 0.0)
        return Effectiveness(members, 0, days, zero, zero, zero, cost, zero)
    n = len(pairs)
    per_member, lift = _stats(pairs)
    rng = random.Random(seed)
    boot = [_stats([pairs[rng.randrange(n)] for _ in range(n)]) for _ in range(resamples)]

    def roi(effect: float) -> float:
        return (effect * n * margin - cost) / cost if cost > 0 else 0.0

    return Effectiveness(
        members=members,
        matched=n,
        days=days,
        incremental_revenue=_interval(per_member * n, [b[0] * n for b in boot]),
        revenue_per_member=_interval(per_member, [b[0] for b in boot]),
        retention_lift=_interval(lift, [b[1] for b in boot]),
        cost=cost,
        roi=_interval(roi(per_member), [roi(b[0]) for b in boot]),
    )
