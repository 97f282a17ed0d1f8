"""`opencx telco-eval`: the import pipeline loads the telco sample, then churn is fitted on it.

Modeling writes only its own tables: customers and subscriptions arrive through ingest (with
identity resolution, idempotent on a re-run), the run and scores through modeling.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.db.schema import customer_scores, customers, identities, model_runs, subscriptions
from tests.conftest import data_file

COLUMNS = [
    "customerID",
    "gender",
    "SeniorCitizen",
    "Partner",
    "Dependents",
    "tenure",
    "PhoneService",
    "MultipleLines",
    "InternetService",
    "OnlineSecurity",
    "OnlineBackup",
    "DeviceProtection",
    "TechSupport",
    "StreamingTV",
    "StreamingMovies",
    "Contract",
    "PaperlessBilling",
    "PaymentMethod",
    "MonthlyCharges",
    "TotalCharges",
    "Churn",
]


def _sample(path: Path, n: int = 400, seed: int = 0) -> None:
    """A telco-shaped file with a planted signal: month-to-month and short tenure churn."""
    rng = np.random.default_rng(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(n):
            monthly = rng.random() < 0.5
            tenure = int(rng.integers(0, 72))
            churn = rng.random() < (0.55 if monthly else 0.08) * (1.4 if tenure < 12 else 0.7)
            charges = round(float(rng.uniform(20, 110)), 2)
            total = "" if tenure == 0 else f"{charges * tenure:.2f}"
            row = {c: "No" for c in COLUMNS}
            row.update(
                customerID=f"{i:04d}-TEL",
                gender=str(rng.choice(["Female", "Male"])),
                SeniorCitizen=str(int(rng.random() < 0.2)),
                tenure=str(tenure),
                InternetService=str(rng.choice(["DSL", "Fiber optic", "No"])),
                Contract="Month-to-month" if monthly else str(rng.choice(["One year", "Two year"])),
                PaymentMethod="Electronic check",
                MonthlyCharges=f"{charges:.2f}",
                TotalCharges=total,
                Churn="Yes" if churn else "No",
            )
            w.writerow([row[c] for c in COLUMNS])


def _run(engine: Engine, path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from opencx.cli import _mount, app

    monkeypatch.setenv("OPENCX_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv("OPENCX_WAREHOUSE_URL", raising=False)
    _mount()
    return CliRunner().invoke(app, ["telco-eval", str(path), "--snapshot", "2026-01-01"])


def _count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_telco_eval_imports_through_ingest_and_fits_churn(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "telco.csv"
    _sample(path)
    r = _run(sqlite_engine, path, monkeypatch)
    assert r.exit_code == 0, r.output
    assert "customers=400 subscriptions=400" in r.output and "AUC=" in r.output
    assert _count(sqlite_engine, customers) == 400
    assert _count(sqlite_engine, identities) >= 400  # identities resolved on import
    assert _count(sqlite_engine, model_runs) == 1
    assert _count(sqlite_engine, customer_scores) == 400

    again = _run(sqlite_engine, path, monkeypatch)  # a re-run upserts: nothing doubles
    assert again.exit_code == 0, again.output
    assert (_count(sqlite_engine, customers), _count(sqlite_engine, subscriptions)) == (400, 400)


def test_telco_eval_names_a_missing_file(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = _run(sqlite_engine, tmp_path / "absent.csv", monkeypatch)
    assert r.exit_code == 1 and "absent.csv: file not found" in r.output


@pytest.mark.slow
def test_telco_snapshot_reaches_published_auc(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole IBM sample (tests/data/telco, gzipped as shipped there)."""
    path = data_file("telco/WA_Fn-UseC_-Telco-Customer-Churn.csv.gz")
    r = _run(sqlite_engine, path, monkeypatch)
    assert r.exit_code == 0, r.output
    assert "customers=7043 subscriptions=7043 blank TotalCharges=11" in r.output
    auc = float(r.output.split("AUC=")[1].split()[0])
    brier = float(r.output.split("Brier=")[1].split()[0])
    assert auc >= 0.80 and brier < 0.16
    print(r.output)
