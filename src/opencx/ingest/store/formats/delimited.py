"""CSV and other delimited text (or whitespace-separated columns) read as Arrow batches."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from opencx.core.errors import InvalidInput, Problem
from opencx.ingest.store.formats.encoding import DecodedStream
from opencx.ingest.store.formats.files import Batch, SourceFile, numbered, open_binary


def csv_batches(source: SourceFile, chunk_rows: int) -> Iterator[Batch]:
    def on_invalid(row: Any) -> str:
        source.row_problems.append(
            Problem(
                source.name,
                row.number or 0,
                "*",
                row.text,
                f"expected {row.expected_columns} fields, found {row.actual_columns}",
            )
        )
        return "skip"

    stream = DecodedStream(
        open_binary(source.path),
        source.encoding or "utf-8",
        source.name,
        whitespace=source.whitespace,
    )
    try:
        yield from _csv_read(source, chunk_rows, stream, on_invalid)
    except pa.ArrowInvalid as exc:  # what the parser cannot split into rows: said, not raised
        detail = str(exc).split("\n")[0].removeprefix("CSV parse error: ")
        raise InvalidInput(f"{source.name}: cannot be read as delimited text: {detail}") from None
    finally:
        stream.close()


def _csv_read(
    source: SourceFile, chunk_rows: int, stream: DecodedStream, on_invalid: Any
) -> Iterator[Batch]:
    reader = pacsv.open_csv(
        io.BufferedReader(stream, 1 << 20),
        read_options=pacsv.ReadOptions(
            column_names=source.columns,
            skip_rows=1 if source.header else 0,
            skip_rows_after_names=source.skip_after_header,
            block_size=max(1 << 20, min(chunk_rows * 120, 64 << 20)),
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=source.delimiter or ",",
            newlines_in_values=source.newlines_in_values,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(source.columns, pa.string()),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    )
    line = 2 + source.skip_after_header if source.header else 1
    pending: list[pa.RecordBatch] = []
    rows = 0
    for record_batch in reader:
        pending.append(record_batch)
        rows += record_batch.num_rows
        if rows >= chunk_rows:
            yield numbered(pa.Table.from_batches(pending), line)
            line += rows
            pending, rows = [], 0
    if rows:
        yield numbered(pa.Table.from_batches(pending), line)
