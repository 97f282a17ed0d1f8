"""Dashboard pages: ``/metrics`` (KPI tiles) and ``/metrics/{name}`` (trend and drill-down)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from opencx.metrics.domain import METRICS, MetricResult, metric_named
from opencx.metrics.service import MetricsService, parse_filters
from opencx.web import Principal, render, require_page_user

router = APIRouter(prefix="/metrics", tags=["pages"], include_in_schema=False)
User = Annotated[Principal, Depends(require_page_user)]
PERIODS = ("week", "month", "quarter", "year")
BREAKDOWNS = (
    "country", "language", "segment", "channel", "touchpoint", "survey", "category", "plan",
)  # fmt: skip


def metrics_service(request: Request) -> MetricsService:
    service: MetricsService = request.app.state.services.metrics
    return service


Service = Annotated[MetricsService, Depends(metrics_service)]


def _period(value: str | None) -> str:
    return value if value in PERIODS else "month"


def sparkline(trend: list[tuple[str, float | None]]) -> dict[str, Any]:
    return {
        "data": [{"type": "scatter", "mode": "lines", "x": [t[0] for t in trend],
                  "y": [t[1] for t in trend], "line": {"width": 2}, "hoverinfo": "x+y"}],
        "layout": {"margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "showlegend": False,
                   "xaxis": {"visible": False}, "yaxis": {"visible": False}},
    }  # fmt: skip


def trend_chart(result: MetricResult, series_key: str | None) -> dict[str, Any]:
    """Lines per series with a shaded band for the 95% interval."""
    period = result.period or ""
    groups: dict[str, list[Any]] = {}
    for r in result.rows:
        groups.setdefault(str(r.keys.get(series_key, "all")) if series_key else "all", []).append(r)
    data: list[dict[str, Any]] = []
    for name, rows in groups.items():
        x = [r.keys[period] for r in rows]
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": [r.upper for r in rows],
                "mode": "lines",
                "line": {"width": 0},
                "showlegend": False,
                "hoverinfo": "skip",
                "legendgroup": name,
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": [r.lower for r in rows],
                "mode": "lines",
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": "rgba(80,120,200,0.15)",
                "showlegend": False,
                "hoverinfo": "skip",
                "legendgroup": name,
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": [r.value for r in rows],
                "mode": "lines+markers",
                "name": name,
                "legendgroup": name,
            }
        )
    layout = {
        "title": {"text": f"{result.title} ({result.unit}) with 95% interval"},
        "margin": {"t": 40},
        "yaxis": {"title": {"text": result.unit}},
    }
    return {"data": data, "layout": layout}  # fmt: skip


@router.get("", response_class=HTMLResponse)
def overview(request: Request, service: Service, user: User, period: str | None = None) -> Response:
    chosen = _period(period)
    tiles = service.overview(period=chosen)
    charts = {t.result.metric: sparkline(t.trend) for t in tiles if t.trend}
    return render(request, "metrics/overview.html", tiles=tiles, charts=charts,
                  period=chosen, periods=PERIODS, catalogue=list(METRICS.values()))  # fmt: skip


@router.get("/{name}", response_class=HTMLResponse)
def detail(
    request: Request,
    name: str,
    service: Service,
    user: User,
    by: str | None = None,
    period: str | None = None,
    filter: str | None = None,
) -> Response:
    metric = metric_named(name)
    chosen = _period(period)
    dims = [by] if by else []
    filters = parse_filters([filter]) if filter else {}
    result = service.compute(name, by=dims, period=chosen if metric.periodic else None,
                             filters=filters)  # fmt: skip
    chart = trend_chart(result, by) if result.period and result.rows else None
    return render(request, "metrics/detail.html", metric=metric, result=result, chart=chart,
                  by=by, period=chosen, periods=PERIODS, breakdowns=BREAKDOWNS)  # fmt: skip
