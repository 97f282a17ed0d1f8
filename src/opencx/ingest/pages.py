"""The landing page: the CX headline (cards other slices plug in through the composition root,
``app.state.home_panels``), then the data overview: what the store holds, table by table, the
activity per month and the latest imports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from opencx.core.errors import NotFound
from opencx.core.spreadsheet import csv_text
from opencx.ingest.deps import IngestServiceDep
from opencx.ingest.domain import KINDS
from opencx.ingest.service import bundled_names, load_mapping
from opencx.ingest.service.uploads import (
    IMPORT_JOB,
    REJECTS,
    folder_of,
    queue_upload,
    uploads_root,
)
from opencx.jobs.deps import JobQueueDep
from opencx.web import (
    Principal,
    plotly_figure,
    render,
    require_csrf,
    require_page_scope,
    require_page_user,
)

router = APIRouter(include_in_schema=False)

KPI_TABLES = ("customers", "orders", "interactions", "cases", "responses")
Importer = Annotated[Principal, Depends(require_page_scope("imports:write"))]


@router.get("/data", response_class=HTMLResponse)
def data_overview(
    request: Request,
    user: Annotated[Principal, Depends(require_page_user)],
    service: IngestServiceDep,
) -> HTMLResponse:
    data = service.overview(recent=10)
    tables, imports, activity = data.tables, data.imports, data.activity
    rows = {t.table: t.rows for t in tables}
    shown = {name: series for name, series in activity.items() if series}
    chart = (
        plotly_figure(
            _activity_figure(shown), div_id="activity", height=ROW_HEIGHT * len(shown) + 50
        )
        if shown
        else None
    )
    # the CX headline: cards other slices plug in (each None when the user may not see it)
    providers = getattr(request.app.state, "home_panels", ())
    panels = [panel for make in providers if (panel := make(request)) is not None]
    return render(
        request,
        "ingest/overview.html",
        tables=tables,
        imports=imports,
        kpis=[(name, rows[name]) for name in KPI_TABLES],
        chart=chart,
        panels=panels,
        demo=data.demo,
    )


ROW_HEIGHT = 110  # pixels per series of the activity chart
COLOURS = ("#3366cc", "#dc3912", "#109618", "#990099", "#ff9900")


def _activity_figure(activity: dict[str, list[tuple[str, int]]]) -> dict[str, Any]:
    """One panel per table, each with its own y axis, sharing the months: orders (hundreds a
    month) are not flattened against interactions (tens of thousands)."""
    traces: list[dict[str, Any]] = []
    layout: dict[str, Any] = {
        "margin": {"l": 60, "r": 20, "t": 10, "b": 30},
        "showlegend": False,
        "grid": {"rows": len(activity), "columns": 1, "pattern": "coupled", "ygap": 0.25},
    }
    for i, (name, series) in enumerate(activity.items(), start=1):
        axis = "" if i == 1 else str(i)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": [month for month, _ in series],
                "y": [count for _, count in series],
                "xaxis": "x",
                "yaxis": f"y{axis}",
                "line": {"color": COLOURS[(i - 1) % len(COLOURS)], "width": 2},
                "fill": "tozeroy",
                "hovertemplate": f"{name}: %{{y:,}} in %{{x|%b %Y}}<extra></extra>",
            }
        )
        few = max((count for _, count in series), default=0) <= 5
        layout[f"yaxis{axis}"] = {
            "title": {"text": name, "font": {"size": 12}},
            "rangemode": "tozero",
            # whole rows: "1.5k" for thousands, and no "500m" ticks when a month has one row
            **({"dtick": 1, "tickformat": "d"} if few else {"tickformat": "~s", "nticks": 3}),
        }
    layout["xaxis"] = {"type": "date", "tickformat": "%b %Y"}
    return {"data": traces, "layout": layout}


TYPE_WORDS = {
    "str": "text",
    "int": "whole number",
    "money": "amount (1234.50)",
    "datetime": "date or time (ISO 8601; UTC without a zone)",
    "bool": "true or false",
    "json": "JSON object",
}
"""How the import page names each field type."""


@router.get("/data/import", response_class=HTMLResponse)
def import_form(request: Request, user: Importer) -> HTMLResponse:
    mappings = [(name, load_mapping(name).kind) for name in bundled_names()]
    return render(
        request,
        "ingest/import.html",
        kinds=list(KINDS),
        specs=KINDS,
        type_words=TYPE_WORDS,
        mappings=mappings,
    )


@router.get("/data/import/{kind}.csv")
def import_template(kind: str, user: Importer) -> Response:
    """A CSV with the kind's fields as its header: the file to fill in."""
    spec = KINDS.get(kind)
    if spec is None:
        raise NotFound(f"no import kind {kind[:40]!r} (the kinds: {', '.join(KINDS)})")
    return Response(
        csv_text(spec.names, []),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="opencx-{kind}.csv"'},
    )


@router.post("/data/import", dependencies=[Depends(require_csrf)])
def import_upload(
    user: Importer,
    service: IngestServiceDep,
    queue: JobQueueDep,
    kind: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form()] = "",
    columns: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    allow_rejects: Annotated[bool, Form()] = False,
    create_missing_customers: Annotated[bool, Form()] = False,
) -> Response:
    """Queue the import of an uploaded file with its mapping, as ``POST /api/imports`` does;
    the job's page follows it and shows the result, the problems and the reject file."""
    job_id = queue_upload(
        queue.submit,
        service.imports_dir,
        file.filename,
        file.file,
        kind=kind,
        mapping=mapping,
        columns=columns,
        source=source,
        allow_rejects=allow_rejects,
        create_missing_customers=create_missing_customers,
        edge="page",
    )
    return RedirectResponse(f"/data/import/jobs/{job_id}", status_code=303)


@router.get("/data/import/jobs/{job_id}", response_class=HTMLResponse)
def import_job(request: Request, job_id: str, queue: JobQueueDep, user: Importer) -> HTMLResponse:
    """An import: its progress while it runs (the page polls ``/api/imports/{id}``), then the
    result, the problems found and a link to the reject file."""
    run = queue.status(job_id, prefix=IMPORT_JOB)
    out = run.output
    failed = run.done and not out
    status = 422 if failed or out.get("status") == "failed" else 200
    return render(
        request,
        "ingest/import_result.html",
        status_code=status,
        run=run,
        report=out,
        problems=out.get("problems", []),
        rejects=out.get("rejects"),
        status_url=f"/api/imports/{job_id}",
    )


@router.get("/data/import/{token}/rejects.csv")
def import_rejects(token: str, user: Importer, service: IngestServiceDep) -> FileResponse:
    """The rows an import put aside, each with its problem, to fix and upload again."""
    path = folder_of(uploads_root(service.imports_dir), token) / REJECTS
    if not path.exists():
        raise NotFound("no such reject file (they are kept until the imports folder is cleared)")
    return FileResponse(path, media_type="text/csv", filename="rejects.csv")
