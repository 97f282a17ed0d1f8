"""Text analytics' inputs and outputs: comments with their scores, themes, the topic read model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import answers, responses, survey_questions
from opencx.feedback.domain.text.themes import Theme
from opencx.feedback.store.tables import answer_topics, feedback_themes


def comments(conn: Connection, since: datetime | None = None) -> list[dict[str, Any]]:
    """Every text answer with the first score of its response and that question's scale."""
    text = answers.alias("text")
    scored = answers.alias("scored")
    q = survey_questions
    first_score = (
        sa.select(
            scored.c.response_id,
            sa.func.min(scored.c.question_key).label("score_key"),
        )
        .where(scored.c.score.is_not(None))
        .group_by(scored.c.response_id)
        .subquery()
    )
    query = (
        sa.select(
            text.c.response_id,
            text.c.question_key,
            text.c.text,
            text.c.language,
            responses.c.submitted_at,
            responses.c.survey_id,
            scored.c.score,
            scored.c.question_type,
            q.c.scale_min,
            q.c.scale_max,
        )
        .select_from(text.join(responses, responses.c.id == text.c.response_id))
        .outerjoin(first_score, first_score.c.response_id == text.c.response_id)
        .outerjoin(
            scored,
            sa.and_(
                scored.c.response_id == text.c.response_id,
                scored.c.question_key == first_score.c.score_key,
            ),
        )
        .outerjoin(
            q, sa.and_(q.c.survey_id == responses.c.survey_id, q.c.key == first_score.c.score_key)
        )
        .where(text.c.text.is_not(None), text.c.text != "")
        .order_by(responses.c.submitted_at, text.c.response_id, text.c.question_key)
    )
    if since is not None:
        query = query.where(responses.c.submitted_at >= since)
    return [dict(r) for r in conn.execute(query).mappings()]


def themes(conn: Connection) -> list[Theme]:
    rows = conn.execute(sa.select(feedback_themes).order_by(feedback_themes.c.key))
    return [Theme(r.key, r.label, dict(r.terms), r.name) for r in rows]


def replace_themes(conn: Connection, found: Sequence[Theme], now: datetime) -> None:
    """Store newly discovered themes; names given to earlier themes of the same label stay."""
    names = {t.label: t.name for t in themes(conn) if t.name}
    conn.execute(feedback_themes.delete())
    if found:
        conn.execute(
            feedback_themes.insert(),
            [
                {
                    "key": t.key,
                    "label": t.label,
                    "name": t.name or names.get(t.label),
                    "terms": dict(t.terms),
                    "created_at": now,
                }
                for t in found
            ],
        )


def rename(conn: Connection, key: str, name: str | None) -> bool:
    result = conn.execute(
        feedback_themes.update().where(feedback_themes.c.key == key).values(name=name)
    )
    return bool(result.rowcount)


def replace_topics(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Rewrite the read model (a full refresh, in the caller's transaction)."""
    conn.execute(answer_topics.delete())
    for start in range(0, len(rows), 5000):
        conn.execute(answer_topics.insert(), list(rows[start : start + 5000]))
    return len(rows)


def topics_with_scores(conn: Connection) -> list[dict[str, Any]]:
    """Each analysed response: its themes, its first score and when it was given."""
    first = comments(conn)
    by_response: dict[str, dict[str, Any]] = {}
    for row in first:
        by_response.setdefault(row["response_id"], row)
    rows = conn.execute(sa.select(answer_topics.c.response_id, answer_topics.c.theme))
    out: dict[str, dict[str, Any]] = {}
    for rid, theme in rows:
        base = by_response.get(rid)
        if base is None:
            continue
        entry = out.setdefault(rid, {**base, "themes": []})
        entry["themes"].append(theme)
    return list(out.values())


def theme_volumes(conn: Connection) -> dict[str, tuple[int, float | None]]:
    """Per theme title in the read model: the responses it was found in and their mean
    sentiment (None where no sentiment model could be learned)."""
    t = answer_topics.c
    query = sa.select(
        t.theme, sa.func.count(sa.distinct(t.response_id)), sa.func.avg(t.sentiment)
    ).group_by(t.theme)
    return {
        str(theme): (int(n), None if mean is None else float(mean))
        for theme, n, mean in conn.execute(query)
    }


def last_analysed(conn: Connection) -> datetime | None:
    return conn.execute(sa.select(sa.func.max(answer_topics.c.analysed_at))).scalar()
