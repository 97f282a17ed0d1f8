"""Model dashboard pages: overview, CLV, RFM, personas, loyal types, churn risk, next best offer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from opencx.core.services import service_of
from opencx.jobs.deps import JobQueueDep
from opencx.metrics.deps import MetricsServiceDep
from opencx.modeling.deps import ModelingServiceDep
from opencx.modeling.service import FIT_JOB, SCORE_JOB, ModelingService
from opencx.web import Principal, render, require_csrf, require_page_scope
from opencx.web.auth import current_user
from opencx.web.charts import colour, predicted_vs_actual
from opencx.web.formatting import label, unit_text
from opencx.web.render import environment

router = APIRouter(prefix="/models", tags=["pages"], include_in_schema=False)

User = Annotated[Principal, Depends(require_page_scope("models:read"))]
Writer = Annotated[Principal, Depends(require_page_scope("models:write"))]


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
    layout = {"title": {"text": title}, "margin": {"l": 230, "t": 40}}
    return {"data": [trace], "layout": layout}


# the fit metrics' names on the overview (a key not here reads as its words: ``k`` → ``K``)
RUN_METRICS: dict[str, str] = {
    "summary_rows": "Distinct (x, t, T) rows",
    "log_likelihood": "Log-likelihood",
    "p_alive_share_95": "Share with P(alive) ≥ 0.95",
    "auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "brier": "Brier score",
    "n": "Holdout customers",
    "base_rate": "Churned share",
    "window_days": "Churn window (days)",
    "holdout_days": "Holdout (days)",
    "hit_rate_popularity": "Hit rate of the most popular",
    "share_staying": "Share staying in their segment",
}


@router.get("", response_class=HTMLResponse)
def overview(request: Request, service: ModelingServiceDep, user: User) -> Response:
    rows = []
    for name, spec in service.specs().items():
        run = service.latest(name)
        rows.append({"name": name, "spec": spec, "run": run})
    can_fit = user.allows("models:write")
    return render(
        request,
        "modeling/overview.html",
        models=rows,
        pages=PAGES,
        can_fit=can_fit,
        run_metrics=RUN_METRICS,
    )


@router.post("/{model}/fit", dependencies=[Depends(require_csrf)])
def fit(model: str, service: ModelingServiceDep, queue: JobQueueDep, user: Writer) -> Response:
    """Fit ``model`` as a job (outside the request); the job's page shows its progress."""
    service.check_model(model)
    job_id = queue.submit(FIT_JOB, {"model": model, "config": {}}, by=f"{user.kind}:{user.id}")
    return RedirectResponse(f"/models/jobs/{job_id}", status_code=303)


@router.post("/{model}/score", dependencies=[Depends(require_csrf)])
def score(model: str, service: ModelingServiceDep, queue: JobQueueDep, user: Writer) -> Response:
    """Score current customers with ``model``'s latest run, as a job."""
    service.check_model(model)
    job_id = queue.submit(SCORE_JOB, {"model": model}, by=f"{user.kind}:{user.id}")
    return RedirectResponse(f"/models/jobs/{job_id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job(request: Request, job_id: str, queue: JobQueueDep, user: User) -> Response:
    """A fit or scoring: its stage and progress, refreshed by polling its status URL."""
    run = queue.status(job_id, prefix="modeling.")
    model = str(run.params.get("model", ""))
    page = next((href for href, _ in PAGES if href == model), None)
    return render(
        request,
        "modeling/job.html",
        run=run,
        model=model,
        page=page,
        status_url=f"/api/models/jobs/{job_id}",
    )


@router.get("/clv", response_class=HTMLResponse)
def clv(
    request: Request, service: ModelingServiceDep, metrics: MetricsServiceDep, user: User
) -> Response:
    run, top = service.scores("clv", "clv_12m", limit=50)
    _, everyone = service.scores("clv", "clv_12m", limit=None)
    values = [r["value"] for r in everyone if r["value"] is not None]
    currency = unit_text("currency", metrics.currencies()) if run else ""
    chart = {
        "data": [{"type": "histogram", "x": values, "nbinsx": 50, "marker": {"color": colour(0)}}],
        "layout": {
            "title": {"text": "12-month CLV distribution (customers, log scale)"},
            "xaxis": {"title": {"text": f"12-month CLV ({currency})"}},
            "yaxis": {"type": "log", "title": {"text": "customers"}},
            "margin": {"t": 40},
        },
    }
    holdout = run.params.get("holdout") if run else None
    check = _holdout_chart(holdout) if holdout else None
    return render(
        request,
        "modeling/clv.html",
        run=run,
        top=top,
        chart=chart,
        total=sum(values),
        customers=len(values),
        currency=currency,
        findings=service.clv_findings(run) if run else [],
        parameters=_parameters(run) if run else [],
        holdout=holdout,
        check=check,
    )


def _parameters(run: Any) -> list[dict[str, Any]]:
    """The purchase model's parameters with their standard errors (None where it has none)."""
    names = [n for n in ("r", "alpha", "a", "b", "s", "beta") if n in run.params]
    errors = list(run.metrics.get("std_errors") or [])
    errors += [None] * (len(names) - len(errors))
    return [
        {"name": n, "value": run.params[n], "se": se} for n, se in zip(names, errors, strict=False)
    ]


def _holdout_chart(holdout: dict[str, Any]) -> dict[str, Any]:
    rows = holdout.get("rows", [])
    last = max((r["frequency"] for r in rows), default=0)
    groups = [f"{r['frequency']}+" if r["frequency"] == last else str(r["frequency"]) for r in rows]
    since = str(holdout.get("calibration_end", ""))[:10]
    return predicted_vs_actual(
        groups,
        [r["actual"] for r in rows],
        [r["predicted"] for r in rows],
        title=f"Holdout check: purchases per customer in the {holdout.get('weeks')} weeks "
        f"after {since}, predicted vs actual",
        x_title=f"repeat purchases before {since}",
        y_title="purchases per customer in the holdout",
    )


@router.get("/rfm", response_class=HTMLResponse)
def rfm(request: Request, service: ModelingServiceDep, user: User) -> Response:
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
def personas(
    request: Request, service: ModelingServiceDep, metrics: MetricsServiceDep, user: User
) -> Response:
    run = service.latest("personas")
    items = run.params.get("personas", []) if run else []
    chart = _bar([f"#{p['id']}" for p in items], [p["size"] for p in items], "Persona sizes")
    currency = unit_text("currency", metrics.currencies()) if run else ""
    return render(
        request,
        "modeling/personas.html",
        run=run,
        personas=items,
        chart=chart,
        currency=currency,
    )


@router.get("/loyalty-types", response_class=HTMLResponse)
def loyalty_types(request: Request, service: ModelingServiceDep, user: User) -> Response:
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
    request: Request, service: ModelingServiceDep, user: User, top: int = Query(100, ge=1, le=5000)
) -> Response:
    run = service.latest("churn")
    rows = service.churn_list(top)
    importance = run.params.get("importance", []) if run else []
    chart = _bar(
        [label(f) for f, _ in importance][::-1],
        [v for _, v in importance][::-1],
        "What drives the risk (drop in AUC when the feature is shuffled)",
        horizontal=True,
    )
    return render(request, "modeling/churn.html", run=run, rows=rows, chart=chart, top=top)


@router.get("/churn.csv")
def churn_csv(
    service: ModelingServiceDep, user: User, top: int = Query(500, ge=1, le=100_000)
) -> Response:
    return Response(
        service.churn_csv(top),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="churn-risk.csv"'},
    )


@router.get("/nbo", response_class=HTMLResponse)
def nbo(request: Request, service: ModelingServiceDep, user: User) -> Response:
    run = service.latest("nbo")
    _, sample = service.scores("nbo", "nbo", limit=30)
    return render(
        request,
        "modeling/nbo.html",
        run=run,
        sample=sample,
        rules=run.params.get("rules", []) if run else [],
    )


def clv_panel(request: Request) -> Markup | None:
    """The landing page's CLV tile: the mean 12-month CLV of the latest fit with its 95%
    interval, the change against the fit before and the trend over fits (None without
    ``models:read``)."""
    user = current_user(request)
    if user is None or not user.allows("models:read"):
        return None
    service = service_of(request.app.state.services, "modeling", ModelingService)
    fits = service.headline("clv", "clv_12m")
    latest = fits[-1] if fits else None
    previous = fits[-2] if len(fits) > 1 else None
    trend = None
    if len(fits) > 1:
        line = {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [f.fitted_at.isoformat() for f in fits],
            "y": [round(f.mean, 2) for f in fits],
            "line": {"width": 2},
            "hovertemplate": "%{y:,.2f} (fit of %{x|%d %b %Y})<extra></extra>",
        }
        hidden = {"visible": False}
        margin = {"l": 0, "r": 0, "t": 0, "b": 0}
        layout = {"margin": margin, "showlegend": False, "xaxis": hidden, "yaxis": hidden}
        trend = {"data": [line], "layout": layout}
    run = service.latest("clv")
    currency = (run.metrics.get("currency") if run else None) or ""
    html = (
        environment()
        .get_template("modeling/headline.html")
        .render(latest=latest, previous=previous, trend=trend, currency=currency)
    )
    return Markup(html)  # the template escapes every value
