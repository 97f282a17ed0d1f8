"""Next best offer on a Parquet warehouse (DuckDB): its one basket query, split by the engine
at the holdout cut, gives the run the operational store gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opencx.core import FixedClock
from opencx.modeling.service import ModelingService
from tests.modeling.conftest import export_parquet


def _nbo(service: ModelingService, as_of: Any) -> tuple[dict[str, Any], list[Any]]:
    run = service.fit("nbo", as_of=as_of)
    _, rows = service.scores("nbo", "nbo", limit=None)
    found = sorted((r["customer_id"], r["value"], r["details"]["products"]) for r in rows)
    return {**run.metrics, "rules": run.params["rules"], "fp": run.data_fingerprint}, found


@pytest.mark.slow  # queued among the first files (tests/scheduling.py)
def test_nbo_on_a_parquet_warehouse_equals_nbo_on_the_store(synthetic: Any, tmp_path: Path) -> None:
    engine, planted = synthetic
    clock = FixedClock(planted.end)
    on_store = _nbo(ModelingService(engine, secret_key="x", clock=clock), planted.end)
    export_parquet(engine, tmp_path)
    warehouse = ModelingService(
        engine, secret_key="x", clock=clock, warehouse_url=f"parquet://{tmp_path}"
    )
    on_duckdb = _nbo(warehouse, planted.end)
    assert on_store[0]["customers_evaluated"] > 0 and len(on_store[1]) > 100
    assert on_duckdb == on_store
