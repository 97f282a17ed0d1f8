"""CX metrics, written once as Ibis expressions, with intervals, breakdowns and targets.

``compute("nps", tables, by=["country"], period="month")`` runs on any Ibis backend.
"""

from opencx.metrics.computation import compute, compute_suite, expression, plan
from opencx.metrics.domain import (
    METRICS,
    PERIODS,
    Metric,
    MetricResult,
    MetricRow,
    UnknownMetric,
    metric_named,
)

__all__ = [
    "METRICS",
    "PERIODS",
    "Metric",
    "MetricResult",
    "MetricRow",
    "UnknownMetric",
    "compute",
    "compute_suite",
    "expression",
    "metric_named",
    "plan",
]
