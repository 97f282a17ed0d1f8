"""Each metric's compiled SQL (DuckDB dialect) is snapshotted: a change of meaning shows in review.

Run with ``OPENCX_UPDATE_SNAPSHOTS=1`` to rewrite the snapshots after an intended change.
"""

from __future__ import annotations

import os
from pathlib import Path

import ibis
import pytest

import opencx.metrics as m
from opencx.metrics.domain.registry import ROLLUP_VERSION, ROLLUPS

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.mark.parametrize("name", sorted(m.METRICS))
def test_compiled_sql_matches_snapshot(name: str, empty_tables) -> None:
    by = ["country"]
    expr = m.expression(m.MetricRequest(name, by=by, period="month"), empty_tables)
    sql = ibis.to_sql(expr, dialect="duckdb").strip() + "\n"
    path = SNAPSHOTS / f"{name}.sql"
    if os.environ.get("OPENCX_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.write_text(sql)
    assert sql == path.read_text(), f"SQL of {name} changed; review and update the snapshot"


def test_every_snapshot_belongs_to_a_metric() -> None:
    assert {p.stem for p in SNAPSHOTS.glob("*.sql")} <= set(m.METRICS)


@pytest.mark.parametrize("name", sorted(ROLLUPS))
def test_rollup_sql_matches_snapshot(name: str, empty_tables) -> None:
    """A rollup written by an older definition must not be read as if it were new: a changed
    definition needs a new ``ROLLUP_VERSION`` (which makes every existing rollup stale)."""
    sql = ibis.to_sql(ROLLUPS[name].build(empty_tables), dialect="duckdb").strip()
    text = f"-- rollup version {ROLLUP_VERSION}\n{sql}\n"
    path = SNAPSHOTS / "rollups" / f"{name}.sql"
    if os.environ.get("OPENCX_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), (
        f"SQL of rollup {name} changed: bump ROLLUP_VERSION in "
        "opencx/metrics/domain/registry.py, then update the snapshot"
    )
