"""Dashboard pages: ``/metrics`` (KPI tiles) and ``/metrics/{name}`` (trend and drill-down)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from opencx.core.services import service_of
from opencx.metrics.deps import MetricsServiceDep
from opencx.metrics.domain import (
    METRICS,
    Metric,
    MetricRequest,
    MetricResult,
    MetricRow,
    metric_named,
)
from opencx.metrics.domain.targets import Target
from opencx.metrics.service import MetricsService, Tile
from opencx.web import Principal, charts, render, require_csrf, require_page_scope
from opencx.web.auth import current_user
from opencx.web.formatting import Change, change_text, unit_text
from opencx.web.render import environment

router = APIRouter(prefix="/metrics", tags=["pages"], include_in_schema=False)
User = Annotated[Principal, Depends(require_page_scope("metrics:read"))]
Writer = Annotated[Principal, Depends(require_page_scope("metrics:write"))]
PERIODS = ("week", "month", "quarter", "year")
HEADLINE = ("nps", "csat", "churn_rate")  # the landing page's CX headline, CLV beside them


def _period(value: str | None) -> str:
    return value if value in PERIODS else "month"


PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "quarter": 91.31, "year": 365.25}


def sparkline(trend: list[tuple[str, float | None]], unit: str = "") -> dict[str, Any]:
    """A tile's trend: its first and last period and its lowest and highest value shown."""
    return charts.sparkline([t[0] for t in trend], [t[1] for t in trend], unit=unit)


def _series_keys(result: MetricResult) -> list[str]:
    return [k for k in result.keys if k != result.period]


def _series_name(row: MetricRow, keys: list[str]) -> str:
    return " · ".join(str(row.keys[k]) for k in keys) if keys else "all"


def trend_chart(result: MetricResult, unit: str) -> dict[str, Any]:
    """A line per series (every key but the period), its 95% band in the line's colour."""
    period = result.period or ""
    keys = _series_keys(result)
    groups: dict[str, list[MetricRow]] = {}
    for r in result.rows:
        groups.setdefault(_series_name(r, keys), []).append(r)
    series = [
        charts.Series(
            name,
            [r.keys[period] for r in rows],
            [r.value for r in rows],
            [r.lower for r in rows],
            [r.upper for r in rows],
        )
        for name, rows in groups.items()
    ]
    return charts.trend(series, title=f"{result.title} with its 95% interval", unit=unit)


def mix_chart(result: MetricResult, category: str) -> dict[str, Any]:
    """Shares per period stacked to 100%: a segment per ``category`` value."""
    period = result.period or ""
    periods = list(dict.fromkeys(str(r.keys[period]) for r in result.rows))
    at = {p: i for i, p in enumerate(periods)}
    shares: dict[str, list[float | None]] = {}
    for r in result.rows:
        values = shares.setdefault(str(r.keys[category]), [None] * len(periods))
        values[at[str(r.keys[period])]] = r.value
    # the largest category at the bottom of each bar, the smallest on top
    order = sorted(shares, key=lambda name: -sum(v or 0.0 for v in shares[name]))
    ordered = {name: shares[name] for name in order}
    return charts.stacked_shares(periods, ordered, title=f"{result.title} per {period}")


def cohort_chart(result: MetricResult, period: str) -> dict[str, Any]:
    """The cohort triangle: a row per first-purchase cohort, a column per age."""
    cohorts = list(dict.fromkeys(str(r.keys["cohort"]) for r in result.rows))
    ages = sorted({int(r.keys["age"]) for r in result.rows})
    row_of = {c: i for i, c in enumerate(cohorts)}
    col_of = {a: j for j, a in enumerate(ages)}
    grid: list[list[float | None]] = [[None] * len(ages) for _ in cohorts]
    sizes = [0] * len(cohorts)
    for r in result.rows:
        i, j = row_of[str(r.keys["cohort"])], col_of[int(r.keys["age"])]
        grid[i][j] = r.value
        sizes[i] = max(sizes[i], r.n)
    title = f"% of each first-purchase cohort buying again, by {period}s since the first purchase"
    return charts.cohort_triangle(cohorts, ages, grid, sizes, title=title, age_unit=period)


def chart_for(result: MetricResult, metric: Metric, unit: str) -> dict[str, Any] | None:
    """The chart a metric reads best as: a triangle, stacked shares, or lines with bands."""
    if result.empty:
        return None
    if {"cohort", "age"} <= set(result.keys):
        return cohort_chart(result, result.period or "month")
    if not result.period:
        return None
    shares = [k for k in metric.extra_keys if k in result.keys]
    if metric.estimator == "proportion" and len(shares) == 1 and len(result.keys) == 2:
        return mix_chart(result, shares[0])
    return trend_chart(result, unit)


def warming_up(result: MetricResult, metric: Metric) -> set[str]:
    """Periods a rolling window has not covered yet since the data starts (churn cannot be
    seen in the first ``window_days``): their values read low by construction."""
    window = metric.params.get("window_days")
    if not window or not result.period or result.period not in PERIOD_DAYS:
        return set()
    count = math.ceil(float(window) / PERIOD_DAYS[result.period])
    periods = sorted({str(r.keys[result.period]) for r in result.rows})
    return set(periods[:count])


def previous_periods(result: MetricResult) -> list[str | None]:
    """For each row, the period its change is measured against (the series' previous row)."""
    if not result.period:
        return [None] * len(result.rows)
    keys = _series_keys(result)
    last: dict[tuple[Any, ...], str] = {}
    out: list[str | None] = []
    for r in result.rows:
        series = tuple(r.keys[k] for k in keys)
        out.append(last.get(series))
        last[series] = str(r.keys[result.period])
    return out


def changes(result: MetricResult, metric: Metric, unit: str) -> list[Change | None]:
    """Each row's change in words: direction, size, against which period, good or bad."""
    return [
        change_text(
            r.change,
            unit=unit,
            against=against,
            higher_is_better=metric.higher_is_better,
            p_value=r.p_value,
        )
        for r, against in zip(result.rows, previous_periods(result), strict=True)
    ]


@router.get("", response_class=HTMLResponse)
def overview(
    request: Request, service: MetricsServiceDep, user: User, period: str | None = None
) -> Response:
    chosen = _period(period)
    tiles = service.overview(period=chosen)
    currencies = service.currencies()
    units = {t.result.metric: unit_text(t.result.unit, currencies) for t in tiles}
    lines = {
        t.result.metric: sparkline(t.trend, units[t.result.metric])
        for t in tiles
        if any(v is not None for _, v in t.trend)
    }
    moves = {t.result.metric: _tile_change(t, units[t.result.metric]) for t in tiles}
    catalogue = list(METRICS.values())
    return render(
        request,
        "metrics/overview.html",
        tiles=tiles,
        charts=lines,
        units=units,
        moves=moves,
        currencies=currencies,
        period=chosen,
        periods=PERIODS,
        catalogue=catalogue,
    )


def _tile_change(tile: Tile, unit: str) -> Change | None:
    """The latest period's change against the period before it, in words."""
    latest = tile.latest
    if latest is None or latest.change is None:
        return None
    result, metric = tile.result, metric_named(tile.result.metric)
    against = previous_periods(result)[list(result.rows).index(latest)]
    return change_text(
        latest.change,
        unit=unit,
        against=against,
        higher_is_better=metric.higher_is_better,
        p_value=latest.p_value,
    )


@router.get("/targets", response_class=HTMLResponse)
def targets(request: Request, service: MetricsServiceDep, user: User, done: int = 0) -> Response:
    """Every target with its status, and (for who may write metrics) a form to set one."""
    return render(
        request,
        "metrics/targets.html",
        statuses=service.statuses(),
        catalogue=list(METRICS.values()),
        periods=PERIODS,
        can_write=user.allows("metrics:write"),
        done=bool(done),
    )


@router.post("/targets", dependencies=[Depends(require_csrf)])
def set_target(
    service: MetricsServiceDep,
    user: Writer,
    metric: Annotated[str, Form()],
    comparator: Annotated[str, Form()],
    value: Annotated[float, Form()],
    owner: Annotated[str, Form()],
    period: Annotated[str, Form()] = "week",
    due: Annotated[date | None, Form()] = None,
) -> Response:
    """Set (or replace) the target of ``metric``; alerts about it go to ``owner``."""
    due_at = datetime.combine(due, time(23, 59, 59), tzinfo=UTC) if due else None
    service.set_target(Target(metric, comparator, value, owner.strip(), due_at, period))
    return RedirectResponse("/metrics/targets?done=1", status_code=303)


@router.post("/targets/{target_id}/delete", dependencies=[Depends(require_csrf)])
def delete_target(target_id: str, service: MetricsServiceDep, user: Writer) -> Response:
    service.delete_target(target_id)
    return RedirectResponse("/metrics/targets", status_code=303)


@router.get("/{name}", response_class=HTMLResponse)
def detail(
    request: Request,
    name: str,
    service: MetricsServiceDep,
    user: User,
    by: str | None = None,
    period: str | None = None,
    filter: str | None = None,
) -> Response:
    metric = metric_named(name)
    chosen = _period(period)
    asked = MetricRequest.from_text(
        name,
        by=[by] if by else (),
        period=chosen if metric.periodic else None,
        filters=[filter] if filter else (),
    )
    result = service.compute(asked)
    unit = unit_text(result.unit, service.currencies() if result.unit == "currency" else ())
    chart = chart_for(result, metric, unit)
    warm = warming_up(result, metric)
    return render(
        request,
        "metrics/detail.html",
        metric=metric,
        result=result,
        chart=chart,
        unit=unit,
        changes=changes(result, metric, unit),
        warming=warm,
        window_days=metric.params.get("window_days"),
        active_filter=filter,
        by=by,
        period=chosen,
        periods=PERIODS,
        breakdowns=metric.breakdowns,
    )


def headline_panel(request: Request) -> Markup | None:
    """The landing page's CX headline: NPS, CSAT and churn of the latest month with their 95%
    intervals, the change against the month before and a year's trend (None without
    ``metrics:read``)."""
    user = current_user(request)
    if user is None or not user.allows("metrics:read"):
        return None
    service = service_of(request.app.state.services, "metrics", MetricsService)
    tiles = service.overview(period="month", names=HEADLINE)
    thin = [t.result.metric for t in tiles if t.latest is None]
    if thin:  # too few answers a month (a small company): show the quarter instead
        by_quarter = {t.result.metric: t for t in service.overview(period="quarter", names=thin)}
        tiles = [by_quarter.get(t.result.metric, t) if t.latest is None else t for t in tiles]
    charts = {t.result.metric: sparkline(t.trend[-12:]) for t in tiles if t.trend}
    better = {name: METRICS[name].higher_is_better for name in HEADLINE}
    html = (
        environment()
        .get_template("metrics/headline.html")
        .render(tiles=tiles, charts=charts, better=better)
    )
    return Markup(html)  # the template escapes every value
