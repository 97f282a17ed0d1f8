"""QA scorecards and reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.helpdesk.domain.quality import Scorecard, scorecard_from_dict, scorecard_to_dict
from opencx.helpdesk.store.tables import qa_reviews, qa_scorecards


def save_scorecard(conn: Connection, card: Scorecard, now: datetime) -> None:
    row = {"key": card.key, "name": card.name, "definition": scorecard_to_dict(card)}
    exists = conn.execute(sa.select(qa_scorecards.c.key).where(qa_scorecards.c.key == card.key))
    if exists.first():
        conn.execute(qa_scorecards.update().where(qa_scorecards.c.key == card.key).values(**row))
    else:
        conn.execute(qa_scorecards.insert(), {**row, "created_at": now})


def scorecard(conn: Connection, key: str) -> Scorecard | None:
    row = conn.execute(sa.select(qa_scorecards).where(qa_scorecards.c.key == key)).first()
    return scorecard_from_dict(row.definition) if row else None


def insert_review(conn: Connection, **values: Any) -> str:
    review_id = new_id()
    conn.execute(qa_reviews.insert(), {"id": review_id, **values})
    return review_id


def reviews(
    conn: Connection, *, case_id: str | None = None, agent: str | None = None, card: str
) -> list[Any]:
    r = qa_reviews.c
    query = sa.select(qa_reviews).where(r.scorecard == card).order_by(r.at)
    if case_id:
        query = query.where(r.case_id == case_id)
    if agent:
        query = query.where(r.agent == agent)
    return list(conn.execute(query))


def scorecards(conn: Connection) -> list[Scorecard]:
    rows = conn.execute(sa.select(qa_scorecards).order_by(qa_scorecards.c.key))
    return [scorecard_from_dict(r.definition) for r in rows]


def latest_reviews(conn: Connection, card: str, limit: int = 100) -> list[Any]:
    r = qa_reviews.c
    query = sa.select(qa_reviews).where(r.scorecard == card).order_by(r.at.desc(), r.id.desc())
    return list(conn.execute(query.limit(limit)))


def reviewed_agents(conn: Connection, card: str) -> list[str]:
    r = qa_reviews.c
    query = sa.select(r.agent).where(r.scorecard == card).distinct().order_by(r.agent)
    return [str(a) for a in conn.execute(query).scalars()]
