"""CSV and other delimited text (or whitespace-separated columns) read as Arrow batches."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from opencx.core.errors import InvalidInput, Problem
from opencx.ingest.domain.arrow_arrays import from_numpy, scalar, strings, to_numpy
from opencx.ingest.store.formats.encoding import DecodedStream
from opencx.ingest.store.formats.files import Batch, SourceFile, open_binary
from opencx.ingest.store.formats.records import (
    Tail,
    check_last_record,
    read_apart,
    record_too_long,
)


def csv_batches(
    source: SourceFile, chunk_rows: int, first_rows: int | None = None
) -> Iterator[Batch]:
    """The rows of a delimited file in batches of at least ``chunk_rows`` rows, each row
    numbered by the line of the file it starts on (what an editor shows); a record with the
    wrong number of fields is put aside as a row problem, numbered the same way. A quote that
    is never closed (the parser takes the rest of the file as its value), or a record longer
    than a block, raises InvalidInput naming the line it opens on (after the batches before
    it: the import is all-or-nothing): no line after it can be told to be a record.

    The file is read by the MiB (about 120 bytes a row). With ``first_rows`` every block is
    that small (``first_rows * 120`` bytes, 1 MiB at least): the first batch is the first
    block, checked and written while the rest is read; each later batch gathers blocks until
    it holds ``chunk_rows`` rows."""
    skipped: list[Any] = []  # the parser's InvalidRow records, in file order

    def on_invalid(row: Any) -> str:
        skipped.append(row)
        return "skip"

    # the parser is given the file from the line after the header (or from the first row):
    # it can skip rows only within its first block, and the empty lines before may be many
    given = 1 + source.lead_lines + (source.header_lines if source.header else 0)
    tail = Tail()
    blanks = _BlankLines(given, tail)
    stream = DecodedStream(
        open_binary(source.path),
        source.encoding or "utf-8",
        source.name,
        whitespace=source.whitespace,
        advice=source.encoding_advice,
        observe=blanks.see,
        skip_lines=given - 1,
    )
    try:
        yield from _csv_read(
            source, chunk_rows, first_rows or chunk_rows, stream, on_invalid, skipped, blanks, tail
        )
    except pa.ArrowInvalid as exc:  # what the parser cannot split into rows: said, not raised
        detail = str(exc).split("\n")[0].removeprefix("CSV parse error: ")
        raise InvalidInput(f"{source.name}: cannot be read as delimited text: {detail}") from None
    finally:
        stream.close()


def _csv_read(
    source: SourceFile,
    chunk_rows: int,
    first_rows: int,
    stream: DecodedStream,
    on_invalid: Any,
    skipped: list[Any],
    blanks: _BlankLines,
    tail: Tail,
) -> Iterator[Batch]:
    block = max(1 << 20, min(min(first_rows, chunk_rows) * 120, 64 << 20))
    try:
        reader = _open(source, block, stream, on_invalid)
    except pa.ArrowInvalid as exc:
        if str(exc) == "Empty CSV file":  # nothing after the header (or only empty lines)
            return
        if _STRADDLING in str(exc):  # the first record is longer than a block
            raise record_too_long(source, source.first_data_line, block) from None
        raise
    # the parser numbers the rows it skips after the header, and the records after them
    first = 1 + source.skip_rows
    lines = _Lines(source, first, source.first_data_line, blanks)
    try:
        for table in _tables(reader, first_rows, chunk_rows):
            numbers = lines.number(table, skipped)
            table = _unquoted(table) if source.spaced_quotes else table
            yield lines.with_apart(table, numbers)
    except _Straddling as exc:  # the records before the one the parser cannot hold numbered
        if exc.table is not None:
            lines.number(exc.table, skipped)
        lines.number(None, skipped)
        raise record_too_long(source, lines.end, block) from None
    lines.number(None, skipped)
    if lines.apart:  # lines of the records put aside after the last row, read as records
        empty = pa.table({c: pa.nulls(0, pa.string()) for c in source.columns})
        yield lines.with_apart(empty, pa.nulls(0, pa.int64()))
    if lines.last:  # the parser takes a quote open at the end of the file as closed there
        check_last_record(source, tail, lines.last)


def _tables(
    reader: pacsv.CSVStreamingReader, first_rows: int, chunk_rows: int
) -> Iterator[pa.Table]:
    """The parser's batches gathered into tables of ``first_rows`` rows, then ``chunk_rows``;
    :class:`_Straddling` with the rows not given yet when a record is longer than a block."""
    pending: list[pa.RecordBatch] = []
    rows, wanted = 0, first_rows
    try:
        for record_batch in reader:
            pending.append(record_batch)
            rows += record_batch.num_rows
            if rows >= wanted:
                wanted = chunk_rows
                yield pa.Table.from_batches(pending)
                pending, rows = [], 0
    except pa.ArrowInvalid as exc:
        if _STRADDLING not in str(exc):
            raise
        raise _Straddling(pa.Table.from_batches(pending) if pending else None) from None
    if rows:
        yield pa.Table.from_batches(pending)


class _Straddling(Exception):
    """A record longer than the parser's block, after the rows of ``table``."""

    def __init__(self, table: pa.Table | None) -> None:
        super().__init__()
        self.table = table


_SPACED = r'^ +"((?:[^"]|"")*)" *$'
"""A value written `` "like this"``: spaces, then a quoted value (its quotes doubled)."""

_SPLIT = ' (a quoted value after a space, as in 1, "a, b", is split at its delimiter)'
"""What a record with too many fields of a file written so is told."""


def _unquoted(table: pa.Table) -> pa.Table:
    """Values written with spaces before their quote (``1, "Ann"``: the parser reads a quote
    only at a value's first character) read as quoted values are: ``Ann``. A quoted value
    that holds the delimiter was split by then (its record has too many fields)."""
    for i, column in enumerate(table.columns):
        spaced = pc.match_substring_regex(column, _SPACED)
        if not pc.any(spaced).as_py():
            continue
        inner = pc.replace_substring(pc.replace_substring_regex(column, _SPACED, r"\1"), '""', '"')
        inner = pc.if_else(
            pc.equal(inner, scalar("", pa.string())), pa.nulls(1, pa.string())[0], inner
        )  # ``, ""``
        table = table.set_column(i, table.field(i), pc.if_else(spaced, inner, column))
    return table


_STRADDLING = "straddling object straddles two block boundaries"
"""The parser's error for a record longer than its block (a quoted value never closed?)."""


def _open(
    source: SourceFile, block: int, stream: DecodedStream, on_invalid: Any
) -> pacsv.CSVStreamingReader:
    return pacsv.open_csv(
        io.BufferedReader(stream, 1 << 20),
        read_options=pacsv.ReadOptions(
            column_names=source.columns,
            skip_rows_after_names=source.skip_rows,
            block_size=block,
            # one thread: the parser then gives each record it puts aside its number (with
            # threads it gives none); measured no slower for this streaming reader
            use_threads=False,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=source.delimiter or ",",
            # a quoted value may hold line breaks anywhere in the file, not only in the sample
            # the header was read from (one thread: no slower than False, measured)
            newlines_in_values=True,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(source.columns, pa.string()),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    )


class _Lines:
    """Where each record of a delimited file starts: its record number (the parser counts the
    header and every record, kept or put aside, but no empty line after the header; the rows
    it skips after the header, empty lines among them included) plus the line breaks inside
    quoted values of the records before it (the header and skipped rows too), plus the empty
    lines between records before it."""

    def __init__(self, source: SourceFile, first: int, start: int, blanks: _BlankLines) -> None:
        self.source = source
        self.record = first  # the number of the next record not numbered yet
        # line breaks inside the values of the records numbered so far (at first those of the
        # header and the rows skipped after it, which start on line ``start``)
        self.breaks = start - first
        self.blank_lines = blanks
        self.blanks = 0  # empty lines between the records numbered so far
        self.start = start  # the lines before it (header, skipped rows) are accounted for
        self.last = 0  # the first line of the last record numbered (0: none yet)
        self.end = start  # the line after it
        # the lines of records put aside, read as records of their own (records.read_apart)
        self.apart: list[tuple[int, list[str | None]]] = []

    def number(self, table: pa.Table | None, skipped: list[Any]) -> pa.Array:
        """The first line of each row of ``table`` (the next rows read; None: none is left),
        and the problems of the records put aside before its last row (all, for None)."""
        n = 0 if table is None else table.num_rows
        taken = 0  # records put aside among the next ones, before the table's last row
        while taken < len(skipped) and (
            table is None or (skipped[taken].number or 0) < self.record + n + taken
        ):
            taken += 1
        aside, skipped[:taken] = skipped[:taken], []
        span = np.arange(self.record, self.record + n + taken, dtype=np.int64)
        kept = np.ones(n + taken, bool)
        if taken:
            numbers = np.array([row.number or self.record for row in aside], np.int64)
            kept[np.clip(numbers - self.record, 0, n + taken - 1)] = False
        breaks = np.zeros(n + taken, np.int64)
        if table is not None:
            breaks[kept] = _breaks(table)
        breaks[~kept] = [_text_breaks(row.text or "") for row in aside]
        first = span + self.breaks + np.cumsum(breaks) - breaks + self.blanks
        if self.blank_lines.found:
            first += self._blanks_before(first, breaks, last=table is None)
        for row, line in zip(aside, first[~kept].tolist(), strict=True):
            if row.actual_columns == 1 and not (row.text or "").strip():
                continue  # a line of only spaces: an empty line, no record (counted as one)
            if _text_breaks(row.text or ""):  # its lines joined by a stray quote and another?
                expected, found = row.expected_columns, row.actual_columns
                apart = read_apart(self.source, row.text, line, expected, found)
                self.apart += apart.rows
                self.source.row_problems.extend(apart.problems)
                continue
            rule = f"expected {row.expected_columns} fields, found {row.actual_columns}"
            if self.source.spaced_quotes and row.actual_columns > row.expected_columns:
                rule += _SPLIT
            self.source.row_problems.append(Problem(self.source.name, line, "*", row.text, rule))
        self.record += n + taken
        self.breaks += int(breaks.sum())
        if n + taken:
            self.last = int(first[-1])
            self.end = self.last + int(breaks[-1]) + 1
        return from_numpy(first[kept])

    def with_apart(self, table: pa.Table, numbers: pa.Array) -> Batch:
        """``table`` and its rows' lines with the rows read apart so far (:attr:`apart`),
        each in its place by its line."""
        if not self.apart:
            return Batch(table, numbers)
        rows, self.apart = self.apart, []
        cells = list(zip(*(cells for _, cells in rows), strict=True))
        extra = pa.table([strings(c) for c in cells], schema=table.schema)
        lines = np.concatenate([to_numpy(numbers), [line for line, _ in rows]])
        order = np.argsort(lines, kind="stable")
        return Batch(
            pa.concat_tables([table, extra]).take(from_numpy(order)), from_numpy(lines[order])
        )

    def _blanks_before(self, first: np.ndarray, breaks: np.ndarray, last: bool) -> np.ndarray:
        """Per record, the empty lines found between records up to it (and not before the
        records numbered so far). ``first`` counts those before: an empty line is there at
        ``line - blanks`` (less those taken since), either a record's first line (the empty
        line comes before it: a record never begins with one), inside a record (a line of a
        quoted value), or past the last (kept for the next records; dropped when ``last``)."""
        found = self.blank_lines.found
        shift = np.zeros(len(first), np.int64)
        if not len(first):  # the end: no record after them
            del found[:]
            return shift
        end = int(first[-1] + 1 + breaks[-1])
        fast = self._blanks_between(first, end, last)
        if fast is not None:
            return fast
        used, extra = 0, 0
        for line in found:
            used += 1
            if line < self.start:  # among the header and skipped rows: accounted for
                continue
            at = line - extra
            if at >= end:
                if not last:
                    used -= 1  # before a later record
                    break
                continue  # after the last record
            i = int(np.searchsorted(first, at, side="right")) - 1
            if i >= 0 and at != first[i]:
                continue  # a line of record i's quoted value
            shift[max(i, 0)] += 1  # before the first record: its own
            extra += 1
        del found[:used]
        self.blanks += extra
        return np.cumsum(shift)

    def _blanks_between(self, first: np.ndarray, end: int, last: bool) -> np.ndarray | None:
        """:meth:`_blanks_before` at once, for the usual case where no empty line is inside a
        quoted value: each empty line past the header is then one line before a record, so the
        record's first line less the empty lines counted before it places it (a file with an
        empty line after every record: 1 s of Python per 500,000 of them, now NumPy's).
        ``None`` when one is inside a quoted value: the loop decides."""
        found = self.blank_lines.found
        lines = np.asarray(found, np.int64)
        head = int(np.searchsorted(lines, self.start))  # among the header and skipped rows
        at = lines[head:] - np.arange(len(lines) - head)  # never decreasing
        counted = int(np.searchsorted(at, end))  # the rest lie past the last record
        record = np.searchsorted(first, at[:counted], side="right") - 1
        placed = np.maximum(record, 0)
        if np.any((record >= 0) & (at[:counted] != first[placed])):
            return None
        used = len(lines) if last else head + counted
        del found[:used]
        self.blanks += counted
        return np.cumsum(np.bincount(placed, minlength=len(first)))


class _BlankLines:
    """The numbers of the empty lines of a delimited text, found in its blocks as the parser
    is given them (it skips them and numbers no record after them the more), in order. Lines
    end in \\n, \\r\\n or a lone \\r, found with NumPy (0.2-0.4 ms a MiB, CRLF or not).
    Each block is kept in ``tail`` with the line it begins on (its line ends counted here)."""

    def __init__(self, first_line: int, tail: Tail) -> None:
        self.found: list[int] = []
        self._tail = tail
        self._line = first_line  # the line the next byte is on
        self._at_start = True  # the next byte begins a line
        self._cr = b""  # a \r that ended the last block (a \n may follow it in the next)
        self._bom = True  # a UTF-8 byte order mark may begin the next block (the parser drops it)

    def see(self, block: bytes, final: bool) -> None:
        if self._bom and block:
            block = block.removeprefix(b"\xef\xbb\xbf")
            self._bom = False
        if self._cr:
            block = self._cr + block
            self._cr = b""
        if not final and block.endswith(b"\r"):
            block, self._cr = block[:-1], b"\r"
        if not block:
            return
        self._tail.keep(block, self._line, self._at_start)
        data = np.frombuffer(block, np.uint8)
        ends = np.flatnonzero(data == 10)  # where each line break ends: a \n or a lone \r
        starts = ends  # where it begins (a \r\n's \r)
        if b"\r" in block:
            cr = np.flatnonzero(data == 13)
            lone = cr[data[np.minimum(cr + 1, len(data) - 1)] != 10]  # the last byte: the end
            if len(lone):
                ends = np.sort(np.concatenate([ends, lone]))
            after_cr = (data[ends] == 10) & (data[np.maximum(ends - 1, 0)] == 13) & (ends > 0)
            starts = ends - after_cr
        begins = np.empty(len(ends), np.int64)  # where the line each break ends began
        begins[:1] = 0
        begins[1:] = ends[:-1] + 1
        empty = np.flatnonzero(starts == begins)
        if len(empty) and empty[0] == 0 and not self._at_start:
            empty = empty[1:]
        if len(empty):
            self.found.extend((self._line + empty).tolist())
        self._line += len(ends)
        self._at_start = block[-1] in b"\r\n"


def _breaks(table: pa.Table) -> np.ndarray:
    """Per row, the line breaks inside its values (\n, \r\n or a lone \r each count one);
    a column none of whose bytes is a control character (\r and \n among them) holds none."""
    total = np.zeros(table.num_rows, np.int64)
    for column in table.columns:
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            continue
        if not any(_controls(chunk) for chunk in column.chunks):
            continue
        count = pc.add(
            pc.count_substring(column, "\n"),
            pc.subtract(pc.count_substring(column, "\r"), pc.count_substring(column, "\r\n")),
        )
        total += to_numpy(pc.fill_null(count, scalar(0, count.type)))
    return total


def _controls(array: pa.Array) -> bool:
    """Whether a byte of the text of ``array`` (or of the buffer it is a slice of) is below
    14: a \n or \r may be among them (the minimum of its bytes: no copy)."""
    data = array.buffers()[2]
    return data is not None and data.size > 0 and int(np.frombuffer(data, np.uint8).min()) < 14


def _text_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")
