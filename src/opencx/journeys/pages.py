"""``/journeys``: touchpoint paths to an outcome and friction points, with CSV downloads of
what the page shows (role analyst: ``journeys:read``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from opencx.core.errors import InvalidInput
from opencx.core.spreadsheet import csv_text
from opencx.journeys.deps import JourneysServiceDep
from opencx.journeys.domain import (
    FRICTION_OUTCOMES,
    LEVELS,
    MAX_STEPS,
    OUTCOMES,
    PATH_OUTCOMES,
    PERIOD_DAYS,
    WINDOW_DAYS,
)
from opencx.journeys.service import (
    FRICTION_FIELDS,
    PATH_FIELDS,
    Ask,
    FrictionReport,
    friction_records,
    path_records,
    until_of,
)
from opencx.web import Principal, render, require_page_scope

router = APIRouter(prefix="/journeys", tags=["pages"], include_in_schema=False)
User = Annotated[Principal, Depends(require_page_scope("journeys:read"))]
TABS = ("paths", "friction")
LIMIT = 20  # paths shown; the rest is one row
MIN_EXPOSED = 30  # friction: touchpoints seen by fewer customers are left out


@dataclass(frozen=True, slots=True)
class Controls:
    """What the page's form asks, each value one of the choices the code accepts."""

    tab: str = "paths"
    outcome: str = "purchase"
    days: int = 90
    until: str = ""
    level: str = "touchpoint"
    steps: int = 4
    within: int = 30

    def ask(self) -> Ask:
        day = None
        if self.until:
            try:
                day = date.fromisoformat(self.until)
            except ValueError:
                raise InvalidInput(
                    f"until {self.until!r}: expected a date like 2026-10-01"
                ) from None
        return Ask(self.outcome, self.days, until_of(day), self.level, self.steps, self.within)


def _controls(
    tab: Annotated[str, Query(max_length=20)] = "paths",
    outcome: Annotated[str | None, Query(max_length=40)] = None,
    days: int = 90,
    until: Annotated[str, Query(max_length=40)] = "",
    level: Annotated[str | None, Query(max_length=40)] = None,
    steps: Annotated[int, Query(ge=1, le=MAX_STEPS)] = 4,
    within: int = 30,
) -> Controls:
    if tab not in TABS:
        raise InvalidInput(f"unknown tab {tab!r} (the tabs: {', '.join(TABS)})")
    paths = tab == "paths"
    return Controls(
        tab,
        outcome or ("purchase" if paths else "case"),
        days,
        until,
        level or ("touchpoint" if paths else "channel_touchpoint"),
        steps,
        within,
    )


Chosen = Annotated[Controls, Depends(_controls)]


def friction_chart(report: FrictionReport, top: int = 15) -> dict[str, Any] | None:
    """The difference against the rest, in points, with its 95% interval, per touchpoint; red
    when a friction point after the Bonferroni adjustment (``real``)."""
    rows = [r for r in report.table.rows if r.difference is not None][:top][::-1]
    if not rows:
        return None
    diffs = [r.difference for r in rows if r.difference is not None]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": [r.key for r in rows],
                "x": [100 * d.value for d in diffs],
                "marker": {"color": ["#c0392b" if r.real else "#95a5a6" for r in rows]},
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [100 * (d.upper - d.value) for d in diffs],
                    "arrayminus": [100 * (d.value - d.lower) for d in diffs],
                },
                "hovertemplate": "%{y}: %{x:.1f} points<extra></extra>",
            }
        ],
        "layout": {
            "title": {
                "text": "Points above the rest's rate, with the 95% interval; red: friction "
                f"after Bonferroni's adjustment (m = {report.table.comparisons})"
            },
            "margin": {"l": 160, "r": 20, "t": 40, "b": 40},
            "xaxis": {"ticksuffix": " pt", "zeroline": True},
        },
    }


@router.get("", response_class=HTMLResponse)
def journeys_page(
    request: Request, service: JourneysServiceDep, user: User, chosen: Chosen
) -> Response:
    report: Any
    if chosen.tab == "paths":
        report = service.paths(chosen.ask(), limit=LIMIT)
        chart = None
    else:
        report = service.friction(chosen.ask(), min_exposed=MIN_EXPOSED)
        chart = friction_chart(report)
    return render(
        request,
        "journeys/index.html",
        chosen=chosen,
        query_string=_query_string(chosen),
        report=report,
        chart=chart,
        outcomes=OUTCOMES,
        choices={
            "outcome": PATH_OUTCOMES if chosen.tab == "paths" else FRICTION_OUTCOMES,
            "days": PERIOD_DAYS,
            "level": LEVELS,
            "steps": range(1, MAX_STEPS + 1),
            "within": WINDOW_DAYS,
        },
        limit=LIMIT,
        min_exposed=MIN_EXPOSED,
    )


def _query_string(chosen: Controls) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in asdict(chosen).items() if k != "tab" and v != ""})


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/paths.csv")
def paths_csv(service: JourneysServiceDep, user: User, chosen: Chosen) -> Response:
    """The page's path table (every path up to 500, then the rest) as CSV."""
    report = service.paths(chosen.ask(), limit=500)
    name = f"journey-paths-{report.query.outcome}-{report.query.end:%Y-%m-%d}.csv"
    return _csv(csv_text(PATH_FIELDS, path_records(report)), name)


@router.get("/friction.csv")
def friction_csv(service: JourneysServiceDep, user: User, chosen: Chosen) -> Response:
    """The page's friction table as CSV."""
    report = service.friction(chosen.ask(), min_exposed=MIN_EXPOSED)
    name = f"journey-friction-{report.query.outcome}-{report.query.end:%Y-%m-%d}.csv"
    return _csv(csv_text(FRICTION_FIELDS, friction_records(report)), name)
