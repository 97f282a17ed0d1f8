"""CX metrics, written once as Ibis expressions, with intervals, breakdowns and targets.

``compute(MetricRequest("nps", by=["country"], period="month"), tables)`` runs on any Ibis
backend.
"""

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
from opencx.metrics.store import dialects  # noqa: F401  (compile rules Ibis lacks)

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
