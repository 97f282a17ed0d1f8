"""Reading CSV, Parquet, JSON Lines and Excel files as streams of Arrow batches.

Every reader yields :class:`Batch` objects holding at most ``chunk_rows`` rows, with empty
strings as nulls and the line number of each row, so memory stays bounded whatever the size
of the file. Text files are decoded as they are read (encoding detected on a sample or given),
so an undecodable byte is reported with its line instead of surfacing as a parser error.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

from opencx.ingest.store.formats.delimited import csv_batches
from opencx.ingest.store.formats.excel import xlsx_batches
from opencx.ingest.store.formats.files import Batch, SourceFile
from opencx.ingest.store.formats.header import open_source
from opencx.ingest.store.formats.jsonl import json_batches, records_batch
from opencx.ingest.store.formats.parquet import parquet_batches

__all__ = ["Batch", "SourceFile", "batches", "open_source", "records_batch"]

READERS: dict[str, Callable[[SourceFile, int], Iterator[Batch]]] = {
    "csv": csv_batches,
    "parquet": parquet_batches,
    "jsonl": json_batches,
    "xlsx": xlsx_batches,
}


def batches(
    source: SourceFile, chunk_rows: int, *, first_rows: int | None = None
) -> Generator[Batch, None, None]:
    """Stream the rows of ``source`` in batches of about ``chunk_rows`` rows. ``first_rows``:
    a delimited file's first batch holds about that many (it is read in smaller blocks); the
    other formats read every batch at ``chunk_rows``."""
    if source.format == "csv":
        yield from csv_batches(source, chunk_rows, first_rows)
        return
    yield from READERS[source.format](source, chunk_rows)
