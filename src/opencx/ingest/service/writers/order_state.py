"""The orders one import has met, in compact arrays: per order its index (its id, for an order
the import creates) and its lines so far, found again by its external id."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest.domain.arrow_arrays import filled, from_numpy, strings, to_numpy
from opencx.ingest.domain.validation.duplicates import row_hashes
from opencx.ingest.service.run import id_prefix, numbered_ids


class OrderState:
    """What the run knows about orders: per order met, its index and lines so far.

    Ids of orders created by this run are their index after ``prefix`` (``numbered_ids``);
    orders found in the database keep their own id in ``existing``. The orders met are kept in
    NumPy arrays, not a dictionary of Python strings (≈ 110 bytes an order): a sorted array of
    64-bit hashes of their external ids with each one's index (12 bytes), and per index the
    lines seen so far (4 bytes) and the external id's UTF-8 bytes (its length and an 8-byte
    offset). A hash found is confirmed by comparing the external id itself, so two ids whose
    hashes collide are still two orders: no line is ever numbered or attributed by a hash.
    """

    def __init__(self, *, alone: bool = False) -> None:
        # a run of one chunk of a few rows (an API event) hashes its ids with Python's own
        # string hash (stable within the process, so within the run) rather than by a DuckDB
        # query, which costs half a millisecond however few the ids
        self._alone = alone
        self.prefix = id_prefix()
        self.existing: dict[str, str] = {}  # external id -> id of orders already stored
        self.products: dict[str, str] = {}
        self.last_line: dict[tuple[str, str], tuple[str, int]] = {}  # (customer, sku) -> line
        self.next_index = 0
        self._keys = np.empty(0, np.uint64)  # hashes of the external ids met, sorted
        self._at = np.empty(0, np.int32)  # the index of the order of each of _keys
        self._lines = np.zeros(0, np.int32)  # per index: lines seen so far
        self._returns = np.zeros(0, np.int32)  # per index: return lines seen so far
        self._given = np.zeros(0, bool)  # per index: whether the file gave its status
        self._ends = np.zeros(1, np.int64)  # per index: where its external id ends in _text
        self._text = np.empty(0, np.uint8)  # the external ids met, in index order, UTF-8

    def find(self, exts: pa.Array | pa.ChunkedArray | list[str]) -> np.ndarray:
        """The index of each of ``exts`` (unique), or -1 for an order not met yet."""
        array = _strings(exts)
        return self._find(array, self._hashes(array))

    def slots_of(
        self, exts: pa.Array | pa.ChunkedArray | list[str], hashes: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The slot (``index << 24 | lines so far``) of each of ``exts`` (unique), and which
        are new to the run: those get the next indexes and no line yet. ``hashes``: their
        :func:`order_hashes`, when already made (never in a run ``alone``)."""
        array = _strings(exts)
        if hashes is None or self._alone:
            hashes = self._hashes(array)
        index = self._find(array, hashes)
        fresh = index < 0
        count = int(fresh.sum())
        if count:
            index[fresh] = np.arange(self.next_index, self.next_index + count, dtype=np.int64)
            self._add(array.filter(from_numpy(fresh)), hashes[fresh], index[fresh])
        values = (index << 24) | self._lines[index].astype(np.int64)
        return values, fresh

    def _hashes(self, array: pa.Array) -> np.ndarray:
        if self._alone:
            return np.array([hash(e) for e in array.to_pylist()], np.int64).view(np.uint64)
        return order_hashes(array)

    def ids(self, exts: pa.Array | pa.ChunkedArray | list[str], values: np.ndarray) -> pa.Array:
        """The ids of the orders ``exts`` whose slots are ``values``."""
        ids = numbered_ids(self.prefix, values >> 24)
        if not self.existing:
            return ids
        stored = strings([self.existing.get(e) for e in _strings(exts).to_pylist()])
        return pc.coalesce(stored, ids)

    def number_lines(
        self, exts: pa.Array | pa.ChunkedArray | list[str], values: np.ndarray, at: np.ndarray
    ) -> np.ndarray:
        """The number of each line of a chunk whose ``at`` gives each line's position in
        ``exts`` (slots ``values``): its order's lines seen so far, this one included. The
        counts are added to the orders' lines seen."""
        counts = np.bincount(at, minlength=len(values))
        by_order = np.argsort(at, kind="stable")
        starts = np.cumsum(counts) - counts
        rank = np.empty(len(at), np.int64)
        rank[by_order] = np.arange(len(at)) - np.repeat(starts, counts)
        numbers: np.ndarray = (values & 0xFFFFFF)[at] + rank + 1
        self._lines[values >> 24] += counts.astype(np.int32)
        return numbers

    def statuses(
        self,
        exts: pa.Array | list[str],
        values: np.ndarray,
        at: np.ndarray,
        is_return: np.ndarray,
        given: pa.Array | None,
    ) -> tuple[pa.Array, np.ndarray, int]:
        """Each order's status once a chunk's lines are in, as the whole file sets it: the
        first status its lines give (``given``: per order, the chunk's first; null for none),
        else ``completed``, ``returned`` (every line so far a return) or ``partly_returned``.
        ``exts``: the chunk's orders in order of first appearance, ``values`` their slots
        before the chunk's lines are numbered, ``at`` each line's place among them. Also
        returns which orders met in an earlier chunk change status, and how many orders get
        their first return line (``return_orders``)."""
        lines_before = (values & 0xFFFFFF).astype(np.int64)
        lines = lines_before + np.bincount(at, minlength=len(exts))
        returns = np.bincount(at, weights=is_return, minlength=len(exts)).astype(np.int64)
        index = values >> 24
        before = self._returns[index].astype(np.int64)
        self._returns[index] += returns.astype(np.int32)
        status = _computed(before + returns, lines)
        was = self._given[index]
        changed = (lines_before > 0) & (status != _computed(before, lines_before)) & ~was
        if given is not None and given.null_count < len(given):
            stated = to_numpy(pc.is_valid(given)) & ~was
            if stated.any():
                status = np.where(stated, np.array(given.to_pylist(), object), status)
                changed |= stated & (lines_before > 0)
                self._given[index[stated]] = True
        first_returns = int(((before == 0) & (returns > 0)).sum())
        return strings(status.tolist()), changed, first_returns

    def given(self, values: np.ndarray) -> np.ndarray:
        """Whether the file gave a status to each of the orders whose slots are ``values``."""
        given: np.ndarray = self._given[values >> 24]
        return given

    def order_ids(self, batch: int) -> Iterator[tuple[str, ...]]:
        """The ids of every order met, in order of first appearance, ``batch`` at a time."""
        for start in range(0, self.next_index, batch):
            index = np.arange(start, min(start + batch, self.next_index), dtype=np.int64)
            exts = self._exts_at(index, pa.string())
            yield tuple(self.ids(exts, index << 24).to_pylist())

    def _find(self, exts: pa.Array, hashes: np.ndarray) -> np.ndarray:
        index = np.full(len(hashes), -1, np.int64)
        keys = self._keys
        if not keys.size:
            return index
        # sorted queries: the binary searches walk the array in one direction (2-3x faster)
        order = np.argsort(hashes)
        left = np.empty(len(hashes), np.int64)
        left[order] = np.searchsorted(keys, hashes[order])
        hits = np.flatnonzero(keys[np.minimum(left, keys.size - 1)] == hashes)
        right = np.searchsorted(keys, hashes[hits], "right")
        many = right - left[hits] > 1
        one = hits[~many]  # one order met with that hash: is it this one?
        candidates = self._at[left[one]].astype(np.int64)
        same = pc.equal(self._exts_at(candidates, exts.type), exts.take(from_numpy(one)))
        found = filled(same, False)
        index[one[found]] = candidates[found]
        for i, end in zip(hits[many].tolist(), right[many].tolist(), strict=True):
            ext = exts[i].as_py()  # a hash that two orders met share: which one, if any?
            for j in self._at[left[i] : end].tolist():
                if self._exts_at(np.array([j]), exts.type).to_pylist() == [ext]:
                    index[i] = j
                    break
        return index

    def _add(self, exts: pa.Array, hashes: np.ndarray, index: np.ndarray) -> None:
        """Keep the orders ``exts`` (new, in index order from ``next_index``)."""
        n, count = self.next_index, len(index)
        offsets, data = _utf8(exts)
        end = int(self._ends[n])
        self._text = _room(self._text, end + len(data))
        self._text[end : end + len(data)] = data
        self._ends = _room(self._ends, n + count + 1)
        self._ends[n + 1 : n + count + 1] = end + offsets[1:]
        self._lines = _room(self._lines, n + count)
        self._lines[n : n + count] = 0
        self._returns = _room(self._returns, n + count)
        self._returns[n : n + count] = 0
        self._given = _room(self._given, n + count)
        self._given[n : n + count] = False
        order = np.argsort(hashes, kind="stable")
        where = np.searchsorted(self._keys, hashes[order])
        self._keys = np.insert(self._keys, where, hashes[order])
        self._at = np.insert(self._at, where, index[order].astype(np.int32))
        self.next_index = n + count

    def _exts_at(self, index: np.ndarray, kind: pa.DataType) -> pa.Array:
        """The external ids of the orders ``index``, as one Arrow array of type ``kind``."""
        starts, ends = self._ends[index], self._ends[index + 1]
        lengths = ends - starts
        offsets = np.zeros(len(index) + 1, np.int64 if kind == pa.large_string() else np.int32)
        np.cumsum(lengths, out=offsets[1:])
        at = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        data = self._text[at]
        buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
        return pa.Array.from_buffers(kind, len(index), buffers)


def _computed(returns: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """The status of orders with these counts of return lines and lines (no status given)."""
    return np.where(
        returns == 0, "completed", np.where(returns == lines, "returned", "partly_returned")
    ).astype(object)


def order_hashes(exts: pa.Array) -> np.ndarray:
    """A 64-bit hash of each external id (a found one is confirmed by the id itself)."""
    return row_hashes([exts])


def _strings(exts: pa.Array | pa.ChunkedArray | list[str]) -> pa.Array:
    """``exts`` as one Arrow array of ``string`` or ``large_string``."""
    if isinstance(exts, pa.ChunkedArray):
        exts = exts.combine_chunks()
    if not isinstance(exts, pa.Array):
        return strings(exts)
    return exts if exts.type in (pa.string(), pa.large_string()) else pc.cast(exts, pa.string())


def _utf8(exts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (from 0) and bytes of a ``string`` or ``large_string`` array."""
    _, offsets_buffer, data_buffer = exts.buffers()
    width = np.int64 if exts.type == pa.large_string() else np.int32
    offsets = np.frombuffer(offsets_buffer, width)[exts.offset : exts.offset + len(exts) + 1]
    if data_buffer is None or not len(offsets):
        return np.zeros(len(exts) + 1, np.int64), np.empty(0, np.uint8)
    data = np.frombuffer(data_buffer, np.uint8)[offsets[0] : offsets[-1]]
    return (offsets - offsets[0]).astype(np.int64), data


def _room(array: np.ndarray, size: int) -> np.ndarray:
    """``array``, grown (by half again at least) to hold ``size`` values."""
    if size <= len(array):
        return array
    grown = np.zeros(max(size, len(array) * 3 // 2, 1024), array.dtype)
    grown[: len(array)] = array
    return grown
