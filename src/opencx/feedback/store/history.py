"""Set-based writes of loaded history (``service/history.py``): one ``executemany`` per table
and batch of rows (:func:`opencx.db.bulk.insert_columns`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.bulk import insert_columns
from opencx.db.schema import answers, invitations, responses, survey_questions, surveys
from opencx.feedback.domain.surveys import Survey
from opencx.feedback.store.surveys import version_rows


def _insert(conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        names = list(rows[0])
        insert_columns(conn, table, {n: [r[n] for r in rows] for n in names})


def insert_surveys(conn: Connection, made: Sequence[Survey]) -> None:
    """Each survey (its id and version set) with its question rows."""
    pairs = [version_rows(s, s.id) for s in made]
    _insert(conn, surveys, [row for row, _ in pairs])
    _insert(conn, survey_questions, [q for _, questions in pairs for q in questions])


def insert_invitations(conn: Connection, columns: Mapping[str, Sequence[Any]]) -> None:
    insert_columns(conn, invitations, columns)


def insert_responses(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    _insert(conn, responses, rows)


def insert_answers(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    _insert(conn, answers, rows)
