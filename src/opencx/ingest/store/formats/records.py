"""Where a record of delimited text ends, read as the parser reads it (a quote opens a quoted
value only at the start of a cell, and a quoted value may hold line breaks), and a quoted value
that is never closed, named by the line it opens on: it would take the rest of the file; and
the lines of a record a stray quote and another joined, read apart (:func:`read_apart`)."""

from __future__ import annotations

import functools
import io
import re
from typing import NamedTuple

from opencx.core.errors import InvalidInput, Problem
from opencx.ingest.store.formats.encoding import LINE_END, DecodedStream, line_ends
from opencx.ingest.store.formats.files import SourceFile, open_binary

MAX_RECORD_BYTES = 16 << 20
"""How far a record too long for the parser's block is read to say where its quote opens."""


class Record(NamedTuple):
    """A record's cells (those before a quoted value not closed) and where it ends (where
    that value's quote is: ``closed`` False)."""

    cells: list[str]
    end: int
    closed: bool


@functools.cache
def _cell(delimiter: str, spaced: bool) -> re.Pattern[str]:
    """A quoted value (its quotes doubled inside) closed or not, and what follows its closing
    quote up to the next cell; or a value not quoted. ``spaced``: spaces may come before the
    quote (``id, "name"``)."""
    d = re.escape(delimiter)
    return re.compile(
        (" *" if spaced else "")
        + rf'"(?P<quoted>(?>[^"]*(?:""[^"]*)*))(?:\Z|"(?P<tail>[^{d}\r\n]*))|[^{d}\r\n]*'
    )


def read_record(text: str, start: int, delimiter: str, *, spaced: bool = False) -> Record:
    """The record that begins at ``text[start]``: its cells, a quoted cell's line breaks each
    read as ``\\n``, and where its last line ends; or, when a quoted value goes on to the end of
    ``text``, the cells before it and where it opens (``closed`` False). A quote opens a value
    at its first character, as the parser reads it, or (``spaced``) after spaces too."""
    cell = _cell(delimiter, spaced and delimiter != " ")
    cells: list[str] = []
    pos = start
    while True:
        match = cell.match(text, pos)
        assert match is not None  # the last branch matches the empty string
        if match["quoted"] is None:
            value = match.group()
        elif match["tail"] is None:  # the quote is not closed in ``text``
            return Record(cells, pos, closed=False)
        else:
            value = match["quoted"].replace('""', '"') + match["tail"]
        cells.append(LINE_END.sub("\n", value))
        pos = match.end()
        if not text.startswith(delimiter, pos):
            return Record(cells, pos, closed=True)
        pos += len(delimiter)


_SPACED_QUOTE = '(?:^|{}) +"'
"""A value written with spaces before its opening quote (``1, "Ann"``), in a text."""


def spaced_quotes(text: str, delimiter: str) -> bool:
    """Whether a value of ``text`` is written with spaces before its quote (``1, "Ann"``)."""
    if delimiter == " " or ' "' not in text:  # found in C first: the usual file has none
        return False
    return re.search(_SPACED_QUOTE.format(re.escape(delimiter)), text, re.MULTILINE) is not None


def text_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


_EMPTY_LINES = re.compile(r"(?:\r\n|\r|\n)*")


class Tail:
    """The last blocks of text given to the parser, each with the line it begins on, and at
    least ``keep`` bytes before the last: the file's last record is read again from them, to
    tell whether its quotes close (the parser takes a quoted value that reaches the end of the
    file as closed there). Kept by ``delimited._BlankLines``, which counts the lines: no
    \\r\\n is cut between blocks."""

    def __init__(self, keep: int = 1 << 20) -> None:
        self._keep = keep
        self._kept: list[tuple[bytes, int, bool]] = []  # block, its line, whether it begins it

    def keep(self, block: bytes, line: int, at_start: bool) -> None:
        kept = self._kept
        kept.append((block, line, at_start))
        while len(kept) > 2 and sum(len(b) for b, _, _ in kept[1:-1]) >= self._keep:
            del kept[0]

    def text_from(self, line: int) -> str | None:
        """The text from the start of ``line`` to the end; None when the blocks kept do not
        hold that start. Found from the end: the last record is short, the blocks long."""
        if not self._kept:
            return None
        data = b"".join(block for block, _, _ in self._kept)
        last, last_line, _ = self._kept[-1]
        after = last_line + line_ends(last) - line  # the line ends from ``line`` on
        start = _after_line_end(data, after + 1)
        if start is None:  # fewer: ``line`` begins the blocks kept, or before them
            _, first_line, at_start = self._kept[0]
            if not (at_start and line == first_line):
                return None
            start = 0
        return data[start:].decode("utf-8", errors="replace")


def _after_line_end(data: bytes, count: int) -> int | None:
    """Where the ``count``-th line end from the end of ``data`` ends (\n, \r\n or a lone
    \r), or None when it has fewer; each byte looked at once."""
    cr = b"\r" in data
    pos, end = len(data), None
    lf_at, cr_at = data.rfind(b"\n", 0, pos), data.rfind(b"\r", 0, pos) if cr else -1
    for _ in range(count):
        at = max(lf_at, cr_at)
        if at < 0:
            return None
        end = at + 1
        pos = at - 1 if at == lf_at and at and data[at - 1] == 13 else at  # a \r\n's \r
        if lf_at >= pos:
            lf_at = data.rfind(b"\n", 0, pos)
        if cr_at >= pos:
            cr_at = data.rfind(b"\r", 0, pos)
    return end


def read_from(source: SourceFile, line: int, limit: int | None = None) -> tuple[str, bool]:
    """The text of ``source`` from ``line`` on, as the parser is given it (at most ``limit``
    bytes), and whether it runs to the end of the file."""
    stream = DecodedStream(
        open_binary(source.path),
        source.encoding or "utf-8",
        source.name,
        whitespace=source.whitespace,
        advice=source.encoding_advice,
        skip_lines=line - 1,
    )
    with io.BufferedReader(stream, 1 << 20) as reader:
        data = reader.read(-1 if limit is None else limit + 1)
    whole = limit is None or len(data) <= limit
    text = data[:limit].decode("utf-8", errors="replace")
    return (text.lstrip("\ufeff") if line == 1 else text), whole


def check_last_record(source: SourceFile, tail: Tail, line: int) -> None:
    """InvalidInput when the file's last record, which begins on ``line``, ends inside a
    quoted value: its quote is never closed, and the value would take the rest of the file."""
    text = tail.text_from(line)
    if text is None:  # a record longer than the blocks kept: read it again
        text, _ = read_from(source, line)
    record = read_record(text, 0, source.delimiter or ",")
    if not record.closed:
        raise _never_closed(source, line, text, record)


def record_too_long(source: SourceFile, line: int, block: int) -> InvalidInput:
    """The error for a record longer than the parser's ``block``, the first record from
    ``line`` on (after the empty lines there): where its quote opens, and whether it closes."""
    text, whole = read_from(source, line, MAX_RECORD_BYTES)
    start = _EMPTY_LINES.match(text)
    line += text_breaks(text[: start.end()]) if start else 0
    text = text[start.end() :] if start else text
    record = read_record(text, 0, source.delimiter or ",")
    if not record.closed and whole:
        return _never_closed(source, line, text, record)
    if not record.closed:
        opens = line + text_breaks(text[: record.end])
        return InvalidInput(
            f"{source.name}: line {opens}: {_column(source, record)}: a quoted value that does "
            f'not close within {MAX_RECORD_BYTES >> 20} MiB (a " without its closing "?)'
        )
    last = line + text_breaks(text[: record.end])
    size = len(text[: record.end].encode("utf-8", errors="replace"))
    return InvalidInput(
        f"{source.name}: lines {line}-{last}: a record of {size / (1 << 20):.1f} MiB, longer "
        f'than the {block >> 20} MiB the reader takes at once (a " not closed where it should '
        "be?)"
    )


def _never_closed(source: SourceFile, line: int, text: str, record: Record) -> InvalidInput:
    opens = line + text_breaks(text[: record.end])
    last = line + text_breaks(text.rstrip("\r\n"))
    rest = f": it would hold the rest of the file, lines {opens}-{last}" if last > opens else ""
    return InvalidInput(
        f"{source.name}: line {opens}: {_column(source, record)}: a quoted value that is never "
        f'closed (a " without its closing "){rest}'
    )


def _column(source: SourceFile, record: Record) -> str:
    number = len(record.cells) + 1
    if number <= len(source.columns):
        return f"column {number} ({source.columns[number - 1]})"
    return f"column {number}"


class Apart(NamedTuple):
    """The lines of a record put aside: those read as records of their own (each with its
    line and cells) and the problems of the others, one a line."""

    rows: list[tuple[int, list[str | None]]]
    problems: list[Problem]


def read_apart(source: SourceFile, text: str, line: int, expected: int, found: int) -> Apart:
    """A record of ``found`` fields, not ``expected``, that begins on ``line`` and spans
    lines. When a line between its first and last reads alone as a record of ``expected``
    fields, a quote that opens a value on its first line and one further on that closes it (a
    stray ``"`` and another) made the lines one long value, and the records between were lost
    to it: each line is read alone, the first (its quote opens a value it does not close) and
    the last (whose quote closed it) put aside naming the span, a line between a record of its
    own when it has ``expected`` fields, put aside otherwise; an empty line is none. So every
    line is read or put aside, as the parser would have read it without the stray quotes.
    Else the record is put aside whole (a quoted value may hold line breaks), naming its
    lines."""
    texts = LINE_END.split(text)
    last = line + len(texts) - 1
    delimiter = source.delimiter or ","
    records = [
        (number, read_record(alone, 0, delimiter, spaced=source.spaced_quotes), alone)
        for number, alone in enumerate(texts[1:-1], start=line + 1)
        if alone.strip()  # an empty line, no record
    ]
    if not any(r.closed and len(r.cells) == expected for _, r, _ in records):
        rule = f"expected {expected} fields, found {found} (lines {line}-{last}, one record)"
        return Apart([], [Problem(source.name, line, "*", text, rule)])
    span = f"lines {line}-{last} were read as one record of {found} fields, not {expected}"
    opens = 'a quote opens a value that a quote on a later line closes (a stray "?)'
    problems = [_alone(source, line, texts[0], f"{opens}: {span}; each line is read alone")]
    rows: list[tuple[int, list[str | None]]] = []
    for number, record, alone in records:
        if record.closed and len(record.cells) == expected:
            rows.append((number, [cell or None for cell in record.cells]))
        elif record.closed:
            rule = f"expected {expected} fields, found {len(record.cells)} (of {span})"
            problems.append(Problem(source.name, number, "*", alone, rule))
        else:
            rule = f'a quoted value not closed on its line (a " without its closing "; of {span})'
            problems.append(_alone(source, number, alone, rule))
    closes = f'a quote here closes the value a quote opened on line {line} (a stray "?)'
    problems.append(Problem(source.name, last, "*", texts[-1], f"{closes}: {span}"))
    return Apart(rows, problems)


def _alone(source: SourceFile, line: int, text: str, rule: str) -> Problem:
    """The problem of ``text``, a line read alone whose quote opens a value it does not close,
    named by the column the quote opens (by number, when the header has no name for it)."""
    record = read_record(text, 0, source.delimiter or ",", spaced=source.spaced_quotes)
    number = len(record.cells)
    if number < len(source.columns):
        return Problem(source.name, line, source.columns[number], text, rule)
    return Problem(source.name, line, "*", text, f"column {number + 1}: {rule}")
