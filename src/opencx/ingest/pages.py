"""The landing page: the CX headline (cards other slices plug in through the composition root,
``app.state.home_panels``), then the data overview: what the store holds, table by table, the
activity per month and the latest imports."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse

from opencx.core.errors import InvalidInput, NotFound
from opencx.ingest.deps import IngestServiceDep
from opencx.ingest.domain import KINDS, Mapping, with_flags
from opencx.ingest.service import ImportOptions, bundled_names, load_mapping
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
UPLOADS = "opencx-imports"  # under the system's temporary folder: one folder per upload
SHOWN_PROBLEMS = 50


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


def _uploads() -> Path:
    folder = Path(tempfile.gettempdir()) / UPLOADS
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@router.get("/data/import", response_class=HTMLResponse)
def import_form(request: Request, user: Importer) -> HTMLResponse:
    mappings = [(name, load_mapping(name).kind) for name in bundled_names()]
    return render(request, "ingest/import.html", kinds=list(KINDS), mappings=mappings)


@router.post("/data/import", dependencies=[Depends(require_csrf)], response_class=HTMLResponse)
def import_upload(
    request: Request,
    user: Importer,
    service: IngestServiceDep,
    kind: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form()] = "",
    columns: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    allow_rejects: Annotated[bool, Form()] = False,
    create_missing_customers: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    """Import an uploaded file with its mapping, as ``opencx import`` does; show the result,
    the problems found and a link to the reject file."""
    if mapping and mapping not in bundled_names():
        raise InvalidInput(f"mapping {mapping!r}: choose one of {', '.join(bundled_names())}")
    base = load_mapping(mapping) if mapping else Mapping()
    if base.kind and base.kind != kind:
        raise InvalidInput(f"mapping {mapping!r} is for {base.kind}, not {kind}")
    merged = with_flags(
        base,
        maps=[line.strip() for line in columns.splitlines() if line.strip()],
        source=source.strip() or None,
        create_missing_customers=create_missing_customers or None,
    )
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(file.filename or "upload.csv").name).strip("._")
    if not name:
        raise InvalidInput("the uploaded file has no name; give it one ending in .csv, .xlsx, …")
    token = secrets.token_hex(16)
    folder = _uploads() / token
    folder.mkdir(mode=0o700)
    path = folder / name
    with path.open("wb") as out:
        shutil.copyfileobj(file.file, out)
    options = ImportOptions(
        kind=kind,
        path=path,
        mapping=merged,
        allow_rejects=allow_rejects,
        rejects_path=folder / "rejects.csv",
    )
    report = service.import_file(options)
    rejects = token if report.reject_file and Path(report.reject_file).exists() else None
    return render(
        request,
        "ingest/import_result.html",
        status_code=200 if report.ok else 422,
        report=report,
        problems=report.problems[:SHOWN_PROBLEMS],
        rejects=rejects,
    )


@router.get("/data/import/{token}/rejects.csv")
def import_rejects(token: str, user: Importer) -> FileResponse:
    """The rows an import put aside, each with its problem, to fix and upload again."""
    path = _uploads() / token / "rejects.csv"
    if not re.fullmatch(r"[0-9a-f]{32}", token) or not path.exists():
        raise NotFound(
            "no such reject file (they are kept until the server's temp folder is cleared)"
        )
    return FileResponse(path, media_type="text/csv", filename="rejects.csv")
