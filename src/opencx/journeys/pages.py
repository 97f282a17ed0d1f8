"""``/journeys``: touchpoint paths to an outcome, friction points and experiments, with CSV
downloads of what the page shows (role analyst: ``journeys:read``). The Experiments tab lists
the experiments, shows one's results (its CSV: ``journeys:read``), and for ``journeys:write``
(admin, analyst) offers the form defining one, each control offering only what the code
accepts, and the buttons starting and stopping them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from opencx.core.errors import InvalidInput, OpenCXError
from opencx.core.spreadsheet import csv_text
from opencx.journeys.deps import JourneysServiceDep
from opencx.journeys.domain import (
    FRICTION_OUTCOMES,
    GOALS,
    LEVELS,
    MAX_STEPS,
    OUTCOMES,
    PATH_OUTCOMES,
    PERIOD_DAYS,
    WINDOW_DAYS,
)
from opencx.journeys.domain.experiments import MAX_VARIANTS
from opencx.journeys.service import (
    FRICTION_FIELDS,
    PATH_FIELDS,
    Ask,
    FrictionReport,
    friction_records,
    path_records,
    until_of,
)
from opencx.journeys.service.experiments import RESULT_FIELDS, result_records
from opencx.web import Principal, render, require_csrf, require_page_scope

router = APIRouter(prefix="/journeys", tags=["pages"], include_in_schema=False)
User = Annotated[Principal, Depends(require_page_scope("journeys:read"))]
Writer = Annotated[Principal, Depends(require_page_scope("journeys:write"))]
TABS = ("paths", "friction", "experiments")
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
    request: Request,
    service: JourneysServiceDep,
    user: User,
    chosen: Chosen,
    experiment: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    report: Any
    if chosen.tab == "experiments":
        return _experiments_page(request, service, user, experiment)
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


# --- experiments -------------------------------------------------------------------------------


def _experiments_page(
    request: Request,
    service: Any,
    user: Principal,
    key: str,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    report = service.experiments.analyse(key) if key else None
    return render(
        request,
        "journeys/experiments.html",
        status_code=422 if error else 200,
        chosen=Controls(tab="experiments"),
        experiments=service.experiments.list(),
        report=report,
        records=result_records(report) if report else [],
        goals=GOALS,
        windows=WINDOW_DAYS,
        slots=range(MAX_VARIANTS),
        can_write=user.allows("journeys:write"),
        error=error,
        form=form or {},
    )


def _variants(keys: list[str], weights: list[str]) -> list[dict[str, Any]]:
    """The form's variant rows that have a key; a weight left empty is 1."""
    rows = []
    for i, key in enumerate(keys):
        if not key.strip():
            continue
        raw = weights[i].strip() if i < len(weights) else ""
        try:
            weight: Any = float(raw) if raw else 1.0
        except ValueError:
            weight = raw  # refused by the definition's check, naming the field
        rows.append({"key": key.strip(), "weight": weight})
    return rows


@router.post("/experiments", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def create_experiment(
    request: Request,
    service: JourneysServiceDep,
    user: Writer,
    key: Annotated[str, Form(max_length=60)],
    name: Annotated[str, Form(max_length=200)],
    hypothesis: Annotated[str, Form(max_length=2000)],
    goal: Annotated[str, Form(max_length=20)],
    window_days: Annotated[int, Form()],
    start: Annotated[str, Form(max_length=10)],
    stop: Annotated[str, Form(max_length=10)],
    variant_key: Annotated[list[str], Form(max_length=MAX_VARIANTS)],
    variant_weight: Annotated[list[str], Form(max_length=MAX_VARIANTS)],
    currency: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """Define a draft from the form; a refusal shows the form again with the field named."""
    data = {
        "key": key.strip(),
        "name": name,
        "hypothesis": hypothesis,
        "goal": goal,
        "window_days": window_days,
        "start": start,
        "stop": stop,
        "variants": _variants(variant_key, variant_weight),
        "currency": currency.strip() or None,
    }
    try:
        service.experiments.create(data)
    except OpenCXError as exc:
        return _experiments_page(request, service, user, "", error=str(exc), form=data)
    return RedirectResponse(f"/journeys?tab=experiments&experiment={data['key']}", 303)


@router.post("/experiments/{key}/{action}", dependencies=[Depends(require_csrf)])
def change_experiment(
    key: Annotated[str, Path(max_length=60)],
    action: Annotated[str, Path(pattern="^(start|stop)$")],
    service: JourneysServiceDep,
    user: Writer,
) -> Response:
    """Start a draft or stop a running experiment."""
    experiments = service.experiments
    (experiments.start if action == "start" else experiments.stop)(key)
    return RedirectResponse(f"/journeys?tab=experiments&experiment={key}", 303)


@router.get("/experiments/{key}.csv")
def experiment_csv(
    key: Annotated[str, Path(max_length=60)], service: JourneysServiceDep, user: User
) -> Response:
    """The experiment's results, a row per variant, as CSV."""
    report = service.experiments.analyse(key)
    name = f"experiment-{key}-{report.at:%Y-%m-%d}.csv"
    return _csv(csv_text(RESULT_FIELDS, result_records(report)), name)
