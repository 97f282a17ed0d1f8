"""The line numbers an order file's rows take, given (``line_no``) or counted (a row without one
is numbered by its place in its order), across the whole file, found chunk by chunk in bounded
memory: a number one row of an order takes, no later row of that order may take again."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest.domain.arrow_arrays import from_numpy, to_numpy
from opencx.ingest.domain.validation.duplicates import HashedRows, row_hashes


class TakenLineNumbers:
    """Each (order id, line number) a row of the file took, with the line of the file of the
    first row that took it and whether that row gave the number or was counted to it.

    Kept as :class:`~opencx.ingest.domain.validation.duplicates.DuplicateFinder` keeps rows: a
    sorted 64-bit hash of the pair in memory with the line and the flag beside it (17 bytes a
    pair), the pairs themselves in a scratch file, so a hash found is confirmed by the values.
    """

    def __init__(self, *, alone: bool = False) -> None:
        self._seen = HashedRows()
        self._lines = np.empty(0, dtype=np.int64)
        self._given = np.empty(0, dtype=bool)
        # the file is one chunk (an API event): no earlier chunk to look in, nothing kept
        self._alone = alone

    def take(
        self, orders: pa.Array, numbers: pa.Array, lines: np.ndarray, given: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per row (its order id and number, neither null; ``lines``: its line in the file,
        ``given``: whether the file gave its number), the line of the earliest row of the file
        that took the same number of the same order before it (-1: none), and whether that
        row gave the number. The rows none took before take their numbers."""
        n = len(orders)
        first_line = np.full(n, -1, dtype=np.int64)
        first_given = np.zeros(n, dtype=bool)
        if n == 0:
            return first_line, first_given
        pairs = pa.table({"o": _text(orders), "n": _text(numbers)})
        if self._alone:
            firsts = _firsts(pairs, np.arange(n))
        else:
            hashes = row_hashes(list(pairs.columns))
            order = np.argsort(hashes, kind="stable")
            firsts = _firsts(pairs, _sharing(hashes, order))
        within = firsts != np.arange(n)
        first_line[within] = lines[firsts[within]]
        first_given[within] = given[firsts[within]]
        if self._alone:
            return first_line, first_given
        at = self._seen.find(hashes, pairs, order)
        earlier = at >= 0  # taken in an earlier chunk: that row is the earliest
        first_line[earlier] = self._lines[at[earlier]]
        first_given[earlier] = self._given[at[earlier]]
        new = np.flatnonzero(~earlier & ~within)
        if new.size:
            kept, where = self._seen.add(hashes[new], pairs.take(from_numpy(new)))
            self._lines = np.insert(self._lines, where, lines[new][kept])
            self._given = np.insert(self._given, where, given[new][kept])
        return first_line, first_given


def _sharing(hashes: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The rows (in file order) whose hash another row of the chunk shares: only they may
    hold the same pair."""
    ordered = hashes[order]
    same = ordered[1:] == ordered[:-1]
    shared = np.zeros(len(hashes), dtype=bool)
    shared[order[1:][same]] = True
    shared[order[:-1][same]] = True
    return np.flatnonzero(shared)


def _firsts(pairs: pa.Table, rows: np.ndarray) -> np.ndarray:
    """Per row of ``pairs``, the first of ``rows`` (in file order) holding the same values, by
    their codes in each column's dictionary (the values themselves, not their hashes); a row
    not among ``rows`` is its own first."""
    firsts = np.arange(pairs.num_rows)
    if rows.size < 2:
        return firsts
    codes = []
    for name in ("o", "n"):
        encoded = pc.dictionary_encode(pairs.column(name).combine_chunks().take(from_numpy(rows)))
        codes.append((to_numpy(encoded.indices).astype(np.int64), len(encoded.dictionary)))
    (orders, _), (numbers, many) = codes
    _, first, inverse = np.unique(orders * many + numbers, return_index=True, return_inverse=True)
    firsts[rows] = rows[first[inverse]]
    return firsts


def _text(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``column`` as one string array, as it is hashed."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return column if column.type == pa.string() else pc.cast(column, pa.string())
