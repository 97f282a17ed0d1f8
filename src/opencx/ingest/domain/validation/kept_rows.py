"""Rows met earlier in a file, kept out of memory so that a hash found is confirmed by the values.

The duplicate-row and order-head checks (``validation.duplicates``) find earlier rows by a 64-bit
hash; two distinct rows can share one. Each keeps, beside its sorted hashes, the number of the
row each hash came from; the rows themselves (their columns as text) are kept as Arrow record
batches, one per chunk: the first few in memory (up to :data:`IN_MEMORY` bytes: a small file or
an event never touches the disk), the others appended as Arrow IPC messages to an unnamed
scratch file and read back through a memory map, so a lookup touches only the pages of the rows
it reads. Memory grows by 4 bytes a row kept, not by the rows' text (≈ 60 bytes a line of the
bench's orders).
"""

from __future__ import annotations

import mmap
import tempfile
import weakref
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest.domain.arrow_arrays import from_numpy, known_true, to_numpy

IN_MEMORY = 8 * 1024 * 1024
"""Bytes of rows kept in memory before the next chunks' go to the scratch file."""


class KeptRows:
    """Rows appended chunk by chunk, each found again by its number (in order of keeping)."""

    def __init__(self) -> None:
        self._schema: pa.Schema | None = None
        self._starts = [0]  # the number of each batch's first row, then the count of all
        self._batches: list[pa.RecordBatch | tuple[int, int]] = []  # or its (offset, size)
        self._in_memory = 0
        self._file: IO[bytes] | None = None
        self._size = 0

    @property
    def count(self) -> int:
        return self._starts[-1]

    def keep(self, rows: pa.Table) -> None:
        """Append ``rows`` (numbered from :attr:`count` on, in their order)."""
        if rows.num_rows == 0:
            return
        batch = rows.combine_chunks().to_batches()[0]
        self._schema = batch.schema
        self._starts.append(self._starts[-1] + rows.num_rows)
        if self._in_memory + batch.nbytes <= IN_MEMORY:
            self._in_memory += batch.nbytes
            self._batches.append(batch)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed with this object)
            weakref.finalize(self, self._file.close)
        message = batch.serialize()
        self._file.write(message)
        self._batches.append((self._size, message.size))
        self._size += message.size

    def take(self, numbers: np.ndarray) -> pa.Table:
        """The rows ``numbers`` (each kept before), in that order."""
        if self._schema is None:
            raise IndexError("no row kept yet")  # a bug guard
        order = np.argsort(numbers, kind="stable")
        ordered = numbers[order]
        which = np.searchsorted(self._starts, ordered, "right") - 1
        cuts = np.flatnonzero(np.diff(which, prepend=-1))
        parts = []
        mapped: pa.Buffer | None = None  # unmapped once the last view of it goes
        for start, end in zip(cuts.tolist(), [*cuts[1:].tolist(), len(ordered)], strict=True):
            i = int(which[start])
            batch = self._batches[i]
            if not isinstance(batch, pa.RecordBatch):
                if mapped is None:
                    mapped = self._mapped()
                batch = pa.ipc.read_record_batch(mapped.slice(*batch), self._schema)
            parts.append(batch.take(from_numpy(ordered[start:end] - self._starts[i])))
        found = pa.Table.from_batches(parts, self._schema).combine_chunks()
        back = np.empty(len(order), np.int64)
        back[order] = np.arange(len(order))
        return found.take(from_numpy(back))

    def _mapped(self) -> pa.Buffer:
        if self._file is None:
            raise IndexError("no row in the scratch file")  # a bug guard
        self._file.flush()
        return pa.py_buffer(mmap.mmap(self._file.fileno(), self._size, access=mmap.ACCESS_READ))


def same_rows(a: pa.Table, b: pa.Table) -> np.ndarray:
    """Per row, whether ``a`` and ``b`` hold the same values (a null equals only a null)."""
    equal = np.ones(a.num_rows, bool)
    for x, y in zip(a.columns, b.columns, strict=True):
        eq = known_true(pc.equal(x, y))
        if x.null_count or y.null_count:
            eq = pc.or_(eq, pc.and_(pc.is_null(x), pc.is_null(y)))
        equal &= to_numpy(eq)
    return equal
