"""Open Ibis connections to where the canonical tables live: the only place metrics meet I/O.

URLs understood by :func:`connect`:

* ``sqlite:///path/opencx.db`` and ``postgresql://user@host:5432/db`` — the operational store,
  read through Ibis's own SQLite and PostgreSQL backends (DuckDB 2.0 cannot attach them offline);
* ``duckdb:///path/warehouse.duckdb`` — a DuckDB file holding the canonical tables;
* ``parquet:///path/folder`` — one ``<table>.parquet`` file or ``<table>/`` folder per table,
  read by an in-memory DuckDB;
* ``pyspark:///path/folder?master=local[2]`` (or ``master=spark://host:7077``) — the same Parquet
  layout read by a Spark session.

DuckDB and Spark get explicit thread counts and a UTC session time zone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import ibis
from ibis.backends import BaseBackend

from opencx.core.errors import InvalidInput
from opencx.metrics.domain.metric import SYNC_ROLLUPS
from opencx.metrics.domain.registry import ROLLUPS
from opencx.metrics.store import dialects  # noqa: F401  (compile rules Ibis lacks)
from opencx.metrics.store.warehouse import (
    fresh_paths,
    parquet_paths,
    parquet_view,
    plain_view,
)

SPARK_JAVA_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"


def duckdb_connection(database: str = ":memory:", *, threads: int = 2, **config: Any) -> Any:
    """A DuckDB backend with explicit threads, UTC, and no extension downloads at run time.

    Results never depend on row order (every metric aggregates), so DuckDB may drop insertion
    order, which lets it stream and parallelise more freely.
    """
    config.setdefault("preserve_insertion_order", False)
    con = ibis.duckdb.connect(
        database,
        threads=threads,
        autoinstall_known_extensions=False,
        autoload_known_extensions=False,
        **config,
    )
    con.raw_sql("SET TimeZone = 'UTC'")
    return con


def parquet_connection(folder: str | Path, *, threads: int = 2, rollups: bool = True) -> Any:
    """An in-memory DuckDB with one view per canonical table found in ``folder``, and one per
    fresh rollup (``rollup_<name>``; see :mod:`opencx.metrics.store.warehouse`) unless
    ``rollups`` is false. Which rollups are fresh is checked again before each computation
    (``compute`` and ``compute_suite`` call the backend's ``SYNC_ROLLUPS`` attribute), so a
    connection held across a load never mixes new rows with old rollups.

    The files are read where they lie (``read_parquet``), never loaded into memory first.
    ``TIMESTAMP WITH TIME ZONE`` columns are exposed as plain UTC ``TIMESTAMP`` (the same
    instants): DuckDB's time-zone-aware casts and extractions go through ICU and cost several
    times more than its plain timestamp arithmetic, and every metric buckets by time.
    """
    con = duckdb_connection(threads=threads)
    for name, path in parquet_paths(Path(folder)).items():
        parquet_view(con, name, path)
    if rollups:
        setattr(con, SYNC_ROLLUPS, lambda: _offer_duckdb_rollups(con, Path(folder)))
        _offer_duckdb_rollups(con, Path(folder))
    return con


def _offer_duckdb_rollups(con: Any, folder: Path) -> None:
    """A view for each rollup fresh now; none for the others (their tables changed)."""
    fresh = fresh_paths(folder)
    for rollup in ROLLUPS.values():
        plain_view(con, rollup.table, fresh.get(rollup.table))


def spark_session(*, master: str = "local[2]", warehouse_dir: str | None = None) -> Any:
    """A SparkSession in UTC (Java 17; ``SPARK_LOCAL_IP`` defaults to loopback)."""
    os.environ.setdefault("JAVA_HOME", SPARK_JAVA_HOME)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName("opencx-metrics")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.ansi.enabled", "false")
    )
    if warehouse_dir:
        builder = builder.config("spark.sql.warehouse.dir", warehouse_dir)
    return builder.getOrCreate()


def spark_connection(session: Any, folder: str | Path | None = None) -> Any:
    """An Ibis PySpark backend on ``session``; with ``folder``, its Parquet tables and fresh
    rollups as temporary views."""
    backend = ibis.pyspark.connect(session)
    if folder is not None:
        for name, path in parquet_paths(Path(folder)).items():
            session.read.parquet(path).createOrReplaceTempView(name)
        setattr(backend, SYNC_ROLLUPS, lambda: _offer_spark_rollups(session, Path(folder)))
        _offer_spark_rollups(session, Path(folder))
    return backend


def _offer_spark_rollups(session: Any, folder: Path) -> None:
    """A temporary view for each rollup fresh now; the others' views are dropped (the session
    outlives connections, so a view made while a rollup was fresh would stay)."""
    fresh = fresh_paths(folder)
    for rollup in ROLLUPS.values():
        if rollup.table in fresh:
            session.read.parquet(*fresh[rollup.table]).createOrReplaceTempView(rollup.table)
        else:
            session.catalog.dropTempView(rollup.table)


def connect(url: str, *, threads: int = 2) -> BaseBackend:
    """Open the Ibis backend for ``url`` (see the module docstring for the forms)."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    path = unquote(parts.path)
    opener = _OPENERS.get(scheme)
    if opener is None:
        known = ", ".join(f"{s}://" for s in _OPENERS)
        raise InvalidInput(f"unsupported warehouse URL {url!r}; use one of {known}")
    backend: BaseBackend = opener(parts, path, threads)
    return backend


def _sqlite(parts: Any, path: str, threads: int) -> Any:
    return ibis.sqlite.connect(path)


def _postgres(parts: Any, path: str, threads: int) -> Any:
    return ibis.postgres.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        database=path.lstrip("/") or None,
    )


def _duckdb(parts: Any, path: str, threads: int) -> Any:
    return duckdb_connection(path or ":memory:", threads=threads, read_only=bool(path))


def _parquet(parts: Any, path: str, threads: int) -> Any:
    return parquet_connection(path, threads=threads)


def _pyspark(parts: Any, path: str, threads: int) -> Any:
    query = parse_qs(parts.query)
    master = query.get("master", [f"local[{threads}]"])[0]
    return spark_connection(spark_session(master=master), path or None)


_OPENERS = {
    "sqlite": _sqlite,
    "postgresql": _postgres,
    "postgres": _postgres,
    "duckdb": _duckdb,
    "parquet": _parquet,
    "pyspark": _pyspark,
}
