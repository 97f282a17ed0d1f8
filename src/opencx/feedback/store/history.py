"""Set-based writes of loaded history (``service/history.py``): one ``executemany`` per table
and batch of rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import answers, invitations, responses, survey_questions, surveys
from opencx.feedback.domain.surveys import Survey
from opencx.feedback.store.surveys import version_rows

BATCH = 5_000


def _insert(conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    stmt = table.insert()
    for start in range(0, len(rows), BATCH):
        conn.execute(stmt, list(rows[start : start + BATCH]))


def insert_surveys(conn: Connection, made: Sequence[Survey]) -> None:
    """Each survey (its id and version set) with its question rows."""
    pairs = [version_rows(s, s.id) for s in made]
    _insert(conn, surveys, [row for row, _ in pairs])
    _insert(conn, survey_questions, [q for _, questions in pairs for q in questions])


def insert_invitations(conn: Connection, columns: Mapping[str, Sequence[Any]]) -> None:
    names = list(columns)
    rows = [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    _insert(conn, invitations, rows)


def insert_responses(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    _insert(conn, responses, rows)


def insert_answers(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    _insert(conn, answers, rows)
