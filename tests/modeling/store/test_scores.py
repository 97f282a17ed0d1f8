"""Scores are written in batches of plain tuples with their JSON made by the store: on both
stores they read back as the values given, with NaN and infinity as null and NumPy scalars as
plain numbers, and a second write of a run's kind replaces the first."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from opencx.db.schema import customers
from opencx.modeling.store.runs import (
    ModelRun,
    ScoreRow,
    _clean,
    _details_text,
    insert_run,
    insert_scores,
    scores_for_run,
)

WHEN = datetime(2026, 12, 6, tzinfo=UTC)


def _store(engine: Engine, n: int) -> list[str]:
    ids = [f"01JF0Z8Q3W7K5N2M4P6R8T0V{i:02d}" for i in range(n)]
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            [{"id": c, "source": "test", "external_id": c, "created_at": WHEN} for c in ids],
        )
        insert_run(
            conn,
            ModelRun("RUN", "churn", "1", {}, "f" * 64, WHEN, {}, {}),
        )
    return ids


def test_scores_read_back_as_written_on_both_stores(engine: Engine) -> None:
    ids = _store(engine, 12)
    rows = [
        ScoreRow(c, "churn_risk", v, d)
        for c, v, d in zip(
            ids,
            [0.25, float("nan"), None, float("inf"), *([0.5] * 8)],
            [
                {"reasons": [{"feature": "recency_days", "value": 448, "delta": 0.152}]},
                {"value": np.float64(1.5), "n": np.int64(3), "flag": np.bool_(True)},
                {"missing": float("nan"), "nested": {"x": [1, (2, 3)]}},
                {"text": 'Γιώργος "quoted"', "none": None},
                *({"i": i} for i in range(8)),
            ],
            strict=True,
        )
    ]
    with engine.begin() as conn:
        assert insert_scores(conn, "RUN", rows, batch=5) == 12
    with engine.connect() as conn:
        found = {r["customer_id"]: r for r in scores_for_run(conn, "RUN", "churn_risk")}
    assert len(found) == 12
    assert found[ids[0]]["value"] == 0.25
    assert found[ids[0]]["details"] == rows[0].details
    assert found[ids[1]]["value"] is None and found[ids[2]]["value"] is None
    assert found[ids[3]]["value"] is None
    assert found[ids[1]]["details"] == {"value": 1.5, "n": 3, "flag": True}
    assert found[ids[2]]["details"] == {"missing": None, "nested": {"x": [1, [2, 3]]}}
    assert found[ids[3]]["details"] == {"text": 'Γιώργος "quoted"', "none": None}
    with engine.begin() as conn:  # a second write of the kind replaces the first
        assert insert_scores(conn, "RUN", [ScoreRow(ids[0], "churn_risk", 0.75, {})]) == 1
    with engine.connect() as conn:
        again = scores_for_run(conn, "RUN", "churn_risk")
    assert [(r["customer_id"], r["value"], r["details"]) for r in again] == [(ids[0], 0.75, {})]


plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200)
@given(st.dictionaries(st.text(max_size=4), plain, max_size=4))
def test_the_json_text_is_what_the_column_type_stored_before(details: dict[str, object]) -> None:
    """The text equals ``json.dumps(_clean(details))``, what SQLAlchemy's JSON type wrote."""
    assert _details_text(details) == json.dumps(_clean(details))


@pytest.mark.parametrize(
    "value",
    [np.float32(0.1), np.float64(float("nan")), np.int32(7), [np.float64(2.5)], (np.int8(1),)],
)
def test_numpy_values_are_converted_as_before(value: object) -> None:
    assert _details_text({"v": value}) == json.dumps(_clean({"v": value}))
