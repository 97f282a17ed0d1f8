"""On the demo retailer: every metric computes; the planted effects show (docs/demo-data.md)."""

from __future__ import annotations

import math

import pytest
from sqlalchemy.engine import Engine

import opencx.metrics as m
from opencx.demo import DemoSettings, build_demo, write_demo
from opencx.metrics.store.backends import connect

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(sqlite_engine: Engine, sqlite_url: str):
    write_demo(sqlite_engine, build_demo(DemoSettings(customers=1500, seed=7)))
    con = connect(sqlite_url)
    yield con
    con.disconnect()


def test_every_metric_on_the_demo_and_the_planted_size_returns(demo) -> None:
    for name in m.METRICS:
        result = m.compute(m.MetricRequest(name, period="quarter"), demo)
        for row in result.rows:
            assert row.value is None or math.isfinite(row.value), name
    by_category = m.compute(m.MetricRequest("return_rate", by=["category"]), demo).rows
    ranked = sorted(by_category, key=lambda r: -(r.value or 0))
    assert {r.keys["category"] for r in ranked[:2]} == {"Clothing", "Shoes"}
    nps = m.compute(m.MetricRequest("nps"), demo).rows[0]
    assert nps.value is not None and -100 < nps.lower < nps.value < nps.upper < 100
