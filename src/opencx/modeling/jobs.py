"""The modeling slice's jobs run on request: a fit or a scoring asked for through the API runs
outside the request (202 and a job id), reporting its stages as progress."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from opencx.jobs import Job, RunContext
from opencx.modeling.service import FIT_JOB, SCORE_JOB, ModelingService


def jobs(service: ModelingService) -> list[Job]:
    """Declared for the composition root (``opencx.app``); the API submits them."""

    def fit(ctx: RunContext) -> dict[str, Any]:
        params = ctx.params
        as_of = params.get("as_of")
        run = service.fit(
            str(params["model"]),
            as_of=datetime.fromisoformat(as_of) if as_of else None,
            config=dict(params.get("config") or {}),
            progress=lambda stage: ctx.progress(stage, None),
        )
        return {"model": run.model, "run_id": run.id, "run_url": f"/api/models/runs/{run.id}"}

    def score(ctx: RunContext) -> dict[str, Any]:
        run, rows = service.score(
            str(ctx.params["model"]), progress=lambda stage: ctx.progress(stage, None)
        )
        return {"model": run.model, "run_id": run.id, "scores": rows}

    return [
        Job(
            name=FIT_JOB,
            schedule=None,
            run=fit,
            time_limit=timedelta(hours=2),
            max_attempts=2,
            description="fit a model and save the run with its scores (submitted by the API)",
        ),
        Job(
            name=SCORE_JOB,
            schedule=None,
            run=score,
            time_limit=timedelta(hours=1),
            max_attempts=2,
            description="score current customers with a model's latest run (submitted by the API)",
        ),
    ]
