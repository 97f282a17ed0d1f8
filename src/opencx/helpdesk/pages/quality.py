"""Agent quality: scorecards (JSON definitions, ``helpdesk:admin``), reviews of a case's
handling (``helpdesk:write``), each agent's average, what to coach and calibration."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from opencx.core import InvalidInput, NotFound
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.pages.catalog import json_definition
from opencx.helpdesk.pages.roles import CSRF, Admin, Reader, Writer, staff_email
from opencx.helpdesk.service import HelpdeskService
from opencx.web import Principal, render

router = APIRouter(tags=["pages"], include_in_schema=False)


EXAMPLE_SCORECARD = {
    "key": "conversation",
    "name": "Conversation quality",
    "sections": [
        {
            "name": "Care",
            "questions": [
                {"key": "greet", "text": "Greets by name", "weight": 1, "max_points": 1},
                {"key": "empathy", "text": "Shows empathy", "weight": 2, "max_points": 4},
            ],
        },
        {
            "name": "Compliance",
            "questions": [
                {
                    "key": "identity",
                    "text": "Verifies identity before account changes",
                    "weight": 2,
                    "max_points": 1,
                    "critical": True,
                }
            ],
        },
    ],
}


def _quality_page(
    request: Request,
    service: Service,
    user: Principal,
    card: str = "",
    *,
    definition: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    cards = service.scorecards()
    chosen = next((c for c in cards if c.key == card), cards[0] if cards else None)
    return render(
        request,
        "helpdesk/quality.html",
        status_code=status_code,
        cards=cards,
        card=chosen,
        overview=service.quality_overview(chosen.key) if chosen else None,
        can_write=user.allows("helpdesk:admin"),
        definition=definition or json.dumps(EXAMPLE_SCORECARD, indent=2, ensure_ascii=False),
        error=error,
    )


@router.get("/helpdesk/quality", response_class=HTMLResponse)
def quality_page(request: Request, service: Service, user: Reader, card: str = "") -> HTMLResponse:
    """Scorecards, the latest reviews, each agent's average and what to coach, calibration."""
    return _quality_page(request, service, user, card)


@router.post("/helpdesk/quality/scorecards", response_class=HTMLResponse, dependencies=CSRF)
def save_scorecard(
    request: Request, service: Service, user: Admin, definition: Annotated[str, Form()]
) -> Response:
    """Create or replace a scorecard from its JSON definition (the API's shape)."""
    try:
        card = service.save_scorecard(json_definition(definition, "a scorecard"))
    except InvalidInput as exc:
        return _quality_page(
            request, service, user, definition=definition, error=str(exc), status_code=422
        )
    return RedirectResponse(f"/helpdesk/quality?card={card.key}", status_code=303)


@router.get("/helpdesk/cases/{case_id}/review", response_class=HTMLResponse)
def review_form(
    request: Request, case_id: str, service: Service, user: Writer, card: str = ""
) -> HTMLResponse:
    """Score the agent's handling of the case on a scorecard."""
    cards = service.scorecards()
    chosen = next((c for c in cards if c.key == card), cards[0] if cards else None)
    return render(
        request, "helpdesk/review.html", view=service.case(case_id), cards=cards, card=chosen
    )


@router.post("/helpdesk/cases/{case_id}/review", response_class=HTMLResponse, dependencies=CSRF)
async def review_submit(request: Request, case_id: str, service: Service, user: Writer) -> Response:
    form = await request.form()
    given = {k: str(v) for k, v in form.items()}
    return await run_in_threadpool(_review_save, request, case_id, service, user, given)


def _review_save(
    request: Request,
    case_id: str,
    service: HelpdeskService,
    user: Principal,
    form: dict[str, str],
) -> Response:
    card_key = form.get("card", "")
    card = next((c for c in service.scorecards() if c.key == card_key), None)
    if card is None:
        raise NotFound(f"scorecard {card_key!r} does not exist")
    answers: dict[str, int | None] = {}
    for q in card.questions:
        raw = form.get(f"q:{q.key}", "")
        answers[q.key] = None if raw in ("", "na") else int(raw) if raw.isdigit() else -1
    comment = form.get("comment", "").strip() or None
    try:
        service.review(case_id, card.key, staff_email(request, user), answers, comment)
    except InvalidInput as exc:
        return render(
            request,
            "helpdesk/review.html",
            status_code=422,
            view=service.case(case_id),
            cards=service.scorecards(),
            card=card,
            error=str(exc),
        )
    return RedirectResponse(f"/helpdesk/quality?card={card.key}", status_code=303)
