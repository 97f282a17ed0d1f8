"""JSON Lines files (and the event API's JSON records) read as batches of text columns."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

import pyarrow as pa

from opencx.core.errors import InvalidInput, Problem
from opencx.core.text import lone_surrogate
from opencx.ingest.store.formats.encoding import DecodedStream
from opencx.ingest.store.formats.files import Batch, SourceFile, cell_text, open_binary, rows_table

EXACT = json.JSONDecoder(parse_float=Decimal)
"""Reads a line's numbers exactly: one with a fraction or an exponent is the Decimal it spells
(``1.00004999999999999999`` stays itself; a float would make it ``1.00005``), so a file's
amount is held to the import's rules as a CSV file's text and an event's number are."""


def _out_of_range(line: str) -> str:
    """Why :data:`EXACT` could not read ``line``: a number whose exponent no Decimal holds
    (``1e9999999999999999999``, past 10^18 either way; a float read it as inf), said as
    ``opencx.web.exact_json`` says it of an event's."""

    def checked(text: str) -> Decimal:
        try:
            return Decimal(text)
        except ArithmeticError:
            raise _Unreadable(text) from None

    try:
        json.loads(line, parse_float=checked)
    except _Unreadable as exc:
        return f"{exc} is out of range for a number"
    return "a number is out of range"  # not reached: the same line, the same numbers


class _Unreadable(ValueError):
    pass


def _unreadable(line: str, exc: Exception) -> str:
    return str(exc) if isinstance(exc, _Unreadable) else _out_of_range(line)


def _decoded(line: str) -> Any:
    """``line`` read by :data:`EXACT`; _Unreadable when a string of it holds a lone
    surrogate."""
    record = EXACT.decode(line)
    if "\\u" in line:  # a surrogate is read from its escape only (the text is UTF-8)
        char = lone_surrogate(record)
        if char is not None:
            raise _Unreadable(
                f"a lone surrogate (\\u{ord(char):04x}, half a UTF-16 pair) is no character"
            )
    return record


def records_batch(records: list[dict[str, Any]]) -> Batch:
    """A batch from JSON-like records (the event API), values as text like the file readers;
    a record of no field ({}) is refused, naming it (from 1), when no record has one: the
    table would have no column, so no row, for its line numbers."""
    columns = list(dict.fromkeys(k for record in records for k in record))
    if not columns and records:
        others = ", nor does any other" if len(records) > 1 else ""
        raise InvalidInput(f"record 1 of {len(records)} holds no field ({{}}){others}")
    rows = [[cell_text(record.get(c)) for c in columns] for record in records]
    return Batch(rows_table(columns, rows), pa.array(range(1, len(rows) + 1), pa.int64()))


def json_batches(source: SourceFile, chunk_rows: int) -> Iterator[Batch]:
    stream = DecodedStream(open_binary(source.path), source.encoding or "utf-8", source.name)
    with io.TextIOWrapper(io.BufferedReader(stream), encoding="utf-8") as text:
        yield from _json_read(source, chunk_rows, text)


def _json_read(source: SourceFile, chunk_rows: int, text: IO[str]) -> Iterator[Batch]:
    rows: list[list[str | None]] = []
    lines: list[int] = []
    empty: list[int] = []  # the lines of objects with no field ({}) while none has one
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            record = _decoded(line)
        except (json.JSONDecodeError, ArithmeticError, _Unreadable) as exc:
            rule = exc.msg if isinstance(exc, json.JSONDecodeError) else _unreadable(line, exc)
            shown = line.strip()[:200].encode("utf-8", "backslashreplace").decode("utf-8")
            source.row_problems.append(
                Problem(source.name, number, "*", shown, f"not valid JSON: {rule}")
            )
            continue
        if not isinstance(record, dict):  # as in the first lines (formats.header)
            raise InvalidInput(f"{source.name}: line {number}: each line must be a JSON object")
        if not record and not source.columns:  # a row of no column: kept for the first one
            empty.append(number)
            continue
        extra = [k for k in record if k not in source.columns]
        source.columns.extend(extra)
        if empty:  # rows of nulls, as an object with no field is once a column is known
            rows, lines, empty = [[] for _ in empty] + rows, empty + lines, []
        rows.append([cell_text(record.get(c)) for c in source.columns])
        lines.append(number)
        if len(rows) >= chunk_rows:
            yield Batch(rows_table(source.columns, rows), pa.array(lines, pa.int64()))
            rows, lines = [], []
    if rows:
        yield Batch(rows_table(source.columns, rows), pa.array(lines, pa.int64()))
    if empty:
        objects = (
            "its JSON object holds" if len(empty) == 1 else f"its {len(empty):,} JSON objects hold"
        )
        raise InvalidInput(
            f"{source.name}: line {empty[0]}: the file has no data rows: {objects} no field ({{}})"
        )
