"""The metrics domain: definitions as Ibis expressions, periods, statistics, targets. Pure."""

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
