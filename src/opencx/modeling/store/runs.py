"""Saved model runs and per-customer scores: the ``model_runs`` and ``customer_scores`` tables.

SQLAlchemy Core on the canonical tables; the only tables the modeling slice writes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core import new_id
from opencx.db.schema import customer_scores, model_runs

__all__ = [
    "ModelRun",
    "ScoreRow",
    "insert_run",
    "insert_scores",
    "latest_run",
    "list_runs",
    "score_summaries",
    "scores_for_run",
]


@dataclass(frozen=True, slots=True)
class ModelRun:
    """A saved fit: what was fitted, on which data, when, and how well."""

    id: str
    model: str
    version: str
    config: dict[str, Any]
    data_fingerprint: str
    fitted_at: datetime
    metrics: dict[str, Any]
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One customer's score of one kind from one run."""

    customer_id: str
    kind: str
    value: float | None
    details: dict[str, Any]


_PLAIN = (str, int, bool, type(None))


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf become null, numpy scalars become Python numbers."""
    kind = type(value)
    if kind in _PLAIN:  # the common case first: nothing to convert
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def insert_run(conn: Connection, run: ModelRun) -> None:
    conn.execute(
        model_runs.insert().values(
            id=run.id,
            model=run.model,
            version=run.version,
            config=_clean(run.config),
            data_fingerprint=run.data_fingerprint,
            fitted_at=run.fitted_at,
            metrics=_clean(run.metrics),
            params=_clean(run.params),
        )
    )


def new_run_id() -> str:
    return new_id()


_INSERT_SCORES = {  # the statement in each driver's placeholder style (sqlite3; psycopg)
    mark: "INSERT INTO customer_scores (customer_id, model_run_id, kind, value, details) "
    "VALUES (" + ", ".join([mark] * 5) + ")"
    for mark in ("?", "%s")
}


def _details_text(details: dict[str, Any]) -> str:
    """The JSON text SQLAlchemy's JSON type would store for ``_clean(details)``: straight from
    ``json.dumps`` when the value is plain already (no NaN, no NumPy scalar: what the models
    give), through :func:`_clean` otherwise."""
    try:
        return json.dumps(details, allow_nan=False)
    except (TypeError, ValueError):
        return json.dumps(_clean(details))


def insert_scores(
    conn: Connection, run_id: str, rows: Iterable[ScoreRow], *, batch: int = 5_000
) -> int:
    """Write scores of one run (existing rows of the same run and kind are replaced).

    One driver-level ``executemany`` per batch of plain tuples, the JSON text made here: the
    row-by-row parameter processing of a Core insert cost more than the insert itself (a
    20,000-customer fit of every model writes 133,000 scores)."""
    insert = _INSERT_SCORES["?" if conn.dialect.paramstyle == "qmark" else "%s"]
    buffer: list[tuple[str, str, str, float | None, str]] = []
    kinds: set[str] = set()
    count = 0
    for row in rows:
        if row.kind not in kinds:
            kinds.add(row.kind)
            conn.execute(
                customer_scores.delete().where(
                    (customer_scores.c.model_run_id == run_id)
                    & (customer_scores.c.kind == row.kind)
                )
            )
        value = None if row.value is None or not math.isfinite(row.value) else float(row.value)
        buffer.append((row.customer_id, run_id, row.kind, value, _details_text(row.details)))
        if len(buffer) >= batch:
            conn.exec_driver_sql(insert, buffer)
            count += len(buffer)
            buffer = []
    if buffer:
        conn.exec_driver_sql(insert, buffer)
        count += len(buffer)
    return count


def _run(row: sa.Row[Any]) -> ModelRun:
    m = row._mapping

    def obj(v: Any) -> dict[str, Any]:
        return json.loads(v) if isinstance(v, str) else dict(v or {})

    return ModelRun(
        id=m["id"],
        model=m["model"],
        version=m["version"],
        config=obj(m["config"]),
        data_fingerprint=m["data_fingerprint"],
        fitted_at=m["fitted_at"],
        metrics=obj(m["metrics"]),
        params=obj(m["params"]),
    )


def list_runs(conn: Connection, model: str | None = None, limit: int = 100) -> list[ModelRun]:
    q = sa.select(model_runs).order_by(model_runs.c.fitted_at.desc(), model_runs.c.id.desc())
    if model:
        q = q.where(model_runs.c.model == model)
    return [_run(r) for r in conn.execute(q.limit(limit))]


def latest_run(conn: Connection, model: str) -> ModelRun | None:
    runs = list_runs(conn, model, limit=1)
    return runs[0] if runs else None


def get_run(conn: Connection, run_id: str) -> ModelRun | None:
    row = conn.execute(sa.select(model_runs).where(model_runs.c.id == run_id)).first()
    return _run(row) if row else None


def scores_for_run(
    conn: Connection,
    run_id: str,
    kind: str,
    *,
    order_desc: bool = True,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Scores of one kind from one run, best first (the customers slice gives their names and
    emails: :class:`opencx.core.contacts.ContactsOf`)."""
    s = customer_scores
    q = (
        sa.select(s.c.customer_id, s.c.value, s.c.details)
        .where((s.c.model_run_id == run_id) & (s.c.kind == kind))
        .order_by(s.c.value.desc() if order_desc else s.c.value.asc(), s.c.customer_id)
    )
    if limit is not None:
        q = q.limit(limit)
    out = []
    for r in conn.execute(q):
        d = dict(r._mapping)
        if isinstance(d["details"], str):
            d["details"] = json.loads(d["details"])
        out.append(d)
    return out


def score_kinds(conn: Connection, run_id: str) -> Sequence[str]:
    s = customer_scores
    q = sa.select(s.c.kind).where(s.c.model_run_id == run_id).distinct().order_by(s.c.kind)
    return [r[0] for r in conn.execute(q)]


def score_summaries(
    conn: Connection, run_ids: Sequence[str], kind: str
) -> dict[str, tuple[int, float, float]]:
    """Per run: how many customers have a ``kind`` score, its mean and its sample variance
    (one aggregate query; runs without scores are absent)."""
    s = customer_scores.c
    value = s.value
    rows = conn.execute(
        sa.select(
            s.model_run_id,
            sa.func.count(value),
            sa.func.avg(value),
            sa.func.avg(value * value),
        )
        .where(s.model_run_id.in_(list(run_ids)), s.kind == kind, value.is_not(None))
        .group_by(s.model_run_id)
    )
    found: dict[str, tuple[int, float, float]] = {}
    for run_id, n, mean, mean_sq in rows:
        if not n:
            continue
        n, mean = int(n), float(mean)
        variance = max(float(mean_sq) - mean * mean, 0.0) * n / (n - 1) if n > 1 else 0.0
        found[run_id] = (n, mean, variance)
    return found
