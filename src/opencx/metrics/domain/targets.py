"""Targets and alerts, decided from computed results (pure: time is passed in)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from opencx.core.errors import InvalidInput
from opencx.metrics.domain.request import FilterValues, filter_values
from opencx.metrics.domain.result import MetricResult, MetricRow
from opencx.metrics.domain.statistics import z_test


def _at_least(value: float, target: float) -> bool:
    return value >= target


def _at_most(value: float, target: float) -> bool:
    return value <= target


COMPARATORS: dict[str, Callable[[float, float], bool]] = {">=": _at_least, "<=": _at_most}


@dataclass(frozen=True, slots=True)
class Target:
    """``metric`` should be ``comparator value`` (by ``due_at``); alerts go to ``owner_email``."""

    metric: str
    comparator: str
    value: float
    owner_email: str
    due_at: datetime | None = None
    period: str = "week"
    filters: Mapping[str, FilterValues] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "filters", filter_values(self.filters))
        if self.comparator not in COMPARATORS:
            raise InvalidInput(f"target comparator {self.comparator!r}: use >= or <=")
        if "@" not in self.owner_email:
            raise InvalidInput(f"target owner {self.owner_email!r} is not an email address")


@dataclass(frozen=True, slots=True)
class TargetStatus:
    target: Target
    status: str  # met, on track, behind, missed, no data
    latest: MetricRow | None


def target_status(target: Target, result: MetricResult, now: datetime) -> TargetStatus:
    """Compare the latest period's value with the target.

    ``met`` when the value meets it; ``missed`` when the due date has passed without; ``behind``
    when even the interval's favourable end misses it; otherwise ``on track``.
    """
    rows = [r for r in result.rows if r.value is not None]
    if not rows:
        return TargetStatus(target, "no data", None)
    latest = rows[-1]
    ok = COMPARATORS[target.comparator]
    assert latest.value is not None
    if ok(latest.value, target.value):
        return TargetStatus(target, "met", latest)
    if target.due_at is not None and now >= target.due_at:
        return TargetStatus(target, "missed", latest)
    best = latest.upper if target.comparator == ">=" else latest.lower
    if best is not None and not ok(best, target.value):
        return TargetStatus(target, "behind", latest)
    return TargetStatus(target, "on track", latest)


@dataclass(frozen=True, slots=True)
class Move:
    """A significant change between the last two complete periods of a series."""

    metric: str
    keys: Mapping[str, object]
    before: MetricRow
    after: MetricRow
    change: float
    p_value: float
    period: str


def significance(alpha: float) -> float:
    """``alpha`` if it is a significance level: greater than 0 and less than 1 (nan is not;
    at 1 or above every move would alert, at nan none)."""
    if not 0 < alpha < 1:
        raise InvalidInput(f"alpha: {alpha!r} must be greater than 0 and less than 1")
    return alpha


def significant_moves(
    result: MetricResult, *, higher_is_better: bool, alpha: float = 0.05, adverse_only: bool = True
) -> list[Move]:
    """Series whose last period differs from the one before with p < ``alpha``."""
    significance(alpha)
    if result.period is None:
        return []
    series: dict[tuple[object, ...], list[MetricRow]] = {}
    for row in result.rows:
        key = tuple(v for k, v in row.keys.items() if k != result.period)
        series.setdefault(key, []).append(row)
    moves = []
    for rows in series.values():
        if len(rows) < 2 or rows[-1].value is None or rows[-2].value is None:
            continue
        a, b = rows[-2], rows[-1]
        assert a.value is not None and b.value is not None
        cmp = z_test(a.value, a.se or float("nan"), b.value, b.se or float("nan"))
        if not cmp.p_value < alpha:
            continue
        if adverse_only and (cmp.change > 0) == higher_is_better:
            continue
        keys = {k: v for k, v in b.keys.items() if k != result.period}
        label = str(b.keys[result.period])
        moves.append(Move(result.metric, keys, a, b, cmp.change, cmp.p_value, label))
    return moves
