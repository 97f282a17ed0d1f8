"""What an agent sees of the customer behind a case (the requester): their orders and latest
survey answer from the canonical tables, their other cases from the slice's own. Names and
contact details come from the customers slice (``Deps.contacts``), never from these tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import answers, orders, responses, surveys


def orders_of(conn: Connection, customer_id: str) -> tuple[int, datetime | None]:
    """How many orders the customer placed (cancelled ones left out), and when the last one."""
    o = orders.c
    row = conn.execute(
        sa.select(sa.func.count(), sa.func.max(o.placed_at)).where(
            o.customer_id == customer_id, o.status != "cancelled"
        )
    ).one()
    return int(row[0]), row[1]


def latest_score(conn: Connection, customer_id: str) -> dict[str, Any] | None:
    """The customer's latest scored answer: survey key and kind, question type, score, when."""
    r, a, s = responses.c, answers.c, surveys.c
    row = (
        conn.execute(
            sa.select(
                s.key.label("survey"),
                s.kind,
                a.question_type,
                a.score,
                r.submitted_at,
            )
            .select_from(
                responses.join(answers, a.response_id == r.id).join(surveys, r.survey_id == s.id)
            )
            .where(r.customer_id == customer_id, a.score.is_not(None))
            .order_by(r.submitted_at.desc(), a.question_key)
            .limit(1)
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None
