"""Responses and their typed answers: write live answers, read a response back, the explorer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.db import driver
from opencx.db.schema import answers, responses, surveys
from opencx.feedback.domain.responses import Answer
from opencx.feedback.store import invitations as invites
from opencx.feedback.store.tables import feedback_followups

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


def explore(
    conn: Connection,
    *,
    survey_key: str | None,
    since: datetime | None,
    until: datetime | None,
    min_score: int | None,
    max_score: int | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Answers with their response, newest first, filtered (the response explorer)."""
    r, a, s = responses.c, answers.c, surveys.c
    query = (
        sa.select(
            r.id.label("response_id"),
            r.submitted_at,
            r.customer_id,
            r.language,
            r.completed,
            s.key.label("survey"),
            s.kind.label("kind"),
            a.question_key,
            a.question_type,
            a.score,
            a.text,
        )
        .select_from(
            answers.join(responses, a.response_id == r.id).join(surveys, r.survey_id == s.id)
        )
        .order_by(r.submitted_at.desc(), r.id, a.question_key)
        .limit(limit)
    )
    if survey_key:
        query = query.where(s.key == survey_key)
    if since is not None:
        query = query.where(r.submitted_at >= since)
    if until is not None:
        query = query.where(r.submitted_at < until)
    if min_score is not None:
        query = query.where(a.score >= min_score)
    if max_score is not None:
        query = query.where(a.score <= max_score)
    return [dict(x) for x in conn.execute(query).mappings()]


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
