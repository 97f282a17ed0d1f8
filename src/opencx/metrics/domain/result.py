"""Metric results: small frozen values that never present a NaN as a number."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


def finite(x: float | None) -> float | None:
    """``x`` if it is a finite number, else None (NaN and ±inf are not numbers to show)."""
    if x is None:
        return None
    f = float(x)
    return f if math.isfinite(f) else None


@dataclass(frozen=True, slots=True)
class MetricRow:
    """One group of a metric: its keys, value, 95% interval, sample size and any warning.

    ``value`` is None when ``warning`` says why (sample below the minimum, nothing to divide).
    ``change`` and ``p_value`` compare with the previous period of the same series.
    """

    keys: Mapping[str, Any]
    value: float | None
    lower: float | None
    upper: float | None
    n: int
    warning: str | None = None
    flag: str | None = None
    change: float | None = None
    p_value: float | None = None
    se: float | None = field(default=None, repr=False)

    def record(self) -> dict[str, Any]:
        """A flat dict for tables, CSV and JSON."""
        return {
            **self.keys,
            "value": self.value,
            "lower": self.lower,
            "upper": self.upper,
            "n": self.n,
            "change": self.change,
            "p_value": self.p_value,
            "warning": self.warning,
            "flag": self.flag,
        }


@dataclass(frozen=True, slots=True)
class MetricResult:
    """All groups of one metric computation, with the keys they are grouped by."""

    metric: str
    title: str
    unit: str
    keys: tuple[str, ...]
    rows: tuple[MetricRow, ...]
    period: str | None = None
    note: str | None = None

    @property
    def empty(self) -> bool:
        return not self.rows

    def records(self) -> list[dict[str, Any]]:
        return [r.record() for r in self.rows]

    @property
    def columns(self) -> Sequence[str]:
        return [*self.keys, "value", "lower", "upper", "n", "change", "p_value", "warning", "flag"]
