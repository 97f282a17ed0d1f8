"""Opening a file: its format from its name, encoding and delimiter detected, its header read."""

from __future__ import annotations

import codecs
import csv
import json
import re
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO

from opencx.core.errors import InvalidInput
from opencx.ingest.domain.mapping import COMMAND_ADVICE
from opencx.ingest.store.formats.encoding import (
    LINE_END,
    SAMPLE_BYTES,
    check_one_encoding,
    detect_encoding,
    last_line_end,
    line_ends,
)
from opencx.ingest.store.formats.files import SourceFile, file_format, open_binary
from opencx.ingest.store.formats.records import Record, read_record, spaced_quotes

MAX_COLUMNS = 4096
MAX_HEADER_BYTES = 16 << 20  # a header line longer than this is not a header


def open_source(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    whitespace: bool = False,
    header: bool = True,
    names: tuple[str, ...] = (),
    skip_after_header: int = 0,
    encoding_advice: str = COMMAND_ADVICE.encoding,
) -> SourceFile:
    """Open ``path``, detect its encoding and delimiter and read its header; delimited text
    skips ``skip_after_header`` rows after the header (Qualtrics' question texts and ids).
    ``encoding_advice``: what a byte not of the encoding read tells the user to do."""
    fmt = file_format(path)
    if fmt in ("parquet", "xlsx"):
        return SourceFile(path, fmt, None, _binary_columns(path, fmt))
    head = _sample(path)
    enc = encoding or detect_encoding(head.sample)
    if encoding is None:
        check_one_encoding(head.sample, enc, path.name, head.lines + 1)
    text = _decoded(head, enc, path.name, encoding_advice)
    source = SourceFile(path, fmt, enc, [], delimiter, whitespace, header)
    source.encoding_advice = encoding_advice
    source.skip_after_header = skip_after_header if header else 0
    if fmt == "jsonl":  # no header: its problems and 'no data rows' name the first object
        source.columns = _json_columns(text, path.name, head.lines + 1)
        source.header, source.lead_lines = False, head.lines
        return source
    if not _read_header(source, text, names, head):  # a quoted value goes on past the sample
        head = _sample(path, MAX_HEADER_BYTES)
        text = _decoded(head, enc, path.name, encoding_advice)
        if not _read_header(source, text, names, head):
            raise InvalidInput(
                f"{source.name}: line {source.lead_lines + 1}: the header does not end within "
                f"the first {MAX_HEADER_BYTES >> 20} MiB of the file (a quoted value never "
                "closed?)"
            )
    if source.skip_after_header:
        _skip_rows(source, text, head)
    # ``1, "Ann"``: the parser reads a quote after a space as text; the sample tells
    source.spaced_quotes = not source.whitespace and spaced_quotes(text, source.delimiter or ",")
    return source


@dataclass(frozen=True, slots=True)
class _Head:
    """A delimited file's beginning from its first line that is not empty (nor only spaces):
    ``sample`` (its BOM kept in front), whether it runs to the end of the file (``whole``),
    and the empty lines before it (``lines``)."""

    sample: bytes
    whole: bool
    lines: int


def _decoded(head: _Head, enc: str, name: str, advice: str) -> str:
    """The text of ``head`` (a character cut at its end left out), without a BOM."""
    sample = head.sample
    try:
        text = sample.decode(enc, errors="strict")
    except UnicodeDecodeError as exc:
        if exc.end < len(sample) - 4:  # not just a character cut at the end of the sample
            line = head.lines + line_ends(sample[: exc.start]) + 1
            raise InvalidInput(
                f"{name}: line {line}: bytes {sample[exc.start : exc.start + 4]!r} cannot be "
                f"decoded as {enc} ({advice})"
            ) from None
        text = sample[: exc.start].decode(enc)
    except LookupError:
        raise InvalidInput(f"--encoding {enc!r}: unknown encoding") from None
    return text.lstrip("\ufeff")


def _skip_rows(source: SourceFile, text: str, head: _Head) -> None:
    """:func:`_skipped_rows` on the sample, or, when the rows go on past it, on the file's
    first :data:`MAX_HEADER_BYTES` from the header (a survey of many long questions)."""
    if _skipped_rows(source, text, head):
        return
    head = _sample(source.path, MAX_HEADER_BYTES)
    longer = head.sample.decode(source.encoding or "utf-8", errors="replace")
    if _skipped_rows(source, longer.lstrip("\ufeff"), head):
        return
    raise InvalidInput(
        f"{source.name}: the {source.skip_after_header} rows after the header that the mapping "
        f"skips do not end within the first {MAX_HEADER_BYTES >> 20} MiB of the file (is this "
        "the export the mapping is for?)"
    )


def _sample(path: Path, size: int = SAMPLE_BYTES) -> _Head:
    """The file from its first line that is not empty: ``size`` bytes of it (or its whole
    first line, when the header is wider than that); an empty or binary file is refused
    here, naming its line."""
    with open_binary(path) as raw:
        sample, lines = _past_empty_lines(raw, path.name)
        more = raw.read(max(size - len(sample), 1))
        whole = len(more) < max(size - len(sample), 1)
        sample += more
        while not whole and last_line_end(sample) < 0 and len(sample) < MAX_HEADER_BYTES:
            more = raw.read(SAMPLE_BYTES)  # a wide header
            whole = len(more) < SAMPLE_BYTES
            sample += more
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        line = lines + line_ends(sample[: sample.index(b"\x00")]) + 1
        raise InvalidInput(
            f"{path.name}: line {line}: a NUL byte: this is not a text file (a binary or "
            "corrupt file saved as .csv?)"
        )
    return _Head(sample, whole, lines)


_UTF16 = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}


def _past_empty_lines(raw: IO[bytes], name: str) -> tuple[bytes, int]:
    """The bytes of ``raw`` from its first line that is not empty (nor only spaces), a BOM
    kept in front, at least a block of them, and the lines before: read by the block, and
    only the last line kept while they go on (a file of 1 GiB of empty lines, then a
    header). InvalidInput when the file holds nothing else."""
    data = raw.read(SAMPLE_BYTES)
    bom = next((b for b in (codecs.BOM_UTF8, *_UTF16) if data.startswith(b)), b"")
    width = 2 if bom in _UTF16 else 1  # else ASCII spaces and line ends are a byte each
    data, lines = data[len(bom) :], 0
    while True:
        text = data[: len(data) - len(data) % width]
        if width == 2:  # a byte a character, the ASCII ones as they are
            text = text.decode(_UTF16[bom], errors="replace").encode("latin-1", errors="replace")
        spaces = len(text) - len(text.lstrip())  # ASCII spaces, tabs and line ends
        # where the line of the first character that is not a space begins
        cut = max(text.rfind(b"\n", 0, spaces), text.rfind(b"\r", 0, spaces)) + 1
        if spaces < len(text):
            return bom + data[cut * width :], lines + line_ends(text[:cut])
        if cut == len(text) and text.endswith(b"\r"):
            cut -= 1  # the \r of a \r\n cut by the block's end: kept for the next
        lines += line_ends(text[:cut])
        data = data[cut * width :]
        data = data[max(0, len(data) - SAMPLE_BYTES) // width * width :]  # a line of spaces
        more = raw.read(SAMPLE_BYTES)
        if not more:
            raise InvalidInput(f"{name}: line 1: the file is empty")
        data += more


def _read_header(source: SourceFile, text: str, names: tuple[str, ...], head: _Head) -> bool:
    """Read the header (or the first row) from ``text``; False when it goes on past it."""
    try:
        if not _parse_header(source, text, names, head):
            return False
    except csv.Error as exc:  # e.g. a field over the csv module's limit: not a CSV we can read
        raise InvalidInput(f"{source.name}: {exc} (is this a delimited text file?)") from None
    if len(source.columns) > MAX_COLUMNS:
        raise InvalidInput(
            f"{source.name}: line {source.lead_lines + 1}: {len(source.columns):,} columns; at "
            f"most {MAX_COLUMNS:,} are read (is the delimiter right, is this the right file?)"
        )
    return True


def _parse_header(source: SourceFile, text: str, names: tuple[str, ...], head: _Head) -> bool:
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
    # the lines before the header (or the first row) that are empty or only spaces: the parser
    # skips them, and the lines after them are numbered as they are in the file
    blank = _BLANK_LINES.match(text)
    start = blank.end() if blank else 0
    lead = head.lines + _text_breaks(text[:start])
    if not text[start:].strip():  # lines of spaces that are not ASCII (the others are skipped)
        raise InvalidInput(
            f"{source.name}: lines 1-{lead + 1}: empty (nothing in the first "
            f"{SAMPLE_BYTES >> 10} KiB after line {head.lines})"
        )
    source.lead_lines = lead
    if source.whitespace:
        line = LINE_END.split(text[start:], maxsplit=1)[0]
        first, end = line.split(), start + len(line)
    else:
        record = _header_record(source, text, start, whole=head.whole)
        if record is None:
            return False
        first, end = record
    source.header_lines = 1 + _text_breaks(text[start:end])  # its quoted values' line breaks
    if names:
        source.columns = list(names)
        source.header = [c.strip().lower() for c in first] == [n.lower() for n in names]
    elif source.header:
        source.columns = [c.strip() for c in first]
    else:
        source.columns = [f"column{i + 1}" for i in range(len(first))]
    return True


_BLANK_LINES = re.compile(r"(?:[^\S\r\n]*(?:\r\n|\r|\n))*")
"""The empty lines (or lines of spaces) that begin a text."""


def _header_record(
    source: SourceFile, text: str, start: int, *, whole: bool
) -> tuple[list[str], int] | None:
    """The cells of the record that begins at ``text[start]`` (the header, or the first row)
    and where its last line ends (:func:`read_record`; a header's quote may follow spaces,
    ``id, "name"``). None when the record goes on past ``text`` (``whole``: all of the file),
    and InvalidInput, naming the line and column, when a quoted value is never closed."""
    record = read_record(text, start, source.delimiter or ",", spaced=source.header)
    if not record.closed:
        if not whole:
            return None
        line = source.lead_lines + 1 + _text_breaks(text[start : record.end])
        what = "the header" if source.header else "the first row"
        raise InvalidInput(
            f"{source.name}: line {line}: column {len(record.cells) + 1} of {what}: a quoted "
            'value that is never closed (a " without its closing ")'
        )
    return (record.cells, record.end) if whole or record.end < len(text) else None


def _text_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _skipped_rows(source: SourceFile, text: str, head: _Head) -> bool:
    """Set what the parser skips after the header for the mapping's ``skip_after_header``
    rows (Qualtrics' question texts and import ids), and the line the data begins on; whether
    ``text`` (the file's beginning; ``whole``: all of it) told. Those rows are records: the
    parser counts an empty line among them as one of the rows it skips, so each is skipped
    with them (else the last of them became data), and a record whose quoted value holds a
    line break takes more than one line."""
    pos = _line_start(text, source.lead_lines - head.lines + source.header_lines)
    rows = records = 0
    while records < source.skip_after_header and pos < len(text):
        empty = LINE_END.match(text, pos)
        if empty:  # a row the parser skips, no record
            rows, pos = rows + 1, empty.end()
            continue
        record = read_record(text, pos, source.delimiter or ",")
        if not head.whole and (not record.closed or record.end == len(text)):
            return False  # it may go on past the text
        if not record.closed:
            raise _skipped_never_closed(source, head, text, record)
        rows += 1
        cells = record.cells
        records += not (len(cells) == 1 and not cells[0].strip())  # nor one of spaces
        end = LINE_END.match(text, record.end)
        pos = end.end() if end else record.end
    if not head.whole and pos == len(text):  # they may go on past the text
        return False
    lines = _text_breaks(text[:pos]) + (pos > 0 and text[pos - 1] not in "\r\n")
    source.skip_rows, source.data_line = rows, head.lines + lines + 1
    return True


def _line_start(text: str, lines: int) -> int:
    """Where the line after the first ``lines`` lines of ``text`` begins (its end: no more)."""
    if not lines:
        return 0
    end = next(islice(LINE_END.finditer(text), lines - 1, None), None)
    return len(text) if end is None else end.end()


def _skipped_never_closed(
    source: SourceFile, head: _Head, text: str, record: Record
) -> InvalidInput:
    line = head.lines + 1 + _text_breaks(text[: record.end])
    return InvalidInput(
        f"{source.name}: line {line}: column {len(record.cells) + 1} of a row the mapping skips "
        f"after the header (skip_after_header = {source.skip_after_header}): a quoted value "
        'that is never closed (a " without its closing ")'
    )


def _json_columns(text: str, name: str, first_line: int) -> list[str]:
    seen: dict[str, None] = {}
    for number, line in enumerate(text.splitlines()[:1000], start=first_line):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            break  # the full read reports it with its line
        except (ValueError, RecursionError):  # a whole number of more than 4,300 digits, or
            continue  # arrays nested past json's recursion: put aside by the read
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
