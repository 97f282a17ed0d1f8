"""Exact duplicate rows, and rows of one order that disagree on its head, across a whole file,
found chunk by chunk in bounded memory."""

from __future__ import annotations

import threading

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest.domain.validation.parsed import Parsed

_HASHER: list[duckdb.DuckDBPyConnection] = []
_HASHER_LOCK = threading.Lock()


def row_hashes(columns: list[pa.Array | pa.ChunkedArray]) -> np.ndarray:
    """A 64-bit hash of each row of ``columns`` (their values as text; a null is not ``""``),
    computed column-wise by DuckDB's ``hash`` on the Arrow buffers: no Python object per value.

    One in-memory DuckDB database per process (made on first use, 50 ms), a cursor of its own
    per call, so threads never share one (a cursor costs microseconds).
    """
    with _HASHER_LOCK:
        if not _HASHER:
            _HASHER.append(duckdb.connect(config={"threads": 1}))
        cursor = _HASHER[0].cursor()
    try:
        rows = pa.table({f"c{i}": pc.cast(c, pa.string()) for i, c in enumerate(columns)})
        names = ", ".join(rows.column_names)
        result = cursor.execute(f"SELECT hash({names}) AS h FROM rows").fetchnumpy()  # noqa: S608
    finally:
        cursor.close()
    return np.asarray(result["h"], dtype=np.uint64)


class DuplicateFinder:
    """Exact duplicate rows across the whole file, by a 64-bit hash of the row's text.

    Only the hashes are kept, sorted in one NumPy array (8 bytes per distinct row), so a file
    of millions of rows costs tens of megabytes; lookups are binary searches per chunk.
    """

    def __init__(self) -> None:
        self._seen = np.empty(0, dtype=np.uint64)

    def mark(self, chunk: pa.Table, columns: list[str]) -> np.ndarray:
        """Return a mask of rows that repeat an earlier row of the file exactly."""
        n = chunk.num_rows
        if not columns or n == 0:
            return np.zeros(n, dtype=bool)
        hashes = row_hashes([chunk.column(c) for c in columns])
        order = np.argsort(hashes)
        ordered = hashes[order]
        # in hash order: a repeat of the row before it in the chunk, or of an earlier chunk's
        repeated = np.zeros(n, dtype=bool)
        repeated[1:] = ordered[1:] == ordered[:-1]
        if repeated.any():  # rows alike within the chunk: the first in file order is no repeat
            order = np.argsort(hashes, kind="stable")
            ordered = hashes[order]
        seen = self._seen
        if seen.size:  # sorted queries: the binary searches walk the array in one direction
            pos = np.minimum(np.searchsorted(seen, ordered), seen.size - 1)
            repeated |= seen[pos] == ordered
        # the new hashes are sorted already: a stable sort of the two runs is one merge, done
        # in place (``np.sort`` made a third copy of every hash kept, each chunk: 38 MiB more
        # at the peak of a 5M-line file)
        merged = np.concatenate([seen, ordered[~repeated]])
        merged.sort(kind="stable")
        self._seen = merged
        marked = np.empty(n, dtype=bool)
        marked[order] = repeated
        return marked


class OrderHeads:
    """The rows of one ``order_id`` across a file agree on what is the order's, not the line's:
    its customer, day and currency. A row that disagrees with the order's first row is a
    conflict reported on its line (merging them would silently move lines between customers,
    days or currencies).

    Kept as hashes in sorted NumPy arrays (16 bytes per order plus its first line), like
    :class:`DuplicateFinder`, so millions of orders fit in memory.
    """

    HEAD = ("customer", "placed_at", "currency")

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.uint64)
        self._heads = np.empty(0, dtype=np.uint64)
        self._lines = np.empty(0, dtype=np.int64)

    def check(self, parsed: Parsed, lines: pa.Array) -> None:
        """Flag each row of ``parsed`` whose order head differs from its order's first row.

        Within the chunk the order ids are dictionary-encoded (each id's code in order of first
        appearance) and each row's head is compared with its order's first row value by value;
        heads are hashed only for the first rows (kept for later chunks) and for the rows of
        orders seen in an earlier chunk (compared with the head kept)."""
        if "order_id" not in parsed.columns or parsed.bad.size == 0:
            return
        heads = [
            _day(parsed.columns[f]) if f == "placed_at" else parsed.columns[f]
            for f in self.HEAD
            if f in parsed.columns
        ]
        encoded = parsed.encoded("order_id")
        codes = np.asarray(encoded.indices)
        # a new order's code is one more than any before it: its first row raises the maximum
        first_at = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
        keys = row_hashes([encoded.dictionary])
        numbers = np.asarray(lines.to_numpy(zero_copy_only=False), dtype=np.int64)
        known = self._keys
        if known.size:
            pos = np.minimum(np.searchsorted(known, keys), known.size - 1)
            seen = known[pos] == keys
        else:
            pos, seen = np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
        first_of_row = first_at[codes]
        conflict = np.zeros(len(codes), dtype=bool)
        for column in heads:
            conflict |= _differs(column, first_of_row)
        where = numbers[first_of_row]
        earlier = seen[codes]
        if earlier.any():  # the rows of orders seen in an earlier chunk: their kept head
            rows = np.flatnonzero(earlier)
            at = pos[codes[rows]]
            conflict[rows] = self._heads[at] != row_hashes([_rows(c, rows) for c in heads])
            where[rows] = self._lines[at]
        for line in np.unique(where[conflict]).tolist():
            parsed.flag(
                conflict & (where == line),
                "order_id",
                f"conflicts with line {line}: one order_id, another customer, placed_at or "
                "currency (an order has one of each; is it another order?)",
            )
        if not seen.all():
            order = np.argsort(keys[~seen], kind="stable")
            add_k, firsts = keys[~seen][order], first_at[~seen][order]
            at = np.searchsorted(known, add_k)
            self._keys = np.insert(known, at, add_k)
            self._heads = np.insert(self._heads, at, row_hashes([_rows(c, firsts) for c in heads]))
            self._lines = np.insert(self._lines, at, numbers[firsts])


def _whole(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _rows(column: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
    return _whole(column).take(pa.array(rows))


def _differs(column: pa.Array | pa.ChunkedArray, first: np.ndarray) -> np.ndarray:
    """Per row: its value is not the one of row ``first`` (a null equals only a null)."""
    column = _whole(column)
    other = column.take(pa.array(first))
    unequal = pc.fill_null(pc.not_equal(column, other), False)
    if column.null_count:
        unequal = pc.or_(unequal, pc.xor(pc.is_null(column), pc.is_null(other)))
    return np.asarray(unequal)


def _day(times: pa.Array) -> pa.Array:
    """The UTC day: an invoice whose lines were stamped a minute apart is still one order."""
    if pa.types.is_timestamp(times.type) and times.type.tz == "UTC":  # the same day, naive:
        times = times.view(pa.timestamp(times.type.unit))  # no time zone looked up per row
    try:
        return pc.cast(times, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return times
