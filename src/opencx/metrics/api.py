"""REST: ``GET /api/metrics`` (the catalogue) and ``GET /api/metrics/{name}`` (a computation)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from opencx.metrics.domain import MetricResult
from opencx.metrics.service import MetricsService, parse_filters, parse_time
from opencx.web import Principal, require_scope

router = APIRouter(prefix="/api/metrics", tags=["metrics"])
Reader = Annotated[Principal, Depends(require_scope("metrics:read"))]


def metrics_service(request: Request) -> MetricsService:
    service: MetricsService = request.app.state.services.metrics
    return service


Service = Annotated[MetricsService, Depends(metrics_service)]


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
            RowOut(keys=dict(x.keys), value=x.value, lower=x.lower, upper=x.upper, n=x.n,
                   change=x.change, p_value=x.p_value, warning=x.warning, flag=x.flag)
            for x in r.rows
        ]  # fmt: skip
        return cls(metric=r.metric, title=r.title, unit=r.unit, keys=list(r.keys),
                   period=r.period, note=r.note, rows=rows)  # fmt: skip


@router.get("")
def list_metrics(service: Service, principal: Reader) -> list[dict[str, Any]]:
    """Every metric with its unit, definition and source."""
    return service.catalogue()


@router.get("/{name}")
def get_metric(
    name: str,
    service: Service,
    principal: Reader,
    by: Annotated[list[str] | None, Query()] = None,
    period: str | None = None,
    start: str | None = None,
    end: str | None = None,
    filter: Annotated[list[str] | None, Query()] = None,
    min_n: int | None = None,
) -> ResultOut:
    """Compute ``name``: ``?by=country&period=month&start=2025-01-01&filter=channel=web``."""
    result = service.compute(
        name, by=[b for part in by or [] for b in part.split(",") if b], period=period,
        filters=parse_filters(filter or []), start=parse_time(start), end=parse_time(end),
        min_n=min_n,
    )  # fmt: skip
    return ResultOut.from_domain(result)
