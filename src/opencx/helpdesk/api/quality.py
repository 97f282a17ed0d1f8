"""HTTP API of agent quality: scorecards (``helpdesk:admin``), reviews of a case, calibration
between reviewers and each agent's coaching points."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from opencx.helpdesk.api.roles import Admin, Reader, Writer, actor_of
from opencx.helpdesk.deps import HelpdeskServiceDep as Service

router = APIRouter(prefix="/api/helpdesk", tags=["helpdesk"])


class ReviewIn(BaseModel):
    scorecard: str
    answers: dict[str, int | None]
    comment: str | None = None


@router.put("/qa/scorecards", status_code=200)
def save_scorecard(body: dict[str, Any], service: Service, who: Admin) -> dict[str, Any]:
    """Create or replace a scorecard: ``{key, name, sections: [{name, questions: [{key, text,
    weight, max_points, critical}]}]}``."""
    card = service.save_scorecard(body)
    return {"key": card.key, "questions": len(card.questions)}


@router.post("/cases/{case_id}/reviews", status_code=201)
def review(
    case_id: str, body: ReviewIn, request: Request, service: Service, who: Writer
) -> dict[str, Any]:
    done = service.review(
        case_id, body.scorecard, actor_of(request, who), body.answers, body.comment
    )
    return {"id": done.id, "agent": done.agent, "reviewer": done.reviewer, "score": done.score}


@router.get("/cases/{case_id}/calibration")
def calibration(case_id: str, scorecard: str, service: Service, who: Reader) -> dict[str, Any]:
    c = service.calibration(case_id, scorecard)
    return {
        "reviews": c.reviews,
        "spread": c.spread,
        "stdev": c.stdev,
        "disagreements": list(c.disagreements),
    }


@router.get("/agents/{agent}/coaching")
def coaching(agent: str, scorecard: str, service: Service, who: Reader) -> dict[str, Any]:
    average, needs = service.coaching(agent, scorecard)
    return {
        "agent": agent,
        "average_score": average,
        "needs": [{"question": q, "share": s, "reviews": n} for q, s, n in needs],
    }
