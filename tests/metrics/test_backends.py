"""One engine, many backends: every metric on SQLite, PostgreSQL, DuckDB and PySpark agrees.

The same canonical rows are loaded into each backend; DuckDB's results are the reference.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

import opencx.metrics as m
from opencx.metrics.backends import connect, spark_connection

from .conftest import arrow_tables, load_sql

REQUESTS = [{"by": ["country"], "period": "month"}, {"period": "quarter", "by": ["channel"]}]
BY_ATTRIBUTE = {"nps": "segment", "repeat_purchase_rate": "attributes.segment",
                "active_days": "segment"}  # fmt: skip
"""Metrics also broken down by a key of the customers' JSON attributes on every backend."""


def _requests(name: str) -> list[dict[str, Any]]:
    metric = m.METRICS[name]
    if not metric.periodic:
        return [{"by": ["country"]}, {}]
    if metric.frame == "subscriptions":
        return [{"period": "month"}, {"period": "quarter", "by": ["plan"]}]
    if metric.frame == "invitations":
        return [{"period": "month", "by": ["channel"]}, {"by": ["country"]}]
    if name in BY_ATTRIBUTE:
        return [*REQUESTS, {"period": "quarter", "by": [BY_ATTRIBUTE[name]]}]
    return REQUESTS


def _results(tables: Any) -> dict[tuple[str, int], list[dict[str, Any]]]:
    out = {}
    for name in sorted(m.METRICS):
        for i, request in enumerate(_requests(name)):
            out[name, i] = m.compute(name, tables, min_n=1, **request).records()
    return out


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


@pytest.fixture(scope="module")
def reference(duck) -> dict[tuple[str, int], list[dict[str, Any]]]:
    return _results(duck)


def _assert_same(got, want) -> None:
    assert got.keys() == want.keys()
    for key, rows in want.items():
        assert len(got[key]) == len(rows), key
        for g, w in zip(got[key], rows, strict=True):
            bad = [c for c in w if not _close(g[c], w[c])]
            assert not bad, (key, bad, g, w)
    assert any(rows for rows in want.values())


def test_sqlite_agrees_with_duckdb(sqlite_engine, sqlite_url, canonical_rows, reference) -> None:
    load_sql(sqlite_engine, canonical_rows)
    con = connect(sqlite_url)
    try:
        _assert_same(_results(con), reference)
    finally:
        con.disconnect()


def test_postgres_agrees_with_duckdb(pg_clean, pg_database_url, canonical_rows, reference) -> None:
    load_sql(pg_clean, canonical_rows)
    con = connect(pg_database_url)
    try:
        _assert_same(_results(con), reference)
    finally:
        con.disconnect()


def test_parquet_agrees_with_duckdb(tmp_path, canonical_rows, reference) -> None:
    import pyarrow.parquet as pq

    for name, table in arrow_tables(canonical_rows).items():
        pq.write_table(table, tmp_path / f"{name}.parquet")
    con = connect(f"parquet://{tmp_path}", threads=1)
    try:
        assert con.table("orders").schema()["placed_at"].timezone is None  # plain UTC instants
        _assert_same(_results(con), reference)
    finally:
        con.disconnect()


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_pyspark_agrees_with_duckdb(spark_session, canonical_rows, reference) -> None:
    for name, table in arrow_tables(canonical_rows).items():
        spark_session.createDataFrame(table).createOrReplaceTempView(name)
    _assert_same(_results(spark_connection(spark_session)), reference)


def test_a_read_only_postgres_still_answers(
    pg_clean, pg_database_url, canonical_rows, duck
) -> None:
    """A replica refuses temporary tables: the intermediates are inlined, the numbers are equal."""
    load_sql(pg_clean, canonical_rows)
    con = connect(pg_database_url)
    try:
        con.raw_sql("SET default_transaction_read_only = on").close()
        for name in ("nps", "repeat_purchase_rate", "active_days"):
            got = m.compute(name, con, by=["country"], period="quarter", min_n=1).records()
            want = m.compute(name, duck, by=["country"], period="quarter", min_n=1).records()
            _assert_same({name: got}, {name: want})
    finally:
        con.disconnect()
