"""JSON Lines files (and the event API's JSON records) read as batches of text columns."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any, NoReturn

import numpy as np

from opencx.core.errors import InvalidInput, Problem
from opencx.core.text import json_path, lone_surrogate, lone_surrogate_path
from opencx.ingest.domain.arrow_arrays import from_numpy
from opencx.ingest.store.formats.encoding import DecodedStream
from opencx.ingest.store.formats.files import Batch, SourceFile, cell_text, open_binary, rows_table


def _constant(name: str) -> NoReturn:
    raise ValueError(name)


EXACT = json.JSONDecoder(parse_float=Decimal, parse_constant=_constant)
"""Reads a line's numbers exactly: one with a fraction or an exponent is the Decimal it spells
(``1.00004999999999999999`` stays itself; a float would make it ``1.00005``), so a file's
amount is held to the import's rules as a CSV file's text and an event's number are.
``NaN`` and ``Infinity``, which ``json`` reads and JSON has not (RFC 8259), are refused."""


NESTED_TOO_DEEP = "arrays and objects nested too deep to read (some 1,000 levels)"
"""Why a line (or a JSON cell) whose nesting passes what ``json`` reads is put aside: its
reader recurses once per level, and Python's recursion limit stops it (a RecursionError,
which failed the whole import)."""


class _Unreadable(ValueError):
    """A line :data:`EXACT` reads no record from although it is JSON: ``args`` are the field
    it is in (None: not known) and the rule, said as ``opencx.web.exact_json`` says it of an
    event's."""


class _Refused:
    """A number the line's reader cannot make, kept in its place to say where it is."""

    def __init__(self, rule: str) -> None:
        self.rule = rule


def _checked(text: str) -> Decimal | _Refused:
    try:
        return Decimal(text)
    except ArithmeticError:  # an exponent past what a Decimal holds (10^18 either way)
        return _Refused(f"{_shown(text)} is out of range for a number")


def _whole(text: str) -> int | _Refused:
    try:
        return int(text)
    except ValueError:  # Python's limit: an int of more than 4,300 digits is not made
        return _Refused(f"{_shown(text)} is out of range for a number")


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...{text[-10:]}"


_MARKING = json.JSONDecoder(
    parse_float=_checked,
    parse_int=_whole,
    parse_constant=lambda name: _Refused(f"{name} is not a JSON number"),
)
"""Reads again a line :data:`EXACT` could not, each number it refused in its place."""


def _refused(line: str) -> _Unreadable:
    """Why :data:`EXACT` could not read ``line``, a JSON text: the first number no Decimal or
    int holds (``1e9999999999999999999``, past 10^18 either way, which a float read as inf; a
    whole number of more than 4,300 digits) or constant JSON has not (``NaN``, ``Infinity``,
    read as floats by ``json``), named by its field and its path in it."""
    return _first_refused(_MARKING.decode(line)) or _Unreadable(
        None,
        "a number is out of range",  # not reached: the same line, the same numbers
    )


def _first_refused(record: Any) -> _Unreadable | None:
    """The first :class:`_Refused` (read in place of a value refused) in ``record``, as
    _Unreadable naming the field it is in and its path in that field's value when deeper
    (``properties.scores[2]: ...``)."""
    found: list[_Refused] = []

    def wanted(item: Any) -> bool:
        if isinstance(item, _Refused):
            found.append(item)
        return bool(found)

    fields = record.items() if isinstance(record, dict) else [(None, record)]
    for field, value in fields:
        path = json_path(value, wanted)
        if path is None:
            continue
        if field is None:
            return _Unreadable(None, f"{path}: {found[0].rule}" if path else found[0].rule)
        if not path:
            return _Unreadable(field, found[0].rule)
        inner = path if path.startswith("[") else f".{path}"
        return _Unreadable(field, f"{field}{inner}: {found[0].rule}")
    return None


def _decoded(line: str) -> Any:
    """``line`` read by :data:`EXACT`; _Unreadable when a number of it is none a Decimal or
    an int holds or is ``NaN`` or ``Infinity``, a string of it holds a lone surrogate, or it
    nests deeper than ``json`` reads (:data:`NESTED_TOO_DEEP`)."""
    try:
        record = EXACT.decode(line)
    except json.JSONDecodeError:
        raise
    except (ArithmeticError, ValueError):
        raise _refused(line) from None
    except RecursionError:  # json's reader recurses once per array or object opened
        raise _Unreadable(None, NESTED_TOO_DEEP) from None
    if "\\u" in line:  # a surrogate is read from its escape only (the text is UTF-8)
        lone = _lone_surrogate(record)
        if lone is not None:
            raise lone
    return record


def _lone_surrogate(record: Any) -> _Unreadable | None:
    """The first lone surrogate of ``record`` as _Unreadable naming the field it is in and
    its path in that field's value when deeper (``properties.notes[1]: a lone surrogate
    ...``), as a refused number is named."""
    fields = record.items() if isinstance(record, dict) else [(None, record)]
    for field, value in fields:
        named = None if field is None else str(field).encode("utf-8", "backslashreplace").decode()
        in_name = None if field is None else lone_surrogate(field)
        found = ("", in_name) if in_name is not None else lone_surrogate_path(value)
        if found is None:
            continue
        path, char = found
        rule = f"a lone surrogate (\\u{ord(char):04x}, half a UTF-16 pair) is no character"
        if named is None or not path:  # the column names the field
            return _Unreadable(named, f"{path}: {rule}" if path else rule)
        inner = path if path.startswith("[") else f".{path}"
        return _Unreadable(named, f"{named}{inner}: {rule}")
    return None


def records_batch(records: list[dict[str, Any]]) -> Batch:
    """A batch from JSON-like records (the event API), values as text like the file readers;
    a record of no field ({}) is refused, naming it (from 1), when no record has one: the
    table would have no column, so no row, for its line numbers."""
    columns = list(dict.fromkeys(k for record in records for k in record))
    if not columns and records:
        others = ", nor does any other" if len(records) > 1 else ""
        raise InvalidInput(f"record 1 of {len(records)} holds no field ({{}}){others}")
    rows = [[cell_text(record.get(c)) for c in columns] for record in records]
    return Batch(rows_table(columns, rows), from_numpy(np.arange(1, len(rows) + 1, dtype=np.int64)))


def json_batches(source: SourceFile, chunk_rows: int) -> Iterator[Batch]:
    stream = DecodedStream(
        open_binary(source.path),
        source.encoding or "utf-8",
        source.name,
        advice=source.encoding_advice,
    )
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
        except (json.JSONDecodeError, _Unreadable) as exc:
            field, rule = (None, exc.msg) if isinstance(exc, json.JSONDecodeError) else exc.args
            shown = line.strip()[:200].encode("utf-8", "backslashreplace").decode("utf-8")
            source.row_problems.append(
                Problem(source.name, number, field or "*", shown, f"not valid JSON: {rule}")
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
            yield Batch(rows_table(source.columns, rows), from_numpy(np.array(lines, np.int64)))
            rows, lines = [], []
    if rows:
        yield Batch(rows_table(source.columns, rows), from_numpy(np.array(lines, np.int64)))
    if empty:
        objects = (
            "its JSON object holds" if len(empty) == 1 else f"its {len(empty):,} JSON objects hold"
        )
        raise InvalidInput(
            f"{source.name}: line {empty[0]}: the file has no data rows: {objects} no field ({{}})"
        )
