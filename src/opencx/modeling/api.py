"""HTTP API for models: ``/api/models`` (runs, fits, scores, the churn list)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field

from opencx.jobs.api import ACCEPTED_RESPONSES, JobOut, accepted, polled
from opencx.jobs.deps import JobQueueDep
from opencx.modeling.deps import ModelingServiceDep
from opencx.modeling.service import FIT_JOB, SCORE_JOB
from opencx.modeling.store.runs import ModelRun
from opencx.web import Principal, require_scope

router = APIRouter(prefix="/api/models", tags=["models"])

Reader = Annotated[Principal, Depends(require_scope("models:read"))]
Writer = Annotated[Principal, Depends(require_scope("models:write"))]


class RunOut(BaseModel):
    id: str
    model: str
    version: str
    config: dict[str, Any]
    data_fingerprint: str
    fitted_at: datetime
    metrics: dict[str, Any]

    @classmethod
    def from_domain(cls, run: ModelRun) -> RunOut:
        return cls(
            id=run.id,
            model=run.model,
            version=run.version,
            config=run.config,
            data_fingerprint=run.data_fingerprint,
            fitted_at=run.fitted_at,
            metrics=run.metrics,
        )


class FitIn(BaseModel):
    as_of: datetime | None = None
    config: dict[str, Any] = Field(default_factory=dict)


class ScoreOut(BaseModel):
    customer_id: str
    name: str | None
    value: float | None
    details: dict[str, Any]


class ScoresOut(BaseModel):
    run: RunOut | None
    kind: str
    scores: list[ScoreOut]


@router.get("")
def list_models(service: ModelingServiceDep, _: Reader) -> list[dict[str, Any]]:
    """Every registered model with its latest run."""
    out = []
    for name, spec in service.specs().items():
        run = service.latest(name)
        out.append(
            {
                "model": name,
                "description": spec.description,
                "kinds": list(spec.kinds),
                "latest_run": RunOut.from_domain(run).model_dump(mode="json") if run else None,
            }
        )
    return out


@router.get("/runs")
def list_runs(
    service: ModelingServiceDep,
    _: Reader,
    model: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[RunOut]:
    return [RunOut.from_domain(r) for r in service.runs(model, limit)]


@router.get("/runs/{run_id}")
def get_run(run_id: str, service: ModelingServiceDep, _: Reader) -> RunOut:
    return RunOut.from_domain(service.run(run_id))


def _job(queue: JobQueueDep, job_id: str) -> JobOut:
    return JobOut.from_domain(queue.status(job_id, prefix="modeling."), _status_url(job_id))


def _status_url(job_id: str) -> str:
    return f"{router.prefix}/jobs/{job_id}"


@router.post("/{model}/fit", status_code=202, responses=ACCEPTED_RESPONSES)
def fit_model(
    model: str, body: FitIn, service: ModelingServiceDep, queue: JobQueueDep, p: Writer
) -> JSONResponse:
    """Fit ``model`` as a job: 202 with the job and its status URL (``Location``); poll it
    until ``done``. Its ``output.run_url`` is the saved run, its ``error`` why a fit failed
    (for instance no customer to learn from before ``as_of``)."""
    service.check_model(model)  # an unknown model is a 404 now, not a failed job later
    params: dict[str, Any] = {"model": model, "config": body.config}
    if body.as_of is not None:
        params["as_of"] = body.as_of.isoformat()
    job_id = queue.submit(FIT_JOB, params, by=f"{p.kind}:{p.id}")
    return accepted(_job(queue, job_id))


@router.post("/{model}/score", status_code=202, responses=ACCEPTED_RESPONSES)
def score_model(
    model: str, service: ModelingServiceDep, queue: JobQueueDep, p: Writer
) -> JSONResponse:
    """Score current customers with the latest run of ``model`` as a job (202, as a fit)."""
    service.check_model(model)
    job_id = queue.submit(SCORE_JOB, {"model": model}, by=f"{p.kind}:{p.id}")
    return accepted(_job(queue, job_id))


@router.get("/jobs/{job_id}", response_model=JobOut)
def model_job(job_id: str, queue: JobQueueDep, _: Reader) -> JSONResponse:
    """A fit or scoring job: status, stage, progress, and the run it saved once done."""
    return polled(_job(queue, job_id))


@router.get("/{model}/scores")
def model_scores(
    model: str,
    service: ModelingServiceDep,
    _: Reader,
    kind: str | None = None,
    limit: int = Query(100, ge=1, le=10_000),
) -> ScoresOut:
    """Scores of the latest run, highest first (``kind`` defaults to the model's first kind)."""
    spec = service.specs().get(model)
    chosen = kind or (spec.kinds[0] if spec else model)
    run, rows = service.scores(model, chosen, limit=limit)
    return ScoresOut(
        run=RunOut.from_domain(run) if run else None,
        kind=chosen,
        scores=[
            ScoreOut(
                customer_id=r["customer_id"], name=r["name"], value=r["value"], details=r["details"]
            )
            for r in rows
        ],
    )


class CsvResponse(PlainTextResponse):
    media_type = "text/csv"


@router.get("/churn/list.csv", response_class=CsvResponse)
def churn_list_csv(
    service: ModelingServiceDep, _: Reader, top: int = Query(500, ge=1, le=100_000)
) -> Any:
    """The churn-risk list with reasons as CSV."""
    return PlainTextResponse(
        service.churn_csv(top),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="churn-risk.csv"'},
    )
