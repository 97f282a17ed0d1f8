"""The metrics domain: definitions as Ibis expressions, periods, statistics, targets. Pure.

The names below are loaded on first use (PEP 562), so that a light module of the package, such
as :mod:`~opencx.metrics.domain.catalogue`, is imported without the definitions (and Ibis).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opencx.metrics.domain.metric import Metric, Query
    from opencx.metrics.domain.periods import PERIODS, Period
    from opencx.metrics.domain.registry import METRICS, UnknownMetric, metric_named
    from opencx.metrics.domain.request import MetricRequest
    from opencx.metrics.domain.result import MetricResult, MetricRow

__all__ = [
    "METRICS",
    "PERIODS",
    "Metric",
    "MetricRequest",
    "MetricResult",
    "MetricRow",
    "Period",
    "Query",
    "UnknownMetric",
    "metric_named",
]

_MODULE_OF = {
    "METRICS": "registry",
    "PERIODS": "periods",
    "Metric": "metric",
    "MetricRequest": "request",
    "MetricResult": "result",
    "MetricRow": "result",
    "Period": "periods",
    "Query": "metric",
    "UnknownMetric": "registry",
    "metric_named": "registry",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
    globals()[name] = value
    return value
