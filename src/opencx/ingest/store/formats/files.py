"""An input file and its rows: :class:`SourceFile` (format, encoding, header), :class:`Batch`
(a chunk of rows with their line numbers), and opening a file (``.gz`` read through)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pyarrow as pa

from opencx.core.errors import InvalidInput, Problem
from opencx.ingest.domain.arrow_arrays import from_numpy, strings
from opencx.ingest.domain.mapping import COMMAND_ADVICE
from opencx.ingest.domain.validation.columns import plain_number


@dataclass
class Batch:
    """Up to ``chunk_rows`` source rows: columns as read, and each row's line number."""

    table: pa.Table
    lines: pa.Array  # int64


@dataclass
class SourceFile:
    """An opened input file: its format, encoding and header, and its row problems so far."""

    path: Path
    format: str
    encoding: str | None
    columns: list[str]
    delimiter: str | None = None
    whitespace: bool = False
    header: bool = True
    lead_lines: int = 0  # empty lines (or only spaces) before the header or the first row
    header_lines: int = 1  # the header's lines (a quoted name may hold a line break)
    skip_after_header: int = 0  # rows after the header that are not records (delimited text)
    skip_rows: int = 0  # what the parser skips for them: those rows and the empty lines among them
    data_line: int = 0  # the line after them (a row may span lines); 0: right after the header
    spaced_quotes: bool = False  # values written ``1, "Ann"`` (spaces before the quote)
    encoding_advice: str = COMMAND_ADVICE.encoding  # said of bytes not of ``encoding``
    row_problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def first_data_line(self) -> int:
        """The line the data begins on: after the empty lines, the header and the rows skipped
        after it (2 in a file with a one-line header)."""
        return max(1 + self.lead_lines + (self.header_lines if self.header else 0), self.data_line)


def file_format(path: Path) -> str:
    """The format from the file name (``.gz`` is read through transparently)."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    ext = suffixes[-1] if suffixes else ""
    formats = {
        ".csv": "csv",
        ".txt": "csv",
        ".tsv": "csv",
        ".dat": "csv",
        ".parquet": "parquet",
        ".pq": "parquet",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".json": "jsonl",
        ".xlsx": "xlsx",
        ".xlsm": "xlsx",
    }
    if ext not in formats:
        raise InvalidInput(
            f"{path.name}: unknown file type {ext or '(none)'!r}; "
            "use .csv, .txt, .tsv, .parquet, .jsonl or .xlsx (optionally .gz)"
        )
    return formats[ext]


def open_binary(path: Path) -> IO[bytes]:
    if not path.exists():
        raise InvalidInput(f"{path}: file not found")
    if path.suffix.lower() == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def numbered(table: pa.Table, first_line: int) -> Batch:
    numbers = np.arange(first_line, first_line + table.num_rows, dtype=np.int64)
    return Batch(table, from_numpy(numbers))


def rows_table(columns: list[str], rows: list[list[str | None]]) -> pa.Table:
    data = {c: strings([r[i] if i < len(r) else None for r in rows]) for i, c in enumerate(columns)}
    return pa.table(data)


def cell_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):  # a JSON or Excel number
        return str(int(value)) if value.is_integer() else plain_number(repr(value))
    if isinstance(value, Decimal):  # a JSON number of the event API, read exactly
        return decimal_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dict, list)):
        return json_text(value)
    return str(value)


PLAIN_EXPONENTS = 1000
"""How far from 1 (in powers of ten) a number is written out in plain digits; past that it
keeps its exponent, and an amount or a whole number refuses it (as ``inf`` was refused)."""


def decimal_text(value: Decimal) -> str:
    """A Decimal as the value of a cell: a whole one as a whole number (``2.0``, ``1E+1``:
    ``2``, ``10``, as a float's), any other in plain digits as sent (``0.10``, ``5E-5``:
    ``0.10``, ``0.00005``), so the import's rules see the number itself.

    >>> decimal_text(Decimal("1E+1")), decimal_text(Decimal("1.00004999999999999999"))
    ('10', '1.00004999999999999999')
    """
    if not value.is_finite() or abs(value.adjusted()) > PLAIN_EXPONENTS:
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value, "f")


def json_text(value: Any) -> str:
    """``value`` as JSON text, as ``json.dumps`` writes it, with each Decimal written as the
    number it is (``json.dumps`` takes no Decimal): a JSON field's numbers keep their digits.

    ``json.dumps`` writes it (no recursion in Python, which failed a field nested some 400
    deep), each Decimal first as a string holding :data:`_MARK` and its number's index, then
    that string replaced by the number's text.

    >>> json_text({"a": [Decimal("0.10"), 1.5, "x"]})
    '{"a": [0.10, 1.5, "x"]}'
    """
    numbers: list[str] = []

    def number(found: object) -> str:
        if not isinstance(found, Decimal) or not found.is_finite():
            raise TypeError(f"{type(found).__name__} is not JSON")
        numbers.append(str(found))
        return f"{_MARK}:{len(numbers) - 1}"

    text = json.dumps(value, ensure_ascii=False, default=number)
    if not numbers:
        return text
    return _MARKED.sub(lambda m: numbers[int(m[1])], text)


_MARK = secrets.token_hex(16)
"""Random per process, never written out: no text sent can spell it."""
_MARKED = re.compile(f'"{_MARK}:([0-9]+)"')
