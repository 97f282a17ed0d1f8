"""A list of ids sent as ONE statement parameter: a JSON array read by ``json_each`` on SQLite,
an array on PostgreSQL. The statement is the same for one id or 100,000, so it is built (and
planned) once; an expanded ``IN (?, ?, ...)`` costs a bind parameter per value to render,
convert and plan, and a statement per length of list.

:func:`among_ids` is the condition for a statement built with SQLAlchemy, :func:`ids_rows` the
list's rows in a statement's own SQL text; :func:`ids_value` is the value bound to either.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

__all__ = ["among_ids", "ids_rows", "ids_value"]


def among_ids(column: Any, dialect: str, name: str = "ids") -> Any:
    """``column`` among the ids bound to the parameter ``name`` (:func:`ids_value`):
    ``column = ANY(:ids)`` on PostgreSQL (an index probe whatever the list's length),
    ``column IN (SELECT value FROM json_each(:ids))`` on SQLite. For a statement built once
    per dialect: building one per call cost more than its execution (0.25-0.4 ms of
    SQLAlchemy's building and cache key for one customer's row)."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=postgresql.ARRAY(sa.String)))
    listed = sa.func.json_each(sa.bindparam(name, type_=sa.String)).table_valued("value")
    return column.in_(sa.select(listed.c.value))


def ids_rows(dialect: str, placeholder: str = ":ids") -> str:
    """The ids bound at ``placeholder`` (:func:`ids_value`) as a query of one column, in SQL
    text: the right side of an ``IN``, or the rows of an ``INSERT ... SELECT``.
    ``placeholder`` is the statement's mark: ``:name`` in ``sa.text``, ``?`` or ``%s`` in
    the driver's own SQL."""
    if dialect == "postgresql":
        return f"(SELECT unnest(CAST({placeholder} AS text[])))"
    return f"(SELECT value FROM json_each({placeholder}))"  # noqa: S608


def ids_value(conn: Connection, values: Sequence[str]) -> Any:
    """``values`` as the one parameter :func:`among_ids` and :func:`ids_rows` read: a list
    on PostgreSQL, its JSON text on SQLite."""
    return list(values) if conn.dialect.name == "postgresql" else json.dumps(list(values))
