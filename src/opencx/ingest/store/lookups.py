"""Lookups for an import: a set of keys in, answered in batches of ``IN (...)`` queries, never one
query per row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db import schema
from opencx.ingest.store.tables import TABLES, batched


def has_rows(conn: Connection, table: str, source: str) -> bool:
    """Whether ``table`` holds any row of ``source`` (if not, lookups by id can be skipped)."""
    t = TABLES[table]
    query = sa.select(sa.literal(1)).select_from(t).where(t.c.source == source).limit(1)
    return conn.execute(query).first() is not None


def ids_by_external_id(
    conn: Connection, table: str, source: str, external_ids: Iterable[str]
) -> dict[str, str]:
    """``external_id → id`` for the rows of ``source`` in ``table`` among ``external_ids``.

    In the driver's own SQL, not a compiled ``IN`` (an import asks this for every chunk: the
    124,811 orders of a re-import of the bench file in 0.23–0.26 s against 0.39–0.44 s): on
    SQLite ``BATCH`` keys a statement, elsewhere ``KEYS_PER_QUERY`` as one array."""
    name = TABLES[table].name
    found: dict[str, str] = {}
    if conn.dialect.name == "sqlite":
        for part in batched(external_ids):
            marks = ",".join("?" * len(part))
            query = f"SELECT external_id, id FROM {name} WHERE source = ? AND external_id IN "  # noqa: S608
            query += f"({marks})"
            found.update(conn.exec_driver_sql(query, (source, *part)).all())
        return found
    keys = list(external_ids)
    query = f"SELECT external_id, id FROM {name} WHERE source = %s AND external_id = ANY(%s)"  # noqa: S608
    for start in range(0, len(keys), KEYS_PER_QUERY):
        found.update(
            conn.exec_driver_sql(query, (source, keys[start : start + KEYS_PER_QUERY])).all()
        )
    return found


def ids_any_source(
    conn: Connection, table: str, external_ids: Iterable[str], prefer_source: str
) -> dict[str, str]:
    """Rows by external id in any source; ``prefer_source`` wins, then the first source.

    Merged-away customers are skipped: a reference lands on the surviving customer's row.
    """
    t = TABLES[table]
    found: dict[str, tuple[bool, str, str]] = {}
    for part in batched(external_ids):
        query = sa.select(t.c.external_id, t.c.id, t.c.source).where(t.c.external_id.in_(part))
        if table == "customers":
            query = query.where(t.c.merged_into.is_(None))
        for ext, id_, source in conn.execute(query):
            rank = (source != prefer_source, source, id_)
            if ext not in found or rank < found[ext]:
                found[ext] = rank
    return {ext: rank[2] for ext, rank in found.items()}


def erased_customers(conn: Connection, ids: Iterable[str]) -> set[str]:
    """The customers among ``ids`` whose personal data was erased (``erased_at`` set)."""
    t = schema.customers
    found: set[str] = set()
    for part in batched(ids):
        query = sa.select(t.c.id).where(t.c.id.in_(part), t.c.erased_at.is_not(None))
        found.update(conn.execute(query).scalars())
    return found


ANYONE_ERASED = sa.select(
    sa.select(sa.literal(1)).select_from(schema.erased_keys).limit(1).scalar_subquery(),
    sa.select(sa.literal(1))
    .where(schema.customers.c.erased_at.is_not(None))
    .order_by(schema.customers.c.erased_at)
    .limit(1)
    .scalar_subquery(),
)
"""Whether an erased person's key is remembered, and whether a customer was erased: one
statement, two probes. The second reads the partial index of erased customers (migration 0032)
in its order, so that no plan scans the table instead, as PostgreSQL's did on customers an
import had just created, their ``erased_at`` not analyzed yet (3 ms an API event with 45,898
customers)."""


def anyone_erased(conn: Connection) -> bool:
    """Whether any customer was ever erased (if not, an import has nobody's rows to drop).
    Asked by every import and API event."""
    return any(found is not None for found in conn.execute(ANYONE_ERASED).one())


def of_erased_customers(
    conn: Connection, table: str, external_ids: Iterable[str], source: str | None = None
) -> set[str]:
    """The ``external_ids`` of rows of ``table`` (of ``source``, or any) that belong to an erased
    customer: a re-import of them, or of rows under them, is dropped."""
    t, c = TABLES[table], schema.customers
    found: set[str] = set()
    for part in batched(external_ids):
        query = (
            sa.select(t.c.external_id)
            .join(c, c.c.id == t.c.customer_id)
            .where(t.c.external_id.in_(part), c.c.erased_at.is_not(None))
        )
        if source is not None:
            query = query.where(t.c.source == source)
        found.update(conn.execute(query).scalars())
    return found


KEYS_PER_QUERY = 100_000
"""Keys sent in one parameter (``opencx.db.id_lists``)."""


def survey_ids(conn: Connection, keys: Iterable[str]) -> dict[str, str]:
    """``key → id`` of the latest version of each survey."""
    t = schema.surveys
    found: dict[str, tuple[int, str]] = {}
    for part in batched(keys):
        for key, version, id_ in conn.execute(
            sa.select(t.c.key, t.c.version, t.c.id).where(t.c.key.in_(part))
        ):
            if key not in found or version > found[key][0]:
                found[key] = (version, id_)
    return {k: v[1] for k, v in found.items()}


def question_types(conn: Connection, survey_ids_: Iterable[str]) -> dict[tuple[str, str], str]:
    t = schema.survey_questions
    found: dict[tuple[str, str], str] = {}
    for part in batched(survey_ids_):
        query = sa.select(t.c.survey_id, t.c.key, t.c.type).where(t.c.survey_id.in_(part))
        found.update({(s, k): ty for s, k, ty in conn.execute(query)})
    return found


def existing_case_events(conn: Connection, case_ids: Iterable[str]) -> set[tuple[Any, ...]]:
    t = schema.case_events
    found: set[tuple[Any, ...]] = set()
    for part in batched(case_ids):
        query = sa.select(t.c.case_id, t.c.at, t.c.kind, t.c.actor, t.c.body)
        found.update(tuple(r) for r in conn.execute(query.where(t.c.case_id.in_(part))))
    return found


def question_scales(
    conn: Connection, survey_ids_: Iterable[str]
) -> dict[tuple[str, str], tuple[str, int | None, int | None]]:
    """(survey id, question key) → (type, scale_min, scale_max) of the surveys' questions."""
    t = schema.survey_questions
    found: dict[tuple[str, str], tuple[str, int | None, int | None]] = {}
    for part in batched(survey_ids_):
        query = sa.select(t.c.survey_id, t.c.key, t.c.type, t.c.scale_min, t.c.scale_max)
        for s, k, ty, lo, hi in conn.execute(query.where(t.c.survey_id.in_(part))):
            found[(s, k)] = (ty, lo, hi)
    return found
