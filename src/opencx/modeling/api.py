"""HTTP API for models: ``/api/models`` (runs, fits, scores, the churn list)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from opencx.modeling.service import ModelingService
from opencx.modeling.store import ModelRun
from opencx.web import Principal, require_scope

router = APIRouter(prefix="/api/models", tags=["models"])

Reader = Annotated[Principal, Depends(require_scope("models:read"))]
Writer = Annotated[Principal, Depends(require_scope("models:write"))]


def modeling_service(request: Request) -> ModelingService:
    service: ModelingService = request.app.state.services.modeling
    return service


Service = Annotated[ModelingService, Depends(modeling_service)]


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
def list_models(service: Service, _: Reader) -> list[dict[str, Any]]:
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
    service: Service, _: Reader, model: str | None = None, limit: int = Query(50, le=500)
) -> list[RunOut]:
    return [RunOut.from_domain(r) for r in service.runs(model, limit)]


@router.get("/runs/{run_id}")
def get_run(run_id: str, service: Service, _: Reader) -> RunOut:
    return RunOut.from_domain(service.run(run_id))


@router.post("/{model}/fit", status_code=201)
def fit_model(model: str, body: FitIn, service: Service, _: Writer) -> RunOut:
    """Fit ``model`` now (synchronously) and save the run with its scores."""
    return RunOut.from_domain(service.fit(model, as_of=body.as_of, config=body.config))


@router.post("/{model}/score")
def score_model(model: str, service: Service, _: Writer) -> dict[str, Any]:
    run, n = service.score(model)
    return {"run_id": run.id, "scores": n}


@router.get("/{model}/scores")
def model_scores(
    model: str,
    service: Service,
    _: Reader,
    kind: str | None = None,
    limit: int = Query(100, le=10_000),
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


@router.get("/churn/list.csv", response_class=PlainTextResponse)
def churn_list_csv(service: Service, _: Reader, top: int = Query(500, le=100_000)) -> Any:
    """The churn-risk list with reasons as CSV."""
    return PlainTextResponse(
        service.churn_csv(top),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="churn-risk.csv"'},
    )
