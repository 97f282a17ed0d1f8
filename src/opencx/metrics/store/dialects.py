"""Compile rules Ibis lacks for operations the metric expressions use.

* ``BitOr``: engagement counts active days with a bitwise-OR aggregate (see
  ``domain/engagement.py``). Ibis compiles it for DuckDB, PostgreSQL and SQLite (through its own
  aggregate function) but not for PySpark, although Spark SQL has had ``bit_or`` since 3.0; the
  rule is the one Ibis's Databricks compiler uses.
* ``AttributeText`` (``domain/frames.py``): the text of a member of the customers' attributes
  JSON, with each backend's own function: DuckDB ``json_extract_string``, SQLite
  ``json_extract``, PostgreSQL ``json_extract_path_text`` (on json, jsonb or text), Spark
  ``get_json_object``.

Imported with :mod:`opencx.metrics` (and by :mod:`opencx.metrics.store.backends`), so the rules
are in place before anything compiles.
"""

from __future__ import annotations

from typing import Any

import sqlglot.expressions as sge
from ibis.backends.sql.compilers.duckdb import DuckDBCompiler
from ibis.backends.sql.compilers.postgres import PostgresCompiler
from ibis.backends.sql.compilers.pyspark import PySparkCompiler
from ibis.backends.sql.compilers.sqlite import SQLiteCompiler

from opencx.metrics.domain.frames import AttributeText


def _bit_or(self: Any, op: Any, *, arg: Any, where: Any, **_: Any) -> Any:
    return self.agg.bit_or(arg, where=where)


if "visit_BitOr" not in PySparkCompiler.__dict__:
    PySparkCompiler.visit_BitOr = _bit_or


def _json_path(function: str) -> Any:
    def rule(self: Any, op: AttributeText, *, doc: Any, key: str) -> Any:
        text = sge.Cast(this=doc, to=sge.DataType.build("text"))
        return self.cast(getattr(self.f, function)(text, sge.convert(f"$.{key}")), op.dtype)

    return rule


def _postgres_member(self: Any, op: AttributeText, *, doc: Any, key: str) -> Any:
    document = sge.Cast(this=doc, to=sge.DataType.build("json"))
    return self.f.json_extract_path_text(document, sge.convert(key))


DuckDBCompiler.visit_AttributeText = _json_path("json_extract_string")
SQLiteCompiler.visit_AttributeText = _json_path("json_extract")
PySparkCompiler.visit_AttributeText = _json_path("get_json_object")
PostgresCompiler.visit_AttributeText = _postgres_member
