"""Rows sent to PostgreSQL by ``COPY … FROM STDIN``: the payload, and the job that sends it.

A canonical table's rows go in PostgreSQL's binary format when every column can be encoded
exactly (strings into text, varchar and json columns, whole numbers, booleans, zoned times,
amounts into ``numeric(p, s)`` with ``s <= 4``): the server then splits no line and parses no
number or time (the 500,000 bench lines: 0.81–1.06 → 0.61–0.63 s of server CPU for their
``COPY``). Anything else goes as CSV written by Arrow (:func:`copy_csv`), which the server
parses as it parsed every row before. Both reach the same stored values: the server's own
receive functions check lengths, encodings, ranges and the column's precision either way.

:class:`CopyWrite` builds the payload before the statement runs (on the write-behind's builder
thread, ``store.behind``), so the server is not left waiting inside an open ``COPY`` while the
client encodes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy.dialects import postgresql

from opencx.ingest.domain.arrow_arrays import filled, scalar, to_numpy
from opencx.ingest.store.tables import TABLES

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
"""The binary format's header: signature, flags (none), header extension length (0)."""

TRAILER = b"\xff\xff"
PG_EPOCH_US = 946_684_800_000_000
"""PostgreSQL's times count microseconds from 2000-01-01 UTC; Arrow's from 1970-01-01."""

_NUMERIC = re.compile(r"NUMERIC\((\d+), (\d+)\)")
_TEXT = re.compile(r"(VARCHAR(\(\d+\))?|TEXT|JSON)")
_INTS = {"SMALLINT": 2, "INTEGER": 4, "BIGINT": 8}
_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def copy_csv(data: pa.Table) -> bytes:
    """``data`` as CSV for PostgreSQL's ``COPY … (FORMAT csv)``, without a header.

    A zoned timestamp is written as its UTC text with ``Z`` (the same text Arrow writes for it),
    by a cast: Arrow's CSV writer formats zoned timestamps through the time-zone database,
    ~15 µs a value, which made it most of the cost of staging a chunk of order lines.
    """
    for i, column in enumerate(data.schema):
        if pa.types.is_timestamp(column.type) and column.type.tz is not None:
            data = data.set_column(i, column.name, csv_text(data.column(i)))
    buffer = io.BytesIO()
    pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False))
    return buffer.getvalue()


def csv_text(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``column``'s values as :func:`copy_csv` writes them (Arrow's CSV writer casts each column
    to text; a zoned timestamp is its UTC text with ``Z``), a null left null."""
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        text = pc.cast(pc.cast(column, pa.timestamp("us")), pa.string())
        return pc.binary_join_element_wise(text, scalar("Z", pa.string()), scalar("", pa.string()))
    return pc.cast(column, pa.string())


@dataclass(frozen=True)
class Payload:
    """A ``COPY`` statement and the bytes it reads, in parts."""

    sql: str
    parts: tuple[Any, ...]


def payload(table: str, data: pa.Table, types: Mapping[str, str] | None = None) -> Payload:
    """``data``'s rows for ``COPY table``: binary when ``table`` is a canonical table, or
    ``types`` gives its columns' types (as SQLAlchemy compiles them for PostgreSQL: a staging
    table's), and every column can be encoded exactly, else CSV. Columns null on every row are
    left out (they take their default). ``table`` and the column names come from code."""
    columns = [c for c in data.column_names if data.column(c).null_count < data.num_rows]
    data = data.select(columns)
    known = types is not None or table in TABLES
    encoded = binary_rows(table, data, types) if known else None
    if encoded is not None:
        order, parts = encoded
        sql = f"COPY {table} ({', '.join(order)}) FROM STDIN (FORMAT binary)"
        return Payload(sql, parts)
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
    return Payload(sql, (copy_csv(data),))


def send(driver: Any, rows: Payload) -> None:
    """Run ``rows``' ``COPY`` on the psycopg connection ``driver``."""
    with driver.cursor() as cursor, cursor.copy(rows.sql) as copy:
        for part in rows.parts:
            copy.write(part)


class CopyWrite:
    """A ``COPY`` of rows into a table, as a two-step job of ``store.behind``: :meth:`prepare`
    builds the payload (on the builder thread, while the writer runs the statements queued
    before it); calling it with the psycopg connection sends it (preparing it first when
    nothing did: a connection without a write-behind thread)."""

    def __init__(self, table: str, data: pa.Table, types: Mapping[str, str] | None = None) -> None:
        self._table = table
        self._types = types
        self._data: pa.Table | None = data
        self._rows: Payload | None = None

    def prepare(self) -> None:
        data, self._data = self._data, None  # let go of once encoded
        if data is None:
            raise RuntimeError("a copy is prepared once")  # a bug guard
        if data.num_rows:
            self._rows = payload(self._table, data, self._types)

    def __call__(self, driver: Any) -> None:
        if self._data is not None:
            self.prepare()
        rows, self._rows = self._rows, None
        if rows is not None:
            send(driver, rows)


def copy_rows(driver: Any, table: str, data: pa.Table) -> None:
    """``COPY`` ``data`` into ``table`` now, on the psycopg connection ``driver``; columns null
    on every row are left out."""
    CopyWrite(table, data)(driver)


# --- the binary format -------------------------------------------------------------------
# One row: its field count (int16), then per field its length (int32, -1 for null) and its
# bytes, all big-endian. Columns whose every field has one width (no null; ids of one length,
# numbers, times) are laid out side by side in one numpy matrix; each other column is an Arrow
# binary array of its values with its lengths in the matrix before it; Arrow then joins each
# row's pieces, in C.


@dataclass(frozen=True)
class _Field:
    """A column's fields: ``width`` bytes each in ``matrix`` (rows × width, no prefix), or,
    when ``matrix`` is None, ``values`` (a binary array; a null for a null field)."""

    width: int
    matrix: np.ndarray | None = None
    values: pa.Array | None = None


def binary_rows(
    table: str, data: pa.Table, types: Mapping[str, str] | None = None
) -> tuple[list[str], tuple[Any, ...]] | None:
    """``data`` as the rows of a binary ``COPY`` into ``table`` (a canonical table, or one whose
    column types ``types`` gives): the column order used (fixed widths first) and the payload's
    parts; None when some column cannot be encoded exactly."""
    n = data.num_rows
    if n == 0 or data.num_columns == 0:
        return None
    fields: dict[str, _Field] = {}
    for name in data.column_names:
        column = data.column(name)
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if types is not None:
            pg_type = types[name]
        else:
            pg_type = TABLES[table].c[name].type.compile(dialect=_DIALECT)
        found = _field(array, pg_type)
        if found is None:
            return None
        fields[name] = found
    fixed = [c for c, f in fields.items() if f.matrix is not None]
    varying = [c for c, f in fields.items() if f.matrix is None]
    # the matrix: field count, the fixed fields with their lengths, the first varying length;
    # the constant bytes laid once on a row and repeated
    width = 2 + sum(4 + fields[c].width for c in fixed) + (4 if varying else 0)
    template = bytearray(np.array([len(fields)], ">i2").tobytes())
    spans: list[tuple[int, np.ndarray]] = []
    for name in fixed:
        f = fields[name]
        template += np.array([f.width], ">i4").tobytes()
        spans.append((len(template), f.matrix))  # type: ignore[arg-type]
        template += bytes(f.width)
    template += bytes(width - len(template))
    matrix = np.empty((n, width), np.uint8)
    matrix[:] = np.frombuffer(template, np.uint8)
    at = width - (4 if varying else 0)
    for start, block in spans:
        matrix[:, start : start + block.shape[1]] = block
    if not varying:
        return fixed, (SIGNATURE, matrix.reshape(-1).data, TRAILER)
    pieces: list[pa.Array] = []
    for i, name in enumerate(varying):
        values = fields[name].values
        assert values is not None  # a varying field has values
        lengths = _prefixes(values)
        if i == 0:
            matrix[:, at:] = lengths
            pieces.append(_binary(matrix))
        else:
            pieces.append(_binary(lengths))
        pieces.append(pc.fill_null(values, scalar(b"", values.type)))
    rows = pc.binary_join_element_wise(*pieces, scalar(b"", pa.binary()))
    offsets = np.frombuffer(rows.buffers()[1], np.int32)
    body = memoryview(rows.buffers()[2])[offsets[rows.offset] : offsets[rows.offset + n]]
    return fixed + varying, (SIGNATURE, body, TRAILER)


def _field(array: pa.Array, pg_type: str) -> _Field | None:
    """The binary fields of ``array`` for a column of ``pg_type`` (as SQLAlchemy compiles it),
    or None when that pair is not one encoded here."""
    kind = array.type
    if _TEXT.fullmatch(pg_type) and pa.types.is_string(kind):
        return _text(array)
    if pg_type in _INTS and pa.types.is_integer(kind):
        return _integer(array, _INTS[pg_type])
    if pg_type == "BOOLEAN" and pa.types.is_boolean(kind):
        values = filled(array, False)
        return _fixed(values.astype(np.uint8).reshape(-1, 1), array)
    if pg_type == "TIMESTAMP WITH TIME ZONE" and pa.types.is_timestamp(kind):
        if kind.unit != "us" or kind.tz is None:
            return None  # a naive time is read in the session's zone: left to the server
        micros = filled(array.cast(pa.int64()), 0) - PG_EPOCH_US
        return _fixed(micros.astype(">i8").view(np.uint8).reshape(-1, 8), array)
    numeric = _NUMERIC.fullmatch(pg_type)
    if numeric and pa.types.is_string(kind):
        return _numeric(array, int(numeric.group(1)), int(numeric.group(2)))
    return None


def _text(array: pa.Array) -> _Field:
    """A string column's fields: its UTF-8 bytes (the server checks them as it checks text).
    Values all of one length and no null (ids) are taken as one matrix from Arrow's buffer."""
    n = len(array)
    offsets = np.frombuffer(array.buffers()[1], np.int32)[array.offset : array.offset + n + 1]
    lengths = np.diff(offsets)
    width = int(lengths[0]) if n else 0
    if array.null_count == 0 and width > 0 and (lengths == width).all():
        data = np.frombuffer(array.buffers()[2], np.uint8)
        return _Field(width, matrix=data[offsets[0] : offsets[0] + n * width].reshape(n, width))
    return _Field(0, values=array.cast(pa.binary()))


def _integer(array: pa.Array, size: int) -> _Field | None:
    """Whole numbers as ``size``-byte integers; None when one does not fit (the server then
    reports it as it did)."""
    bounds = pc.min_max(array)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    limit = 1 << (8 * size - 1)
    if low is not None and (low < -limit or high >= limit):
        return None
    values = filled(array, 0).astype(f">i{size}")
    return _fixed(values.view(np.uint8).reshape(-1, size), array)


def _numeric(text: pa.Array, precision: int, scale: int) -> _Field | None:
    """Amounts (text, as checked by the import) as ``numeric(precision, scale)``: each value
    exactly as Arrow reads it into a decimal of that scale, written as five base-10000 digits
    (weight 3: up to 14 digits before the point, 4 after), which the server normalises as it
    normalises text it parses. None when a value does not fit that decimal exactly (more
    decimals than the scale, too many digits, not a plain number): the server then parses the
    text, rounding or refusing it as before."""
    if scale > 4 or precision - scale > 14:
        return None
    try:
        decimals = pc.cast(text, pa.decimal128(precision, scale))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    n = len(decimals)
    words = np.frombuffer(decimals.buffers()[1], np.int64)
    scaled = words[2 * decimals.offset : 2 * (decimals.offset + n) : 2]  # the low 64 bits
    if decimals.null_count:
        scaled = np.where(to_numpy(pc.is_valid(decimals)), scaled, 0)
    units = np.abs(scaled) * 10 ** (4 - scale)  # in ten-thousandths: < 10**18
    digits = np.zeros((n, 5), ">u2")
    digits[:, 4] = units % 10_000
    whole = units // 10_000
    for i in (3, 2, 1, 0):  # the groups before the point that some value has
        if not whole.any():
            break
        digits[:, i] = whole % 10_000
        whole //= 10_000
    matrix = np.empty((n, 18), np.uint8)
    # ndigits 5, weight 3, sign (0x4000 negative), display scale
    matrix[:, :8] = np.frombuffer(np.array([5, 3, 0, scale], ">u2").tobytes(), np.uint8)
    matrix[:, 4] = np.where(scaled < 0, 0x40, 0)
    matrix[:, 8:] = digits.view(np.uint8).reshape(n, 10)
    return _fixed(matrix, text)


def _fixed(matrix: np.ndarray, array: pa.Array) -> _Field:
    """Fields of one width (``matrix``: rows × width); a column with nulls becomes a binary
    array of them, null where ``array`` is."""
    width = matrix.shape[1]
    if array.null_count == 0:
        return _Field(width, matrix=matrix)
    values = _binary(np.ascontiguousarray(matrix))
    return _Field(0, values=pc.if_else(pc.is_valid(array), values, scalar(None, pa.binary())))


def _binary(matrix: np.ndarray) -> pa.Array:
    """Each row of ``matrix`` (rows × width bytes) as one value of a binary array."""
    n, width = matrix.shape
    data = np.ascontiguousarray(matrix)
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.binary(), n, buffers)


def _prefixes(values: pa.Array) -> np.ndarray:
    """Each field's length prefix (-1 for a null), rows × 4 bytes."""
    lengths = filled(pc.binary_length(values), -1)
    result: np.ndarray = lengths.astype(">i4").view(np.uint8).reshape(-1, 4)
    return result


__all__: Sequence[str] = ("CopyWrite", "Payload", "copy_csv", "copy_rows", "payload", "send")
