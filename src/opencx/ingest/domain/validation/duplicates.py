"""Exact duplicate rows, and rows of one order that disagree on its head, across a whole file,
found chunk by chunk in bounded memory."""

from __future__ import annotations

import threading

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest.domain.arrow_arrays import from_numpy, known_true, to_numpy
from opencx.ingest.domain.validation.kept_rows import KeptRows, same_rows
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


def order_id_hashes(parsed: Parsed) -> np.ndarray:
    """The :func:`row_hashes` of the chunk's order ids (``parsed.encoded("order_id")``'s
    dictionary), made once per chunk: the order-head check, the places of its rows and the
    order writer each find the chunk's orders by them."""
    found = parsed.dictionary_hashes.get("order_id")
    if found is None:
        found = row_hashes([_text(parsed.encoded("order_id").dictionary)])
        parsed.dictionary_hashes["order_id"] = found
    return found


class HashedRows:
    """Distinct rows met in a file, found again by a 64-bit hash confirmed by the values.

    In memory, the hashes sorted (8 bytes a row) and, beside each, the number of its row among
    those kept (4 bytes); the rows themselves, as text, in a scratch file (:class:`KeptRows`).
    A hash found is confirmed by comparing the row read back, so two distinct rows whose hashes
    collide are never taken for one.
    """

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)  # sorted
        self._where = np.empty(0, dtype=np.uint32)  # per key: its row's number in _rows
        self._rows = KeptRows()

    def find(
        self, hashes: np.ndarray, rows: pa.Table, order: np.ndarray | None = None
    ) -> np.ndarray:
        """Per row of ``rows`` (hashes ``hashes``, sorted by ``order`` if given), the position
        in :attr:`keys` of the row kept with the same values in those columns (a kept row may
        hold more), or -1."""
        return self.search(hashes, rows, order)[0]

    def search(
        self, hashes: np.ndarray, rows: pa.Table, order: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`find`, and where each hash goes in :attr:`keys` (its first position not
        below it, as ``np.searchsorted``): :meth:`add` of rows not found takes it, and so
        searches the keys once, not twice."""
        found = np.full(len(hashes), -1, dtype=np.int64)
        keys = self.keys
        left = np.zeros(len(hashes), dtype=np.int64)
        if not keys.size:
            return found, left
        # sorted queries: the binary searches walk the array in one direction
        if order is None:
            order = np.argsort(hashes)
        left[order] = np.searchsorted(keys, hashes[order])
        hits = np.flatnonzero(keys[np.minimum(left, keys.size - 1)] == hashes)
        if not hits.size:
            return found, left
        # each hit against every kept row of its hash (one, unless hashes collided)
        counts = np.searchsorted(keys, hashes[hits], "right") - left[hits]
        pairs = np.repeat(hits, counts)
        starts = np.cumsum(counts) - counts
        at = np.repeat(left[hits] - starts, counts) + np.arange(len(pairs))
        same = same_rows(self.rows(at).select(rows.column_names), rows.take(from_numpy(pairs)))
        found[pairs[same]] = at[same]
        return found, left

    def rows(self, at: np.ndarray) -> pa.Table:
        """The rows kept at positions ``at`` of :attr:`keys`."""
        return self._rows.take(self._where[at].astype(np.int64))

    def add(
        self,
        hashes: np.ndarray,
        rows: pa.Table,
        order: np.ndarray | None = None,
        left: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Keep ``rows`` (distinct, none kept yet; ``order``: the stable sort of ``hashes``, if
        known; ``left``: where each hash goes in :attr:`keys`, as :meth:`search` found it, if
        known). Return that order and where the rows went in it (positions in :attr:`keys`
        before the insertion, for arrays kept beside it: ``np.insert(array, at,
        values[order])``)."""
        if order is None:
            order = np.argsort(hashes, kind="stable")
        added = hashes[order]
        at = np.searchsorted(self.keys, added) if left is None else left[order]
        numbers = (self._rows.count + order).astype(np.uint32)  # kept in their own order
        self._rows.keep(rows)
        self.keys = np.insert(self.keys, at, added)
        self._where = np.insert(self._where, at, numbers)
        return order, at


class DuplicateFinder:
    """Exact duplicate rows across the whole file, found by a 64-bit hash of the row's text and
    confirmed by its values (:class:`HashedRows`: 12 bytes in memory per distinct row, the rows
    in a scratch file), so a file of millions of rows costs tens of megabytes; lookups are
    binary searches per chunk.
    """

    def __init__(self, *, alone: bool = False) -> None:
        self._seen = HashedRows()
        # the file is one chunk (an API event): its rows are grouped by their values, neither
        # hashed (DuckDB's query costs half a millisecond however few the rows) nor kept
        self._alone = alone

    def mark(self, chunk: pa.Table, columns: list[str]) -> np.ndarray:
        """Return a mask of rows that repeat an earlier row of the file exactly."""
        n = chunk.num_rows
        if not columns or n == 0:
            return np.zeros(n, dtype=bool)
        rows = pa.table({f"c{i}": _text(chunk.column(c)) for i, c in enumerate(columns)})
        if self._alone:
            return _repeated_among(rows)
        hashes = row_hashes(list(rows.columns))
        order = np.argsort(hashes, kind="stable")
        repeated = _repeated_within(rows, hashes, order)
        found, left = self._seen.search(hashes, rows, order)
        repeated |= found >= 0
        if not repeated.any():
            self._seen.add(hashes, rows, order, left)
        elif not repeated.all():
            new = np.flatnonzero(~repeated)
            self._seen.add(hashes[new], rows.take(from_numpy(new)), left=left[new])
        return repeated


def _repeated_within(rows: pa.Table, hashes: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Per row, whether an earlier row of ``rows`` holds the same values (``order`` sorts
    ``hashes``): only rows whose hash another row shares are compared, by a grouping on the
    values themselves."""
    repeated = np.zeros(rows.num_rows, dtype=bool)
    ordered = hashes[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return repeated
    shared = np.zeros(rows.num_rows, dtype=bool)
    shared[order[1:][same]] = True
    shared[order[:-1][same]] = True
    involved = np.flatnonzero(shared)  # in file order
    repeated[involved] = _repeated_among(rows.take(from_numpy(involved)))
    return repeated


def _repeated_among(rows: pa.Table) -> np.ndarray:
    """Per row, whether an earlier row of ``rows`` holds the same values (a null equals only a
    null), by the codes of each column's values (NumPy: a ``group_by`` would load pandas,
    ``arrow_arrays``)."""
    codes = [
        to_numpy(pc.dictionary_encode(column.combine_chunks(), null_encoding="encode").indices)
        for column in rows.columns
    ]
    repeated = np.ones(rows.num_rows, dtype=bool)
    if rows.num_rows:
        _, firsts = np.unique(np.stack(codes, axis=1), axis=0, return_index=True)
        repeated[firsts] = False
    return repeated


class OrderHeads:
    """The rows of one ``order_id`` across a file agree on what is the order's, not the line's:
    its customer, day and currency. A row that disagrees with the order's first row is a
    conflict reported on its line (merging them would silently move lines between customers,
    days or currencies).

    Each order's id and head (its first row's) are kept like :class:`DuplicateFinder`'s rows:
    a sorted hash of the id in memory with its first row's line (20 bytes an order), the id
    and head themselves in a scratch file, so millions of orders fit in memory and an order
    found by its hash is confirmed by its id, a head compared by its values.
    """

    HEAD = ("customer", "placed_at", "currency")

    def __init__(self, *, alone: bool = False) -> None:
        self._orders = HashedRows()
        self._lines = np.empty(0, dtype=np.int64)
        self._alone = alone  # the file is one chunk: no earlier order to find, none kept

    def check(self, parsed: Parsed, lines: pa.Array) -> None:
        """Flag each row of ``parsed`` whose order head differs from its order's first row.

        Within the chunk the order ids are dictionary-encoded (each id's code in order of first
        appearance) and each row's head is compared with its order's first row value by value;
        the orders met in an earlier chunk are found by the hash of their id (confirmed by the
        id) and their rows compared with the head kept."""
        if "order_id" not in parsed.columns or parsed.bad.size == 0:
            return
        heads = [
            _day(parsed.columns[f]) if f == "placed_at" else parsed.columns[f]
            for f in self.HEAD
            if f in parsed.columns
        ]
        encoded = parsed.encoded("order_id")
        codes = to_numpy(encoded.indices)
        # a new order's code is one more than any before it: its first row raises the maximum
        first_at = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
        ids = _text(encoded.dictionary)
        numbers = to_numpy(lines).astype(np.int64)
        if self._alone:
            keys, pos = np.empty(0, np.uint64), np.full(len(ids), -1, np.int64)
            left = np.zeros(len(ids), np.int64)
        else:
            keys = order_id_hashes(parsed)
            pos, left = self._orders.search(keys, pa.table({"k": ids}))
        seen = pos >= 0
        first_of_row = first_at[codes]
        conflict = np.zeros(len(codes), dtype=bool)
        for column in heads:
            conflict |= _differs(column, first_of_row)
        where = numbers[first_of_row]
        earlier = seen[codes]
        if earlier.any():  # the rows of orders seen in an earlier chunk: their kept head
            rows = np.flatnonzero(earlier)
            at = pos[codes[rows]]
            kept = self._orders.rows(at).drop_columns(["k"])
            conflict[rows] = ~same_rows(kept, _head_rows(heads, rows))
            where[rows] = self._lines[at]
        for line in np.unique(where[conflict]).tolist():
            parsed.flag(
                conflict & (where == line),
                "order_id",
                f"conflicts with line {line}: one order_id, another customer, placed_at or "
                "currency (an order has one of each; is it another order?)",
            )
        if not seen.all() and not self._alone:
            new = np.flatnonzero(~seen)
            firsts = first_at[new]
            added = _head_rows(heads, firsts).add_column(0, "k", ids.take(from_numpy(new)))
            order, at = self._orders.add(keys[new], added, left=left[new])
            self._lines = np.insert(self._lines, at, numbers[firsts][order])


def _head_rows(heads: list[pa.Array | pa.ChunkedArray], rows: np.ndarray) -> pa.Table:
    """The head columns of ``rows``, as text."""
    return pa.table({f"h{i}": _text(_rows(c, rows)) for i, c in enumerate(heads)})


def _text(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``column`` as text, as it is hashed (a null stays null)."""
    return column if column.type == pa.string() else pc.cast(column, pa.string())


def _whole(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _rows(column: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
    return _whole(column).take(from_numpy(rows))


def _differs(column: pa.Array | pa.ChunkedArray, first: np.ndarray) -> np.ndarray:
    """Per row: its value is not the one of row ``first`` (a null equals only a null)."""
    column = _whole(column)
    other = column.take(from_numpy(first))
    unequal = known_true(pc.not_equal(column, other))
    if column.null_count:
        unequal = pc.or_(unequal, pc.xor(pc.is_null(column), pc.is_null(other)))
    return to_numpy(unequal)


def _day(times: pa.Array) -> pa.Array:
    """The UTC day: an invoice whose lines were stamped a minute apart is still one order."""
    if pa.types.is_timestamp(times.type) and times.type.tz == "UTC":  # the same day, naive:
        times = times.view(pa.timestamp(times.type.unit))  # no time zone looked up per row
    try:
        return pc.cast(times, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return times
