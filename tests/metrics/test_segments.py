"""Breakdowns by the models' latest RFM segment and persona, read from modeling's published read
model (the ``customer_segments`` view of migration 0011), on SQLite, PostgreSQL and DuckDB."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

import opencx.metrics as m
from opencx.core.errors import InvalidInput
from opencx.db.schema import customer_scores, model_runs
from opencx.metrics.service import MetricsService

from .conftest import load_sql
from .test_definitions import _nps_by

RUNS = [
    ("run-rfm-old", "rfm", datetime(2025, 6, 1, tzinfo=UTC)),
    ("run-rfm-new", "rfm", datetime(2025, 12, 1, tzinfo=UTC)),
    ("run-personas", "personas", datetime(2025, 11, 1, tzinfo=UTC)),
]


def _number(customer_id: str) -> int:
    return int(customer_id[1:])


def rfm_of(customer_id: str) -> str | None:
    """Every fifth customer was scored only by the older run; one in ten never."""
    i = _number(customer_id)
    if i % 10 == 9:
        return None
    if i % 5 == 0:
        return "Hibernating"
    return "Champions" if i % 2 else "At Risk"


def persona_of(customer_id: str) -> str | None:
    i = _number(customer_id)
    return None if i % 10 == 9 else ("Deal hunters", "persona 2")[i % 2]


def _score_rows(customers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for c in customers:
        cid, i = c["id"], _number(c["id"])
        if i % 10 == 9:
            continue
        old = {"name": "Hibernating", "r": 1}
        rows.append(_score(cid, "run-rfm-old", "rfm_segment", 9.0, old))
        if i % 5:
            name = "Champions" if i % 2 else "At Risk"
            rows.append(_score(cid, "run-rfm-new", "rfm_segment", 1.0 + i % 2, {"name": name}))
        persona = {"id": 1, "name": "Deal hunters"} if i % 2 == 0 else {"id": 2, "name": None}
        rows.append(_score(cid, "run-personas", "persona", float(persona["id"]), persona))
    return rows


def _score(cid: str, run: str, kind: str, value: float, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_id": cid,
        "model_run_id": run,
        "kind": kind,
        "value": value,
        "details": details,
    }


def _write_scores(engine: Engine, customers: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for run_id, model, at in RUNS:
            conn.execute(
                model_runs.insert(),
                {
                    "id": run_id,
                    "model": model,
                    "version": "1",
                    "config": {},
                    "data_fingerprint": "test",
                    "fitted_at": at,
                    "metrics": {},
                    "params": {},
                },
            )
        conn.execute(customer_scores.insert(), _score_rows(customers))


def _check(result: m.MetricResult, key: str, want: dict[object, float]) -> None:
    got = {r.keys[key]: r.value for r in result.rows}
    assert got.keys() == want.keys()
    for name, value in want.items():
        assert math.isclose(got[name], value), name


def test_nps_by_latest_rfm_segment_and_persona_names(engine: Engine, canonical_rows) -> None:
    load_sql(engine, canonical_rows)
    _write_scores(engine, canonical_rows["customers"])
    service = MetricsService(engine)
    by_rfm = service.compute(m.MetricRequest("nps", by=["rfm_segment"], min_n=1))
    want = _nps_by(canonical_rows, lambda c: rfm_of(c["id"]))
    assert set(want) == {"Champions", "At Risk", "Hibernating", None}
    _check(by_rfm, "rfm_segment", want)
    by_persona = service.compute(m.MetricRequest("nps", by=["persona"], min_n=1))
    _check(by_persona, "persona", _nps_by(canonical_rows, lambda c: persona_of(c["id"])))
    champions = service.compute(
        m.MetricRequest("repeat_purchase_rate", filters={"rfm_segment": "Champions"}, min_n=1)
    )
    assert champions.rows and champions.rows[0].n > 0


def test_duckdb_reads_the_segments_like_a_canonical_table(duck, canonical_rows) -> None:
    rows = [
        {"customer_id": c["id"], "rfm_segment": rfm_of(c["id"]), "persona": persona_of(c["id"])}
        for c in canonical_rows["customers"]
        if rfm_of(c["id"]) is not None
    ]
    tables = {name: duck.table(name) for name in canonical_rows}
    tables["customer_segments"] = duck.create_table(
        "customer_segments_test", pa.Table.from_pylist(rows), temp=True
    )
    result = m.compute(m.MetricRequest("nps", by=["rfm_segment"], min_n=1), tables)
    _check(result, "rfm_segment", _nps_by(canonical_rows, lambda c: rfm_of(c["id"])))


def test_without_the_read_model_the_error_says_where_it_comes_from(duck) -> None:
    with pytest.raises(InvalidInput, match=r"customer_segments.*opencx init"):
        m.compute(m.MetricRequest("nps", by=["persona"]), duck)


def test_the_view_is_created_and_dropped_by_the_migrations(sqlite_url: str) -> None:
    from opencx.db.engine import create_engine_from_url

    engine = create_engine_from_url(sqlite_url)
    with engine.connect() as conn:
        assert "customer_segments" in sa.inspect(conn).get_view_names()
    engine.dispose()
