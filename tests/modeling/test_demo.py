"""End to end on the demo data: every model fits, scores land in customer_scores with details."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.db.schema import customer_scores
from opencx.modeling.service import ModelingService

MODELS = ("clv", "churn", "rfm", "personas", "loyalty-types", "nbo")


@pytest.mark.slow  # queued among the first files (tests/scheduling.py)
def test_demo_fit_and_score_end_to_end(sqlite_engine: Engine, clock: FixedClock) -> None:
    from opencx.demo import DemoSettings, build_demo, write_demo

    write_demo(sqlite_engine, build_demo(DemoSettings(customers=500, seed=3)))
    service = ModelingService(sqlite_engine, secret_key="test-secret", clock=clock)
    runs = {m: service.fit(m) for m in MODELS}
    for m in MODELS:
        run, n = service.score(m)
        assert run.id == runs[m].id and n > 0, m
    with sqlite_engine.connect() as conn:
        kinds = dict(
            conn.execute(
                sa.select(customer_scores.c.kind, sa.func.count()).group_by(customer_scores.c.kind)
            ).all()
        )
        clv = conn.execute(
            sa.select(customer_scores.c.details).where(customer_scores.c.kind == "clv_12m")
        ).first()
    for kind in ("clv_12m", "p_alive", "churn_risk", "rfm_segment", "persona", "loyal_type", "nbo"):
        assert kinds.get(kind, 0) > 0, kind
    assert {"expected_purchases", "expected_spend", "p_alive"} <= set(clv[0])
    churn = runs["churn"].metrics
    print("demo churn", {k: churn.get(k) for k in ("auc", "pr_auc", "brier", "n")})
    print("demo nbo", runs["nbo"].metrics)
    print("demo personas", [p["description"] for p in runs["personas"].params["personas"]])
    assert churn["auc"] > 0.6
    assert runs["clv"].params["r"] > 0
