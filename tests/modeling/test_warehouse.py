"""`opencx models fit clv` on a warehouse: the summary is built in the engine, the fit agrees.

The operational database (SQLite) keeps the runs; the canonical tables are read from a Parquet
folder (DuckDB) or by local PySpark, through the same URL metrics read
(``OPENCX_WAREHOUSE_URL``). The fit must match the fit on the operational database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.core import FixedClock
from opencx.modeling.service import ModelingService
from tests.modeling.conftest import export_parquet

PARAMS = ("r", "alpha", "a", "b")


def _fit_with_cli(
    engine: Engine, warehouse: str, as_of: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    from opencx.cli import _mount, app

    monkeypatch.setenv("OPENCX_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("OPENCX_WAREHOUSE_URL", warehouse)
    _mount()
    r = CliRunner().invoke(app, ["models", "fit", "clv", "--as-of", as_of])
    assert r.exit_code == 0, r.output
    assert "clv run" in r.output and "summary_rows=" in r.output
    run = ModelingService(engine, secret_key="x").latest("clv")
    assert run is not None
    return {"params": run.params, "metrics": run.metrics, "fingerprint": run.data_fingerprint}


def _reference(engine: Engine, as_of: Any) -> dict[str, Any]:
    service = ModelingService(engine, secret_key="x", clock=FixedClock(as_of))
    run = service.fit("clv", as_of=as_of)
    return {"params": run.params, "metrics": run.metrics, "fingerprint": run.data_fingerprint}


def _agree(found: dict[str, Any], ref: dict[str, Any]) -> None:
    for name in PARAMS:
        assert found["params"][name] == pytest.approx(ref["params"][name], rel=1e-6), name
    assert found["metrics"]["customers"] == ref["metrics"]["customers"]
    assert found["metrics"]["summary_rows"] == ref["metrics"]["summary_rows"]
    assert found["metrics"]["summary_rows"] <= found["metrics"]["customers"]
    assert found["fingerprint"] == ref["fingerprint"]


def test_cli_fits_clv_on_a_parquet_warehouse(
    synthetic: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, planted = synthetic
    ref = _reference(engine, planted.end)
    export_parquet(engine, tmp_path)
    found = _fit_with_cli(engine, f"parquet://{tmp_path}", planted.end.isoformat(), monkeypatch)
    _agree(found, ref)


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_cli_fits_clv_on_local_pyspark(
    synthetic: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spark_session: Any
) -> None:
    engine, planted = synthetic
    ref = _reference(engine, planted.end)
    export_parquet(engine, tmp_path)
    url = f"pyspark://{tmp_path}?master=local[1]"
    found = _fit_with_cli(engine, url, planted.end.isoformat(), monkeypatch)
    _agree(found, ref)
