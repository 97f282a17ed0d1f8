"""The feature path is backend-neutral: SQLite, DuckDB and local PySpark give the same table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from opencx.modeling.domain.features.customer import (
    FEATURE_COLUMNS,
    Sources,
    customer_features,
    feature_frame,
)
from opencx.modeling.domain.segments.rfm import rfm_scores
from opencx.modeling.store.warehouse import open_tables, sources
from tests.modeling.conftest import export_parquet

COMPARED = [c for c in FEATURE_COLUMNS if c != "recency_days"] + ["recency_days"]


def _reference(engine: Engine, as_of: Any) -> pd.DataFrame:
    with open_tables(engine) as con:
        return feature_frame(customer_features(sources(con), as_of))


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    # SQLite's epoch seconds drop the fraction: day counts may differ by < 1 s (1.2e-5 d)
    assert list(a.customer_id) == list(b.customer_id)
    for col in COMPARED:
        np.testing.assert_allclose(
            a[col].to_numpy(float), b[col].to_numpy(float), rtol=1e-9, atol=2e-5, err_msg=col
        )


def test_duckdb_warehouse_gives_the_same_features(synthetic, tmp_path: Path) -> None:
    engine, planted = synthetic
    paths = export_parquet(engine, tmp_path)
    con = ibis.duckdb.connect()
    try:
        src = Sources(**{n: con.read_parquet(str(p), table_name=n) for n, p in paths.items()})
        duck = feature_frame(customer_features(src, planted.end))
    finally:
        con.disconnect()
    ref = _reference(engine, planted.end)
    _same(ref, duck)
    assert duck.attr_loyalty_member.notna().all()


@pytest.mark.spark
@pytest.mark.slow
# py4j leaves gateway sockets to the garbage collector; that is Spark's housekeeping, not ours
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_pyspark_gives_the_same_features_and_rfm(
    synthetic, tmp_path: Path, spark_session: Any
) -> None:
    engine, planted = synthetic
    paths = export_parquet(engine, tmp_path)
    for name, path in paths.items():
        spark_session.read.parquet(str(path)).createOrReplaceTempView(name)
    con = ibis.pyspark.connect(spark_session)
    src = Sources(**{n: con.table(n) for n in paths})
    spark = feature_frame(customer_features(src, planted.end))
    ref = _reference(engine, planted.end)
    _same(ref, spark)
    buyers = spark[spark.frequency > 0]
    ref_buyers = ref[ref.frequency > 0]
    a = rfm_scores(*(buyers[c].to_numpy(float) for c in ("recency_days", "frequency", "monetary")))
    b = rfm_scores(
        *(ref_buyers[c].to_numpy(float) for c in ("recency_days", "frequency", "monetary"))
    )
    assert (a.segment == b.segment).all()
