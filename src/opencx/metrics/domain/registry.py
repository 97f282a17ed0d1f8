"""The registry of metrics: one dict, name → :class:`Metric`; never an if-chain."""

from __future__ import annotations

from opencx.core.errors import InvalidInput
from opencx.metrics.domain.commerce import COMMERCE_METRICS
from opencx.metrics.domain.engagement import ENGAGEMENT_METRICS
from opencx.metrics.domain.metric import Metric
from opencx.metrics.domain.retention import RETENTION_METRICS
from opencx.metrics.domain.survey import SURVEY_METRICS

METRICS: dict[str, Metric] = {
    m.name: m for m in (*SURVEY_METRICS, *COMMERCE_METRICS, *RETENTION_METRICS, *ENGAGEMENT_METRICS)
}


class UnknownMetric(InvalidInput):
    """A metric name that is not in the registry; the message lists the known ones."""


def metric_named(name: str) -> Metric:
    """The metric called ``name``; an unknown name lists every known one."""
    try:
        return METRICS[name]
    except KeyError:
        known = ", ".join(sorted(METRICS))
        raise UnknownMetric(f"unknown metric {name!r}; known metrics: {known}") from None
