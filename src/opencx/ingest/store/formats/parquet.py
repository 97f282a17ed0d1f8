"""Parquet files read as Arrow batches, one row group slice at a time."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from opencx.ingest.store.formats.files import Batch, SourceFile, numbered


def parquet_batches(source: SourceFile, chunk_rows: int) -> Iterator[Batch]:
    import pyarrow.parquet as pq

    line = 1
    for record_batch in pq.ParquetFile(source.path).iter_batches(batch_size=chunk_rows):
        yield numbered(pa.Table.from_batches([record_batch]), line)
        line += record_batch.num_rows
