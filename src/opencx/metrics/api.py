"""REST: ``GET /api/metrics`` (the catalogue) and ``GET /api/metrics/{name}`` (a computation)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from opencx.metrics.deps import MetricsServiceDep
from opencx.metrics.domain import Metric, MetricRequest, MetricResult
from opencx.web import Principal, require_scope

router = APIRouter(prefix="/api/metrics", tags=["metrics"])
Reader = Annotated[Principal, Depends(require_scope("metrics:read"))]


class MetricOut(BaseModel):
    name: str
    title: str
    unit: str
    definition: str
    reference: str
    source: str
    higher_is_better: bool
    periodic: bool
    dimensions: list[str]

    @classmethod
    def from_domain(cls, m: Metric) -> MetricOut:
        return cls(
            name=m.name,
            title=m.title,
            unit=m.unit,
            definition=m.definition,
            reference=m.reference,
            source=m.frame,
            higher_is_better=m.higher_is_better,
            periodic=m.periodic,
            dimensions=list(m.breakdowns),
        )


class RowOut(BaseModel):
    keys: dict[str, Any]
    value: float | None
    lower: float | None
    upper: float | None
    n: int
    change: float | None
    p_value: float | None
    warning: str | None
    flag: str | None


class ResultOut(BaseModel):
    metric: str
    title: str
    unit: str
    keys: list[str]
    period: str | None
    note: str | None
    rows: list[RowOut]

    @classmethod
    def from_domain(cls, r: MetricResult) -> ResultOut:
        rows = [
            RowOut(
                keys=dict(x.keys),
                value=x.value,
                lower=x.lower,
                upper=x.upper,
                n=x.n,
                change=x.change,
                p_value=x.p_value,
                warning=x.warning,
                flag=x.flag,
            )
            for x in r.rows
        ]
        return cls(
            metric=r.metric,
            title=r.title,
            unit=r.unit,
            keys=list(r.keys),
            period=r.period,
            note=r.note,
            rows=rows,
        )


@router.get("")
def list_metrics(service: MetricsServiceDep, principal: Reader) -> list[MetricOut]:
    """Every metric with its unit, definition and source."""
    return [MetricOut.from_domain(m) for m in service.catalogue()]


@router.get("/{name}")
def get_metric(
    name: str,
    service: MetricsServiceDep,
    principal: Reader,
    by: Annotated[list[str] | None, Query()] = None,
    period: str | None = None,
    start: str | None = None,
    end: str | None = None,
    filter: Annotated[list[str] | None, Query()] = None,
    min_n: int | None = None,
) -> ResultOut:
    """Compute ``name``: ``?by=country&period=month&start=2025-01-01&filter=channel=web``."""
    request = MetricRequest.from_text(
        name, by=by or (), period=period, start=start, end=end, filters=filter or (), min_n=min_n
    )
    return ResultOut.from_domain(service.compute(request))
