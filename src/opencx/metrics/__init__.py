"""CX metrics, written once as Ibis expressions, with intervals, breakdowns and targets.

``compute(MetricRequest("nps", by=["country"], period="month"), tables)`` runs on any Ibis
backend.

The names below are loaded on first use (PEP 562), together with the compile rules Ibis lacks
(:mod:`opencx.metrics.store.dialects`, also loaded by every backend connection): importing the
package, or its command-line edge for ``opencx metrics --help``, imports no Ibis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opencx.metrics.domain import (
        METRICS,
        PERIODS,
        Metric,
        MetricRequest,
        MetricResult,
        MetricRow,
        UnknownMetric,
        metric_named,
    )
    from opencx.metrics.domain.computation import compute, compute_suite, expression, plan

__all__ = [
    "METRICS",
    "PERIODS",
    "Metric",
    "MetricRequest",
    "MetricResult",
    "MetricRow",
    "UnknownMetric",
    "compute",
    "compute_suite",
    "expression",
    "metric_named",
    "plan",
]


def __getattr__(name: str) -> Any:  # PEP 562: the names above, loaded on first use
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    importlib.import_module("opencx.metrics.store.dialects")  # compile rules Ibis lacks
    computed = name in {"compute", "compute_suite", "expression", "plan"}
    module = importlib.import_module(__name__ + (".domain.computation" if computed else ".domain"))
    value = getattr(module, name)
    globals()[name] = value
    return value
