"""Compile rules Ibis lacks for operations the metric expressions use.

Engagement counts active days with a bitwise-OR aggregate (see ``domain/engagement.py``). Ibis
compiles ``BitOr`` for DuckDB, PostgreSQL and SQLite (through its own aggregate function) but
not for PySpark, although Spark SQL has had ``bit_or`` since 3.0; this module adds that rule,
the same one Ibis's Databricks compiler uses. It is imported with :mod:`opencx.metrics`.
"""

from __future__ import annotations

from typing import Any

from ibis.backends.sql.compilers.pyspark import PySparkCompiler


def _bit_or(self: Any, op: Any, *, arg: Any, where: Any, **_: Any) -> Any:
    return self.agg.bit_or(arg, where=where)


if "visit_BitOr" not in PySparkCompiler.__dict__:
    PySparkCompiler.visit_BitOr = _bit_or
