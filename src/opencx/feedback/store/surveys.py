"""Survey versions and their questions: write a version, read the latest, list, answered keys."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.db.schema import answers, responses, survey_questions, surveys
from opencx.feedback.domain.surveys import Survey, parse_definition, to_definition


def version_rows(survey: Survey, survey_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ``surveys`` row of ``survey`` (its version number set) and its question rows."""
    row = {
        "id": survey_id,
        "key": survey.key,
        "kind": survey.kind,
        "name": survey.name,
        "version": survey.version,
        "languages": list(survey.languages),
        "definition": to_definition(survey),
    }
    questions = [
        {
            "id": new_id(),
            "survey_id": survey_id,
            "key": q.key,
            "type": q.type,
            "scale_min": q.scale_min,
            "scale_max": q.scale_max,
        }
        for q in survey.questions
    ]
    return row, questions


def insert_version(conn: Connection, survey: Survey) -> str:
    """Store ``survey`` (its version number set) with one question row per key."""
    sid = new_id()
    row, questions = version_rows(survey, sid)
    conn.execute(surveys.insert(), row)
    if questions:
        conn.execute(survey_questions.insert(), questions)
    return sid


def _scales(conn: Connection, survey_id: str) -> dict[str, dict[str, object]]:
    q = survey_questions
    rows = conn.execute(
        sa.select(q.c.key, q.c.type, q.c.scale_min, q.c.scale_max).where(q.c.survey_id == survey_id)
    )
    return {
        r.key: {"type": r.type, "scale_min": r.scale_min, "scale_max": r.scale_max} for r in rows
    }


def _from_row(conn: Connection, row: sa.Row[Any]) -> Survey:
    """The survey of a stored row; one written by an import or the demo (whose definition holds
    only question texts) takes its kind, name, languages and scales from the columns."""
    definition = dict(row.definition or {})
    for name in ("key", "kind", "name"):
        definition.setdefault(name, getattr(row, name))
    definition.setdefault("languages", list(row.languages or ()) or ["en"])
    stored = _scales(conn, row.id)
    questions = definition.get("questions") or [{"key": k} for k in stored]
    definition["questions"] = [{**stored.get(str(q.get("key")), {}), **q} for q in questions]
    return parse_definition(definition, version=row.version, id=row.id)


def _columns() -> sa.Select[Any]:
    s = surveys.c
    return sa.select(s.id, s.key, s.kind, s.name, s.version, s.languages, s.definition)


def latest(conn: Connection, key: str) -> Survey | None:
    row = conn.execute(
        _columns().where(surveys.c.key == key).order_by(surveys.c.version.desc()).limit(1)
    ).first()
    return _from_row(conn, row) if row is not None else None


def by_id(conn: Connection, survey_id: str) -> Survey | None:
    row = conn.execute(_columns().where(surveys.c.id == survey_id)).first()
    return _from_row(conn, row) if row is not None else None


def version_ids(conn: Connection, key: str) -> list[str]:
    return list(conn.execute(sa.select(surveys.c.id).where(surveys.c.key == key)).scalars())


def listing(conn: Connection) -> list[dict[str, object]]:
    """Latest version of each survey with its response count, newest key first."""
    top = (
        sa.select(surveys.c.key, sa.func.max(surveys.c.version).label("version"))
        .group_by(surveys.c.key)
        .subquery()
    )
    counts = (
        sa.select(surveys.c.key, sa.func.count(responses.c.id).label("responses"))
        .select_from(surveys.join(responses, responses.c.survey_id == surveys.c.id))
        .group_by(surveys.c.key)
        .subquery()
    )
    query = (
        sa.select(
            surveys.c.id,
            surveys.c.key,
            surveys.c.kind,
            surveys.c.name,
            surveys.c.version,
            surveys.c.languages,
            sa.func.coalesce(counts.c.responses, 0).label("responses"),
        )
        .join(top, sa.and_(top.c.key == surveys.c.key, top.c.version == surveys.c.version))
        .outerjoin(counts, counts.c.key == surveys.c.key)
        .order_by(surveys.c.key)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def answered_keys(conn: Connection, key: str) -> set[str]:
    """Question keys of survey ``key`` (any version) that have at least one answer."""
    query = (
        sa.select(answers.c.question_key)
        .distinct()
        .select_from(
            answers.join(responses, answers.c.response_id == responses.c.id).join(
                surveys, responses.c.survey_id == surveys.c.id
            )
        )
        .where(surveys.c.key == key)
    )
    return set(conn.execute(query).scalars())


def keys_of(conn: Connection, survey_ids: Iterable[str]) -> dict[str, str]:
    ids = list(set(survey_ids))
    if not ids:
        return {}
    rows = conn.execute(sa.select(surveys.c.id, surveys.c.key).where(surveys.c.id.in_(ids)))
    return {str(i): str(k) for i, k in rows}
