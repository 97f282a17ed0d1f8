"""Vectorised validation: a chunk of source columns becomes typed canonical columns + problems.

Each check runs on whole Arrow columns (``pyarrow.compute``); Python objects are made only for
the rows that break a rule. :class:`ColumnPlan` is resolved once per file from the header and
the mapping (:func:`plan_columns`); :func:`parse_chunk` then runs per chunk, the row rules of
its kind after it, and :class:`DuplicateFinder` across chunks.
"""

from opencx.ingest.domain.validation.columns import ColumnPlan, plan_columns
from opencx.ingest.domain.validation.duplicates import DuplicateFinder, OrderHeads
from opencx.ingest.domain.validation.line_numbers import TakenLineNumbers
from opencx.ingest.domain.validation.parsed import Parsed
from opencx.ingest.domain.validation.rules import ROW_RULES, return_mask
from opencx.ingest.domain.validation.values import parse_chunk

__all__ = [
    "ROW_RULES",
    "ColumnPlan",
    "DuplicateFinder",
    "OrderHeads",
    "Parsed",
    "TakenLineNumbers",
    "parse_chunk",
    "plan_columns",
    "return_mask",
]
