"""One engine, many backends: every metric on SQLite, PostgreSQL, DuckDB and PySpark agrees.

The same canonical rows are loaded into each backend; DuckDB's results are the reference.
"""

from __future__ import annotations

import pytest

import opencx.metrics as m
from opencx.metrics.store.backends import connect, spark_connection

from .conftest import arrow_tables, assert_same, every_result, load_sql


def test_sqlite_agrees_with_duckdb(sqlite_engine, sqlite_url, canonical_rows, reference) -> None:
    load_sql(sqlite_engine, canonical_rows)
    con = connect(sqlite_url)
    try:
        assert_same(every_result(con), reference)
    finally:
        con.disconnect()


def test_postgres_agrees_with_duckdb(pg_clean, pg_database_url, canonical_rows, reference) -> None:
    load_sql(pg_clean, canonical_rows)
    con = connect(pg_database_url)
    try:
        assert_same(every_result(con), reference)
    finally:
        con.disconnect()


def test_parquet_agrees_with_duckdb(tmp_path, canonical_rows, reference) -> None:
    import pyarrow.parquet as pq

    for name, table in arrow_tables(canonical_rows).items():
        pq.write_table(table, tmp_path / f"{name}.parquet")
    con = connect(f"parquet://{tmp_path}", threads=1)
    try:
        assert con.table("orders").schema()["placed_at"].timezone is None  # plain UTC instants
        assert_same(every_result(con), reference)
    finally:
        con.disconnect()


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_pyspark_agrees_with_duckdb(spark_session, canonical_rows, reference) -> None:
    for name, table in arrow_tables(canonical_rows).items():
        spark_session.createDataFrame(table).createOrReplaceTempView(name)
    assert_same(every_result(spark_connection(spark_session)), reference)


def test_a_read_only_postgres_still_answers(
    pg_clean, pg_database_url, canonical_rows, duck
) -> None:
    """A replica refuses temporary tables: the intermediates are inlined, the numbers are equal."""
    load_sql(pg_clean, canonical_rows)
    con = connect(pg_database_url)
    try:
        con.raw_sql("SET default_transaction_read_only = on").close()
        for name in ("nps", "repeat_purchase_rate", "active_days"):
            got = m.compute(
                m.MetricRequest(name, by=["country"], period="quarter", min_n=1), con
            ).records()
            want = m.compute(
                m.MetricRequest(name, by=["country"], period="quarter", min_n=1), duck
            ).records()
            assert_same({name: got}, {name: want})
    finally:
        con.disconnect()
