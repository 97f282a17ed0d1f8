"""Reading CSV, Parquet, JSON Lines and Excel files as streams of Arrow batches.

Every reader yields :class:`Batch` objects holding at most ``chunk_rows`` rows, with empty
strings as nulls and the line number of each row, so memory stays bounded whatever the size
of the file. Text files are decoded here (encoding detected on a sample or given), so an
undecodable byte is reported with its line instead of surfacing as a parser error.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import json
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import pyarrow as pa
import pyarrow.csv as pacsv

from opencx.core.errors import InvalidInput, Problem

SAMPLE_BYTES = 256 * 1024
RESERVED = ("_line", "_problems", "_source")  # columns a reject file adds
_WESTERN = {"latin_1", "iso8859_1", "iso8859_15", "cp1252", "windows_1252", "cp1250", "mac_roman"}


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
    newlines_in_values: bool = False
    row_problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def file_format(path: Path) -> str:
    """The format from the file name (``.gz`` is read through transparently)."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    ext = suffixes[-1] if suffixes else ""
    formats = {
        ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".dat": "csv",
        ".parquet": "parquet", ".pq": "parquet",
        ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
        ".xlsx": "xlsx", ".xlsm": "xlsx",
    }  # fmt: skip
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


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text sample: a BOM wins, then UTF-8, then charset-normalizer's guess.

    Western single-byte guesses are read as cp1252 (a superset of latin-1's printable range),
    or latin-1 when the sample holds bytes cp1252 leaves undefined.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if sample.startswith(bom):
            return name
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    guess = codecs.lookup(best.encoding).name.replace("-", "_") if best else "cp1252"
    if guess in _WESTERN or best is None:
        return "latin-1" if any(b in sample for b in b"\x81\x8d\x8f\x90\x9d") else "cp1252"
    return guess


class DecodedStream(io.RawIOBase):
    """UTF-8 bytes from a file in any encoding; an undecodable byte raises with its line."""

    def __init__(self, raw: IO[bytes], encoding: str, name: str, *, whitespace: bool = False):
        self._raw = raw
        self._name = name
        self._encoding = encoding
        self._passthrough = codecs.lookup(encoding).name == "utf-8" and not whitespace
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self._whitespace = whitespace
        self._pending = b""
        self._tail = ""  # whitespace mode: an incomplete last line
        self._line = 1
        self._eof = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._eof:
            self._fill()
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _fill(self) -> None:
        block = self._raw.read(1 << 20)
        final = not block
        try:
            text = self._decoder.decode(block, final=final)
        except UnicodeDecodeError as exc:
            line = self._line + block[: exc.start].count(b"\n")
            bad = block[exc.start : exc.start + 4]
            raise InvalidInput(
                f"{self._name}: line {line}: bytes {bad!r} cannot be decoded as "
                f"{self._encoding} (give the file's encoding with --encoding, e.g. cp1252)"
            ) from None
        self._line += block.count(b"\n")
        if self._whitespace:
            text = self._tail + text
            head, sep, self._tail = text.rpartition("\n")
            if final:
                head, self._tail = text, ""
            rows = (",".join(line.split()) for line in head.split("\n"))
            text = "\n".join(rows) + sep
        if self._passthrough:
            self._pending = block
        else:
            self._pending = text.encode("utf-8")
        self._eof = final


def open_source(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    whitespace: bool = False,
    header: bool = True,
    names: tuple[str, ...] = (),
) -> SourceFile:
    """Open ``path``, detect its encoding and delimiter and read its header."""
    fmt = file_format(path)
    if fmt in ("parquet", "xlsx"):
        return SourceFile(path, fmt, None, _binary_columns(path, fmt))
    with open_binary(path) as raw:
        sample = raw.read(SAMPLE_BYTES)
    if not sample.strip():
        raise InvalidInput(f"{path.name}: line 1: the file is empty")
    enc = encoding or detect_encoding(sample)
    try:
        text = sample.decode(enc, errors="strict")
    except UnicodeDecodeError as exc:
        if exc.end < len(sample) - 4:  # not just a character cut at the end of the sample
            line = sample[: exc.start].count(b"\n") + 1
            raise InvalidInput(
                f"{path.name}: line {line}: bytes {sample[exc.start : exc.start + 4]!r} cannot be "
                f"decoded as {enc} (give the file's encoding with --encoding, e.g. cp1252)"
            ) from None
        text = sample[: exc.start].decode(enc)
    except LookupError:
        raise InvalidInput(f"--encoding {enc!r}: unknown encoding") from None
    text = text.lstrip("\ufeff")
    source = SourceFile(path, fmt, enc, [], delimiter, whitespace, header)
    if fmt == "jsonl":
        source.columns = _json_columns(text, path.name)
        return source
    _read_header(source, text, names)
    return source


def _read_header(source: SourceFile, text: str, names: tuple[str, ...]) -> None:
    lines = text.splitlines()
    if source.whitespace:
        lines = [",".join(line.split()) for line in lines]
        source.delimiter = ","
    elif source.delimiter is None:
        try:
            sniffed = csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=",;\t|")
            source.delimiter = sniffed.delimiter
        except csv.Error:
            source.delimiter = ","
    first = next(csv.reader([lines[0]], delimiter=source.delimiter or ","), [])
    rows = list(csv.reader(io.StringIO(text), delimiter=source.delimiter or ","))
    source.newlines_in_values = any("\n" in cell or "\r" in cell for row in rows for cell in row)
    if names:
        source.columns = list(names)
        source.header = [c.strip().lower() for c in first] == [n.lower() for n in names]
    elif source.header:
        source.columns = [c.strip() for c in first]
    else:
        source.columns = [f"column{i + 1}" for i in range(len(first))]


def _json_columns(text: str, name: str) -> list[str]:
    seen: dict[str, None] = {}
    for number, line in enumerate(text.splitlines()[:1000], start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            break  # the full read reports it with its line
        if not isinstance(record, dict):
            raise InvalidInput(f"{name}: line {number}: each line must be a JSON object")
        seen.update(dict.fromkeys(record))
    return list(seen)


def _binary_columns(path: Path, fmt: str) -> list[str]:
    if not path.exists():
        raise InvalidInput(f"{path}: file not found")
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        first = next(book.active.iter_rows(max_row=1, values_only=True), None)
    finally:
        book.close()
    if not first or all(v is None for v in first):
        raise InvalidInput(f"{path.name}: line 1: the file is empty")
    return [str(v).strip() if v is not None else "" for v in first]


def batches(source: SourceFile, chunk_rows: int) -> Generator[Batch, None, None]:
    """Stream the rows of ``source`` in batches of at most ``chunk_rows`` rows."""
    readers = {"csv": _csv_batches, "parquet": _parquet_batches, "jsonl": _json_batches,
               "xlsx": _xlsx_batches}  # fmt: skip
    yield from readers[source.format](source, chunk_rows)


def _numbered(table: pa.Table, first_line: int) -> Batch:
    return Batch(table, pa.array(range(first_line, first_line + table.num_rows), pa.int64()))


def _csv_batches(source: SourceFile, chunk_rows: int) -> Iterator[Batch]:
    def on_invalid(row: Any) -> str:
        source.row_problems.append(
            Problem(source.name, row.number or 0, "*", row.text,
                    f"expected {row.expected_columns} fields, found {row.actual_columns}")
        )  # fmt: skip
        return "skip"

    stream = DecodedStream(open_binary(source.path), source.encoding or "utf-8", source.name,
                           whitespace=source.whitespace)  # fmt: skip
    try:
        yield from _csv_read(source, chunk_rows, stream, on_invalid)
    finally:
        stream.close()


def _csv_read(
    source: SourceFile, chunk_rows: int, stream: DecodedStream, on_invalid: Any
) -> Iterator[Batch]:
    reader = pacsv.open_csv(
        io.BufferedReader(stream, 1 << 20),
        read_options=pacsv.ReadOptions(
            column_names=source.columns, skip_rows=1 if source.header else 0,
            block_size=max(1 << 20, min(chunk_rows * 120, 64 << 20)),
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=source.delimiter or ",", newlines_in_values=source.newlines_in_values,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(source.columns, pa.string()),
            strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""],
        ),
    )  # fmt: skip
    line = 2 if source.header else 1
    pending: list[pa.RecordBatch] = []
    rows = 0
    for record_batch in reader:
        pending.append(record_batch)
        rows += record_batch.num_rows
        if rows >= chunk_rows:
            yield _numbered(pa.Table.from_batches(pending), line)
            line += rows
            pending, rows = [], 0
    if rows:
        yield _numbered(pa.Table.from_batches(pending), line)


def _parquet_batches(source: SourceFile, chunk_rows: int) -> Iterator[Batch]:
    import pyarrow.parquet as pq

    line = 1
    for record_batch in pq.ParquetFile(source.path).iter_batches(batch_size=chunk_rows):
        yield _numbered(pa.Table.from_batches([record_batch]), line)
        line += record_batch.num_rows


def cell_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def records_batch(records: list[dict[str, Any]]) -> Batch:
    """A batch from JSON-like records (the event API), values as text like the file readers."""
    columns = list(dict.fromkeys(k for record in records for k in record))
    rows = [[cell_text(record.get(c)) for c in columns] for record in records]
    return Batch(_rows_table(columns, rows), pa.array(range(1, len(rows) + 1), pa.int64()))


def _rows_table(columns: list[str], rows: list[list[str | None]]) -> pa.Table:
    data = {c: pa.array([r[i] if i < len(r) else None for r in rows], pa.string())
            for i, c in enumerate(columns)}  # fmt: skip
    return pa.table(data)


def _json_batches(source: SourceFile, chunk_rows: int) -> Iterator[Batch]:
    stream = DecodedStream(open_binary(source.path), source.encoding or "utf-8", source.name)
    with io.TextIOWrapper(io.BufferedReader(stream), encoding="utf-8") as text:
        yield from _json_read(source, chunk_rows, text)


def _json_read(source: SourceFile, chunk_rows: int, text: IO[str]) -> Iterator[Batch]:
    rows: list[list[str | None]] = []
    lines: list[int] = []
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            source.row_problems.append(
                Problem(source.name, number, "*", line.strip()[:200], f"not valid JSON: {exc.msg}")
            )
            continue
        extra = [k for k in record if k not in source.columns]
        source.columns.extend(extra)
        rows.append([cell_text(record.get(c)) for c in source.columns])
        lines.append(number)
        if len(rows) >= chunk_rows:
            yield Batch(_rows_table(source.columns, rows), pa.array(lines, pa.int64()))
            rows, lines = [], []
    if rows:
        yield Batch(_rows_table(source.columns, rows), pa.array(lines, pa.int64()))


def _xlsx_batches(source: SourceFile, chunk_rows: int) -> Iterator[Batch]:
    from openpyxl import load_workbook

    book = load_workbook(source.path, read_only=True, data_only=True)
    try:
        rows: list[list[str | None]] = []
        lines: list[int] = []
        sheet_rows = book.active.iter_rows(min_row=2, values_only=True)
        for number, values in enumerate(sheet_rows, start=2):
            cells = [cell_text(v) for v in values]
            if all(c is None for c in cells):
                continue
            rows.append(cells)
            lines.append(number)
            if len(rows) >= chunk_rows:
                yield Batch(_rows_table(source.columns, rows), pa.array(lines, pa.int64()))
                rows, lines = [], []
        if rows:
            yield Batch(_rows_table(source.columns, rows), pa.array(lines, pa.int64()))
    finally:
        book.close()
