"""The data overview page: what the store holds, table by table, and the latest imports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from opencx.ingest.overview import monthly_activity, overview, recent_imports
from opencx.web import Principal, plotly_figure, render, require_page_user

router = APIRouter(include_in_schema=False)

KPI_TABLES = ("customers", "orders", "interactions", "cases", "responses")


@router.get("/data", response_class=HTMLResponse)
def data_overview(
    request: Request, user: Annotated[Principal, Depends(require_page_user)]
) -> HTMLResponse:
    engine = request.app.state.services.engine
    with engine.connect() as conn:
        tables = overview(conn)
        imports = recent_imports(conn, limit=10)
        activity = monthly_activity(conn)
    rows = {t.table: t.rows for t in tables}
    chart = (
        plotly_figure(_activity_figure(activity), div_id="activity")
        if any(activity.values())
        else None
    )
    return render(
        request,
        "ingest/overview.html",
        tables=tables,
        imports=imports,
        kpis=[(name, rows[name]) for name in KPI_TABLES],
        chart=chart,
    )


def _activity_figure(activity: dict[str, list[tuple[str, int]]]) -> dict[str, Any]:
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": [month for month, _ in series],
            "y": [count for _, count in series],
        }
        for name, series in activity.items()
        if series
    ]
    layout = {
        "margin": {"l": 50, "r": 20, "t": 10, "b": 40},
        "legend": {"orientation": "h"},
        "yaxis": {"title": {"text": "rows per month"}, "rangemode": "tozero"},
        "xaxis": {"type": "date", "tickformat": "%b %Y"},
    }
    return {"data": traces, "layout": layout}
