"""Responses and their typed answers: write live answers, read a response back, the explorer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.db import driver
from opencx.db.schema import answers, invitations, responses, surveys
from opencx.feedback.domain.responses import Answer
from opencx.feedback.store import invitations as invites
from opencx.feedback.store.tables import answer_topics, feedback_followups

_INSERT = responses.insert()  # statements built once: the answering path runs them per answer
_INSERT_ANSWERS = answers.insert()


def by_invitation(conn: Connection, invitation_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        sa.select(responses).where(responses.c.invitation_id == invitation_id).limit(1)
    ).first()
    return dict(row._mapping) if row is not None else None


def by_external(conn: Connection, source: str, external_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        sa.select(responses).where(
            responses.c.source == source, responses.c.external_id == external_id
        )
    ).first()
    return dict(row._mapping) if row is not None else None


def answers_of(conn: Connection, response_id: str) -> dict[str, Answer]:
    rows = conn.execute(sa.select(answers).where(answers.c.response_id == response_id))
    return {
        r.question_key: Answer(
            r.question_key,
            r.question_type,
            r.score,
            tuple(r.choices) if r.choices is not None else None,
            r.text,
        )
        for r in rows
    }


def insert_response(conn: Connection, row: Mapping[str, Any]) -> str:
    rid = str(row.get("id") or new_id())
    conn.execute(_INSERT, {**row, "id": rid})
    return rid


# a new response, its typed answers and its invitation's state, in one statement on the
# driver's connection in a pipelined unit of work (opencx.db.driver). The rows travel as JSON
# documents read into each table's row type: one parameter to send per table, where a
# parameter per column (and an array per answer column) cost more CPU on both sides. The
# foreign keys of the answers are checked at the end of the statement, when the response is
# there.
_PG_CREATE = """
WITH r AS (
    INSERT INTO responses (id, source, external_id, survey_id, customer_id, invitation_id,
        submitted_at, channel, language, touchpoint, context_kind, context_id, completed,
        submission)
    SELECT id, source, external_id, survey_id, customer_id, invitation_id, submitted_at,
        channel, language, touchpoint, context_kind, context_id, completed, submission
    FROM json_populate_record(NULL::responses, %(response)s)
), a AS (
    INSERT INTO answers (id, response_id, question_key, question_type, score, choices, text,
        language)
    SELECT id, response_id, question_key, question_type, score, choices, text, language
    FROM json_populate_recordset(NULL::answers, %(answers)s)
)
UPDATE invitations SET status = %(status)s,
    responded_at = COALESCE(%(responded_at)s, responded_at)
WHERE id = %(invitation)s
"""


def create_response(
    conn: Connection,
    row: Mapping[str, Any],
    given: Mapping[str, Answer],
    *,
    invitation: tuple[str, Mapping[str, Any]] | None,
) -> str:
    """Insert a response (``row``) with its typed answers ``given`` and bring its invitation up
    to date (``(id, {"status": ..., "responded_at": ...})``, ``responded_at`` optional); the
    response's id. In a pipelined unit of work on PostgreSQL: one statement, queued."""
    rid = str(row.get("id") or new_id())
    language = row.get("language")
    if not driver.in_unit(conn):
        insert_response(conn, {**row, "id": rid})
        write_answers(conn, rid, given, language, fresh=True)
        if invitation is not None:
            invites.update(conn, invitation[0], **invitation[1])
        return rid
    from psycopg.types.json import Json  # PostgreSQL only: a SQLite command loads no psycopg

    submitted: datetime = row["submitted_at"]
    if submitted.tzinfo is None:
        raise ValueError(f"naive datetime {submitted.isoformat()} given; use UTC-aware values")
    document = {**row, "id": rid, "submitted_at": submitted.isoformat()}
    change = invitation[1] if invitation is not None else {}
    params = {
        "response": Json(document),
        "answers": Json(answer_rows(rid, given, language)),
        "invitation": invitation[0] if invitation is not None else None,
        "status": change.get("status"),
        "responded_at": change.get("responded_at"),
    }
    driver.write(conn, _PG_CREATE, params)
    return rid


# an answer to a response already there (a one-click score, then the comment), in a pipelined
# unit of work: the response and the invitation updated and the replaced answers deleted in one
# statement, the new answers inserted in a second; both go in one round trip and one transaction
_PG_REVISE = """
WITH r AS (
    UPDATE responses SET completed = %(completed)s, submission = %(submission)s,
        submitted_at = %(submitted_at)s
    WHERE id = %(id)s
), d AS (
    DELETE FROM answers WHERE response_id = %(id)s AND question_key = ANY(%(keys)s)
)
UPDATE invitations SET status = %(status)s,
    responded_at = COALESCE(%(responded_at)s, responded_at)
WHERE id = %(invitation)s
"""
_PG_INSERT_ANSWERS = """
INSERT INTO answers (id, response_id, question_key, question_type, score, choices, text, language)
SELECT id, response_id, question_key, question_type, score, choices, text, language
FROM json_populate_recordset(NULL::answers, %(answers)s)
"""


def revise_response(
    conn: Connection,
    response_id: str,
    values: Mapping[str, Any],
    given: Mapping[str, Answer],
    language: str | None,
    *,
    invitation: tuple[str, Mapping[str, Any]] | None,
) -> None:
    """Update a response (``values``: ``completed``, ``submission``, ``submitted_at``), replace
    its answers for the keys in ``given`` and bring its invitation up to date (as in
    :func:`create_response`). In a pipelined unit of work on PostgreSQL: two statements, queued."""
    if not driver.in_unit(conn):
        update_response(conn, response_id, **values)
        write_answers(conn, response_id, given, language)
        if invitation is not None:
            invites.update(conn, invitation[0], **invitation[1])
        return
    from psycopg.types.json import Json  # PostgreSQL only: a SQLite command loads no psycopg

    change = invitation[1] if invitation is not None else {}
    params = {
        "id": response_id,
        "completed": values["completed"],
        "submission": Json(values["submission"]),
        "submitted_at": values["submitted_at"],
        "keys": list(given),
        "invitation": invitation[0] if invitation is not None else None,
        "status": change.get("status"),
        "responded_at": change.get("responded_at"),
    }
    driver.write(conn, _PG_REVISE, params)
    if given:
        rows = Json(answer_rows(response_id, given, language))
        driver.write(conn, _PG_INSERT_ANSWERS, {"answers": rows})


def update_response(conn: Connection, response_id: str, **values: Any) -> None:
    conn.execute(responses.update().where(responses.c.id == response_id).values(**values))


def by_id(conn: Connection, response_id: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(responses).where(responses.c.id == response_id)).first()
    return dict(row._mapping) if row is not None else None


def write_answers(
    conn: Connection,
    response_id: str,
    given: Mapping[str, Answer],
    language: str | None,
    *,
    fresh: bool = False,
) -> None:
    """Replace the answers of ``response_id`` for the keys in ``given`` (one row per key);
    ``fresh``: the response was created in this transaction, so there is nothing to replace."""
    if not given:
        return
    if not fresh:
        conn.execute(
            answers.delete().where(
                answers.c.response_id == response_id, answers.c.question_key.in_(list(given))
            )
        )
    conn.execute(_INSERT_ANSWERS, answer_rows(response_id, given, language))


def answer_rows(
    response_id: str, given: Mapping[str, Answer], language: str | None
) -> list[dict[str, Any]]:
    """One typed ``answers`` row per answered question of a response."""
    return [
        {
            "id": new_id(),
            "response_id": response_id,
            "question_key": a.question_key,
            "question_type": a.question_type,
            "score": a.score,
            "choices": list(a.choices) if a.choices is not None else None,
            "text": a.text,
            "language": language,
        }
        for a in given.values()
    ]


SENTIMENT_CUT = 1.0 / 3.0
"""A response is ``positive`` when the mean sentiment of its analysed comments is above this,
``negative`` below its negative, else ``neutral`` (the labels the metrics engine's ``sentiment``
breakdown gives: ``opencx.metrics.domain.frames.SENTIMENT_CUT``)."""


def _like(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere, its ``%``, ``_`` and ``\\`` literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def explore_responses(
    conn: Connection,
    *,
    survey_key: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_score: int | None = None,
    max_score: int | None = None,
    language: str | None = None,
    theme: str | None = None,
    sentiment: str | None = None,
    text: str | None = None,
    before: tuple[datetime, str] | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Responses newest first, one row each with its scores, comments, themes and sentiment
    (the response explorer); ``before`` is the (submitted_at, id) of the last row of the page
    before. A score bound keeps the responses with a score answer inside it, comments and all;
    ``text`` matches any answer's text, case-insensitive; ``theme`` and ``sentiment`` read the
    published ``answer_topics``."""
    r, s = responses.c, surveys.c
    query = (
        sa.select(
            r.id.label("response_id"),
            r.submitted_at,
            r.customer_id,
            r.language,
            r.completed,
            s.key.label("survey"),
            s.kind.label("kind"),
        )
        .select_from(responses.join(surveys, r.survey_id == s.id))
        .order_by(r.submitted_at.desc(), r.id.desc())
        .limit(limit)
    )
    kept = [
        *_response_filters(survey_key, since, until, language, before),
        *_answer_filters(min_score, max_score, text),
        *_topic_filters(theme, sentiment),
    ]
    rows = [dict(x) for x in conn.execute(query.where(*kept)).mappings()]
    if rows:
        _add_details(conn, rows)
    return rows


def _response_filters(
    survey_key: str | None,
    since: datetime | None,
    until: datetime | None,
    language: str | None,
    before: tuple[datetime, str] | None,
) -> list[Any]:
    r = responses.c
    kept: list[Any] = []
    if survey_key:
        kept.append(surveys.c.key == survey_key)
    if since is not None:
        kept.append(r.submitted_at >= since)
    if until is not None:
        kept.append(r.submitted_at < until)
    if language:
        kept.append(r.language == language)
    if before is not None:
        at, last_id = before
        kept.append(sa.or_(r.submitted_at < at, sa.and_(r.submitted_at == at, r.id < last_id)))
    return kept


def _answer_filters(min_score: int | None, max_score: int | None, text: str | None) -> list[Any]:
    a = answers.c
    kept: list[Any] = []
    bounds = [
        *([a.score >= min_score] if min_score is not None else []),
        *([a.score <= max_score] if max_score is not None else []),
    ]
    if bounds:
        scored = sa.select(a.response_id).where(a.response_id == responses.c.id, *bounds)
        kept.append(scored.exists())
    if text:
        found = sa.select(a.response_id).where(
            a.response_id == responses.c.id,
            sa.func.lower(a.text).like(_like(text.lower()), escape="\\"),
        )
        kept.append(found.exists())
    return kept


def _topic_filters(theme: str | None, sentiment: str | None) -> list[Any]:
    t = answer_topics.c
    kept: list[Any] = []
    if theme:
        tagged = sa.select(t.response_id).where(t.response_id == responses.c.id, t.theme == theme)
        kept.append(tagged.exists())
    if sentiment:
        mean = (
            sa.select(sa.func.avg(t.sentiment))
            .where(t.response_id == responses.c.id, t.sentiment.is_not(None))
            .scalar_subquery()
        )
        kept.append(
            {
                "positive": mean > SENTIMENT_CUT,
                "negative": mean < -SENTIMENT_CUT,
                "neutral": mean.between(-SENTIMENT_CUT, SENTIMENT_CUT),
            }[sentiment]
        )
    return kept


def sentiment_label(mean: float | None) -> str | None:
    if mean is None:
        return None
    if mean > SENTIMENT_CUT:
        return "positive"
    return "negative" if mean < -SENTIMENT_CUT else "neutral"


def _add_details(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Each row's ``scores`` [(question, score)], ``comments``, ``themes`` and ``sentiment``
    (the mean over its analysed comments) with its ``sentiment_label``: two queries a page."""
    ids = [row["response_id"] for row in rows]
    scores: dict[str, list[tuple[str, int]]] = {i: [] for i in ids}
    comments: dict[str, list[str]] = {i: [] for i in ids}
    a = answers.c
    found = conn.execute(
        sa.select(a.response_id, a.question_key, a.score, a.text)
        .where(a.response_id.in_(ids))
        .order_by(a.response_id, a.question_key)
    )
    for x in found:
        if x.score is not None:
            scores[x.response_id].append((x.question_key, int(x.score)))
        if x.text:
            comments[x.response_id].append(x.text)
    themes: dict[str, set[str]] = {i: set() for i in ids}
    felt: dict[str, list[float]] = {i: [] for i in ids}
    t = answer_topics.c
    for y in conn.execute(
        sa.select(t.response_id, t.theme, t.sentiment).where(t.response_id.in_(ids))
    ):
        themes[y.response_id].add(y.theme)
        if y.sentiment is not None:
            felt[y.response_id].append(float(y.sentiment))
    for row in rows:
        i = row["response_id"]
        mean = sum(felt[i]) / len(felt[i]) if felt[i] else None
        row.update(
            scores=scores[i],
            comments=comments[i],
            themes=sorted(themes[i]),
            sentiment=mean,
            sentiment_label=sentiment_label(mean),
        )


def survey_results(conn: Connection, survey_key: str, comments: int = 5) -> dict[str, Any]:
    """What a survey gathered, over all its versions: invitations sent, opened and answered;
    responses complete and partial; the count of each score per scored question; its latest
    ``comments`` comments (text, language, when)."""
    i, r, a, s = invitations.c, responses.c, answers.c, surveys.c
    survey_ids = sa.select(s.id).where(s.key == survey_key).scalar_subquery()
    sent = conn.execute(
        sa.select(
            sa.func.count(i.sent_at), sa.func.count(i.opened_at), sa.func.count(i.responded_at)
        ).where(i.survey_id.in_(survey_ids))
    ).one()
    done = sa.func.sum(sa.case((r.completed, 1), else_=0))
    answered = conn.execute(
        sa.select(sa.func.count(), done).where(r.survey_id.in_(survey_ids))
    ).one()
    theirs = answers.join(responses, a.response_id == r.id)
    scores: dict[str, dict[int, int]] = {}
    for x in conn.execute(
        sa.select(a.question_key, a.score, sa.func.count())
        .select_from(theirs)
        .where(r.survey_id.in_(survey_ids), a.score.is_not(None))
        .group_by(a.question_key, a.score)
        .order_by(a.question_key, a.score)
    ):
        scores.setdefault(x[0], {})[int(x[1])] = int(x[2])
    latest = conn.execute(
        sa.select(a.text, a.language, r.submitted_at, r.language.label("response_language"))
        .select_from(theirs)
        .where(r.survey_id.in_(survey_ids), a.text.is_not(None), a.text != "")
        .order_by(r.submitted_at.desc(), a.id)
        .limit(comments)
    )
    return {
        "sent": int(sent[0]),
        "opened": int(sent[1]),
        "answered": int(sent[2]),
        "responses": int(answered[0]),
        "completed": int(answered[1] or 0),
        "scores": scores,
        "comments": [
            {"text": x.text, "language": x.language or x.response_language, "at": x.submitted_at}
            for x in latest
        ],
    }


def scored_texts(conn: Connection, limit: int | None = None) -> list[dict[str, Any]]:
    """Comments with the score given in the same response (what sentiment learns from)."""
    scored = sa.alias(answers, "scored")
    text = sa.alias(answers, "text")
    query = (
        sa.select(
            text.c.response_id,
            text.c.question_key,
            text.c.text,
            text.c.language,
            scored.c.question_type,
            scored.c.score,
        )
        .select_from(
            text.join(
                scored,
                sa.and_(scored.c.response_id == text.c.response_id, scored.c.score.is_not(None)),
                isouter=True,
            )
        )
        .where(text.c.text.is_not(None), text.c.text != "")
        .order_by(text.c.response_id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [dict(x) for x in conn.execute(query).mappings()]


def customer_ids(conn: Connection, response_ids: Sequence[str]) -> dict[str, str | None]:
    rows = conn.execute(
        sa.select(responses.c.id, responses.c.customer_id).where(
            responses.c.id.in_(list(response_ids))
        )
    )
    return {str(i): c for i, c in rows}


def stale_partials(conn: Connection, before: datetime, limit: int = 1000) -> list[dict[str, Any]]:
    """Live responses still partial since ``before`` and not yet followed up."""
    r = responses.c
    query = (
        sa.select(r.id, r.survey_id, r.customer_id)
        .where(r.completed.is_(False), r.source == "opencx", r.submitted_at <= before)
        .where(r.customer_id.is_not(None))
        .where(~sa.exists().where(feedback_followups.c.response_id == r.id))
        .order_by(r.submitted_at)
        .limit(limit)
    )
    return [dict(x) for x in conn.execute(query).mappings()]
