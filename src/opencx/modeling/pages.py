"""Model dashboard pages: overview, CLV, RFM, personas, loyal types, churn risk, next best offer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from opencx.modeling.service import ModelingService
from opencx.web import Principal, render, require_page_user

router = APIRouter(prefix="/models", tags=["pages"], include_in_schema=False)

User = Annotated[Principal, Depends(require_page_user)]


def modeling_service(request: Request) -> ModelingService:
    service: ModelingService = request.app.state.services.modeling
    return service


Service = Annotated[ModelingService, Depends(modeling_service)]

PAGES = (
    ("clv", "Customer lifetime value"),
    ("rfm", "RFM segments"),
    ("personas", "Personas"),
    ("loyalty-types", "Loyal-customer types"),
    ("churn", "Churn risk"),
    ("nbo", "Next best offer"),
)


def _bar(x: list[Any], y: list[Any], title: str, *, horizontal: bool = False) -> dict[str, Any]:
    trace: dict[str, Any] = (
        {"type": "bar", "x": y, "y": x, "orientation": "h"}
        if horizontal
        else {"type": "bar", "x": x, "y": y}
    )
    return {"data": [trace], "layout": {"title": {"text": title}, "margin": {"l": 160, "t": 40}}}


@router.get("", response_class=HTMLResponse)
def overview(request: Request, service: Service, user: User) -> Response:
    rows = []
    for name, spec in service.specs().items():
        run = service.latest(name)
        rows.append({"name": name, "spec": spec, "run": run})
    return render(request, "modeling/overview.html", models=rows, pages=PAGES)


@router.get("/clv", response_class=HTMLResponse)
def clv(request: Request, service: Service, user: User) -> Response:
    run, top = service.scores("clv", "clv_12m", limit=50)
    _, everyone = service.scores("clv", "clv_12m", limit=None)
    values = [r["value"] for r in everyone if r["value"] is not None]
    chart = {
        "data": [{"type": "histogram", "x": values, "nbinsx": 50}],
        "layout": {
            "title": {"text": "12-month CLV distribution"},
            "xaxis": {"title": {"text": "CLV"}},
            "yaxis": {"type": "log"},
        },
    }
    total = sum(values)
    return render(
        request,
        "modeling/clv.html",
        run=run,
        top=top,
        chart=chart,
        total=total,
        customers=len(values),
    )


@router.get("/rfm", response_class=HTMLResponse)
def rfm(request: Request, service: Service, user: User) -> Response:
    run = service.latest("rfm")
    chart = heat = None
    if run:
        counts = run.params.get("segments", {})
        chart = _bar(list(counts), list(counts.values()), "Customers per segment", horizontal=True)
        moves = run.params.get("transition", {})
        labels = moves.get("labels", [])
        heat = {
            "data": [
                {
                    "type": "heatmap",
                    "z": moves.get("counts", []),
                    "x": labels,
                    "y": labels,
                    "colorscale": "Blues",
                }
            ],
            "layout": {
                "title": {"text": "Segment movement (rows: before, columns: now)"},
                "margin": {"l": 140, "b": 120},
                "height": 560,
            },
        }
    _, sample = service.scores("rfm", "rfm_segment", limit=50, descending=False)
    return render(request, "modeling/rfm.html", run=run, chart=chart, heat=heat, sample=sample)


@router.get("/personas", response_class=HTMLResponse)
def personas(request: Request, service: Service, user: User) -> Response:
    run = service.latest("personas")
    items = run.params.get("personas", []) if run else []
    chart = _bar([f"#{p['id']}" for p in items], [p["size"] for p in items], "Persona sizes")
    return render(request, "modeling/personas.html", run=run, personas=items, chart=chart)


@router.get("/loyalty-types", response_class=HTMLResponse)
def loyalty_types(request: Request, service: Service, user: User) -> Response:
    run = service.latest("loyalty-types")
    counts = run.params.get("counts", {}) if run else {}
    chart = _bar(list(counts), list(counts.values()), "Customers per type")
    _, sample = service.scores("loyalty-types", "loyal_type", limit=50, descending=False)
    return render(
        request,
        "modeling/loyalty_types.html",
        run=run,
        chart=chart,
        rules=run.params.get("rules", []) if run else [],
        sample=sample,
    )


@router.get("/churn", response_class=HTMLResponse)
def churn(
    request: Request, service: Service, user: User, top: int = Query(100, ge=1, le=5000)
) -> Response:
    run = service.latest("churn")
    rows = service.churn_list(top)
    importance = run.params.get("importance", []) if run else []
    chart = _bar(
        [f for f, _ in importance][::-1],
        [v for _, v in importance][::-1],
        "Main drivers (permutation importance, AUC drop)",
        horizontal=True,
    )
    return render(request, "modeling/churn.html", run=run, rows=rows, chart=chart, top=top)


@router.get("/churn.csv")
def churn_csv(service: Service, user: User, top: int = Query(500, ge=1, le=100_000)) -> Response:
    return Response(
        service.churn_csv(top),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="churn-risk.csv"'},
    )


@router.get("/nbo", response_class=HTMLResponse)
def nbo(request: Request, service: Service, user: User) -> Response:
    run = service.latest("nbo")
    _, sample = service.scores("nbo", "nbo", limit=30)
    return render(
        request,
        "modeling/nbo.html",
        run=run,
        sample=sample,
        rules=run.params.get("rules", []) if run else [],
    )
