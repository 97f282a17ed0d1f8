"""Agent quality use cases: scorecards, reviews of worked cases, calibration, coaching needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import InvalidInput, NotFound
from opencx.helpdesk.domain.quality import (
    Calibration,
    Scorecard,
    calibrate,
    checked_scorecard,
    coaching_needs,
    score,
)
from opencx.helpdesk.service.deps import Deps, get_case
from opencx.helpdesk.store import quality as store


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    case_id: str
    agent: str
    reviewer: str
    score: float


def save_scorecard(conn: Connection, definition: Mapping[str, Any], deps: Deps) -> Scorecard:
    card = checked_scorecard(definition)
    store.save_scorecard(conn, card, deps.clock.now())
    return card


def _card(conn: Connection, key: str) -> Scorecard:
    card = store.scorecard(conn, key)
    if card is None:
        raise NotFound(f"scorecard {key!r} does not exist")
    return card


def review_case(
    conn: Connection,
    case_id: str,
    card_key: str,
    reviewer: str,
    answers: Mapping[str, int | None],
    deps: Deps,
    comment: str | None = None,
) -> Review:
    """Score the agent's handling of ``case_id`` (its assignee) on a scorecard."""
    case = get_case(conn, case_id, lock=False)
    if case.assignee is None:
        raise InvalidInput(f"case {case_id} has no agent to review")
    if reviewer == case.assignee:
        raise InvalidInput("agents do not review their own cases")
    card = _card(conn, card_key)
    value = score(card, answers)
    review_id = store.insert_review(
        conn,
        scorecard=card.key,
        case_id=case.id,
        agent=case.assignee,
        reviewer=reviewer,
        answers=dict(answers),
        score=value,
        comment=comment,
        at=deps.clock.now(),
    )
    return Review(review_id, case.id, case.assignee, reviewer, value)


def calibration(conn: Connection, case_id: str, card_key: str) -> Calibration:
    card = _card(conn, card_key)
    return calibrate(card, [r.answers for r in store.reviews(conn, case_id=case_id, card=card_key)])


def coaching(
    conn: Connection, agent: str, card_key: str, threshold: float = 0.8
) -> tuple[float | None, list[tuple[str, float, int]]]:
    """The agent's average score and the questions to coach on, worst first."""
    card = _card(conn, card_key)
    rows = store.reviews(conn, agent=agent, card=card_key)
    average = sum(r.score for r in rows) / len(rows) if rows else None
    return average, coaching_needs(card, [r.answers for r in rows], threshold)
