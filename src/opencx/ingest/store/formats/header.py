"""Opening a file: its format from its name, encoding and delimiter detected, its header read."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from opencx.core.errors import InvalidInput
from opencx.ingest.store.formats.encoding import (
    LINE_END,
    SAMPLE_BYTES,
    check_one_encoding,
    detect_encoding,
    last_line_end,
    line_ends,
)
from opencx.ingest.store.formats.files import SourceFile, file_format, open_binary

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
) -> SourceFile:
    """Open ``path``, detect its encoding and delimiter and read its header; delimited text
    skips ``skip_after_header`` rows after the header (Qualtrics' question texts and ids)."""
    fmt = file_format(path)
    if fmt in ("parquet", "xlsx"):
        return SourceFile(path, fmt, None, _binary_columns(path, fmt))
    sample = _sample(path)
    enc = encoding or detect_encoding(sample)
    if encoding is None:
        check_one_encoding(sample, enc, path.name)
    try:
        text = sample.decode(enc, errors="strict")
    except UnicodeDecodeError as exc:
        if exc.end < len(sample) - 4:  # not just a character cut at the end of the sample
            line = line_ends(sample[: exc.start]) + 1
            raise InvalidInput(
                f"{path.name}: line {line}: bytes {sample[exc.start : exc.start + 4]!r} cannot be "
                f"decoded as {enc} (give the file's encoding with --encoding, e.g. cp1252)"
            ) from None
        text = sample[: exc.start].decode(enc)
    except LookupError:
        raise InvalidInput(f"--encoding {enc!r}: unknown encoding") from None
    text = text.lstrip("\ufeff")
    source = SourceFile(path, fmt, enc, [], delimiter, whitespace, header)
    source.skip_after_header = skip_after_header if header else 0
    if fmt == "jsonl":
        source.columns = _json_columns(text, path.name)
        return source
    _read_header(source, text, names)
    if source.skip_after_header:
        _skip_rows(source, text, whole=len(sample) < SAMPLE_BYTES)
    return source


def _skip_rows(source: SourceFile, text: str, *, whole: bool) -> None:
    """:func:`_skipped_rows` on the sample, or, when the rows go on past it, on the file's
    first :data:`MAX_HEADER_BYTES` (a survey of many long questions)."""
    try:
        if _skipped_rows(source, text, whole=whole):
            return
        with open_binary(source.path) as raw:
            head = raw.read(MAX_HEADER_BYTES)
        longer = head.decode(source.encoding or "utf-8", errors="replace").lstrip("\ufeff")
        if _skipped_rows(source, longer, whole=len(head) < MAX_HEADER_BYTES):
            return
    except csv.Error as exc:
        raise InvalidInput(f"{source.name}: {exc} (is this a delimited text file?)") from None
    raise InvalidInput(
        f"{source.name}: the {source.skip_after_header} rows after the header that the mapping "
        f"skips do not end within the first {MAX_HEADER_BYTES >> 20} MiB of the file (is this "
        "the export the mapping is for?)"
    )


def _sample(path: Path) -> bytes:
    """The first 256 KiB (or the whole first line, when the header is wider than that); an
    empty or binary file is refused here, naming its line."""
    with open_binary(path) as raw:
        sample = raw.read(SAMPLE_BYTES)
        while last_line_end(sample) < 0 and len(sample) < MAX_HEADER_BYTES:  # a wide header
            more = raw.read(SAMPLE_BYTES)
            if not more:
                break
            sample += more
    if not sample.strip():
        raise InvalidInput(f"{path.name}: line 1: the file is empty")
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        line = line_ends(sample[: sample.index(b"\x00")]) + 1
        raise InvalidInput(
            f"{path.name}: line {line}: a NUL byte: this is not a text file (a binary or "
            "corrupt file saved as .csv?)"
        )
    return sample


def _read_header(source: SourceFile, text: str, names: tuple[str, ...]) -> None:
    try:
        _parse_header(source, text, names)
    except csv.Error as exc:  # e.g. a field over the csv module's limit: not a CSV we can read
        raise InvalidInput(f"{source.name}: {exc} (is this a delimited text file?)") from None
    if len(source.columns) > MAX_COLUMNS:
        raise InvalidInput(
            f"{source.name}: line {source.lead_lines + 1}: {len(source.columns):,} columns; at "
            f"most {MAX_COLUMNS:,} are read (is the delimiter right, is this the right file?)"
        )


def _parse_header(source: SourceFile, text: str, names: tuple[str, ...]) -> None:
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
    physical = LINE_END.split(text)
    lead = next((i for i, line in enumerate(physical) if line.strip()), len(physical))
    if lead == len(physical):  # a sample of empty lines (an empty file is refused before)
        raise InvalidInput(
            f"{source.name}: lines 1-{lead}: empty (nothing in the first "
            f"{SAMPLE_BYTES >> 10} KiB of the file)"
        )
    # the lines before the header (or the first row) that are empty or only spaces: the parser
    # skips them, and the lines after them are numbered as they are in the file
    source.lead_lines = lead
    line = ",".join(physical[lead].split()) if source.whitespace else physical[lead]
    first = next(csv.reader([line], delimiter=source.delimiter or ","), [])
    # universal newlines: a lone \r (an old Mac file) ends a line, as it does for the parser
    rows = list(csv.reader(io.StringIO(text, newline=None), delimiter=source.delimiter or ","))
    source.newlines_in_values = any("\n" in cell or "\r" in cell for row in rows for cell in row)
    if names:
        source.columns = list(names)
        source.header = [c.strip().lower() for c in first] == [n.lower() for n in names]
    elif source.header:
        source.columns = [c.strip() for c in first]
    else:
        source.columns = [f"column{i + 1}" for i in range(len(first))]


def _skipped_rows(source: SourceFile, text: str, *, whole: bool) -> bool:
    """Set what the parser skips after the header for the mapping's ``skip_after_header``
    rows (Qualtrics' question texts and import ids), and the line the data begins on; whether
    ``text`` (the file's beginning; ``whole``: all of it) told. Those rows are records: the
    parser counts an empty line among them as one of the rows it skips, so each is skipped
    with them (else the last of them became data), and a record whose quoted value holds a
    line break takes more than one line."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=source.delimiter or ",")
    for _ in range(source.lead_lines + 1):  # the empty lines before the header, and it
        next(reader, None)
    rows = records = 0
    while records < source.skip_after_header:
        row = next(reader, None)
        if row is None:  # the file ends among them: no data rows (said when it is read)
            break
        rows += 1
        records += bool(row) and not (len(row) == 1 and not row[0].strip())  # nor one of spaces
    data_line = reader.line_num + 1
    if not whole and next(reader, None) is None:  # they may go on past the text
        return False
    source.skip_rows, source.data_line = rows, data_line
    return True


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
