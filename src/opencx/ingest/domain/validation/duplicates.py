"""Exact duplicate rows, and rows of one order that disagree on its head, across a whole file,
found chunk by chunk in bounded memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest.domain.validation.parsed import Parsed


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
        parts = [pc.fill_null(pc.cast(chunk.column(c), pa.string()), "\x00") for c in columns]
        joined = pc.binary_join_element_wise(*parts, "\x1f")
        text = np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object)
        # categorize=False: the same hashes, without first factorizing mostly-distinct rows
        hashes = pd.util.hash_array(text, categorize=False)
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        repeated = np.zeros(n, dtype=bool)
        repeated[order[1:]] = ordered[1:] == ordered[:-1]
        seen = self._seen
        if seen.size:
            pos = np.minimum(np.searchsorted(seen, hashes), seen.size - 1)
            repeated |= seen[pos] == hashes
        new = np.unique(hashes[~repeated])
        self._seen = np.insert(seen, np.searchsorted(seen, new), new)
        return repeated


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
        """Flag each row of ``parsed`` whose order head differs from its order's first row."""
        if "order_id" not in parsed.columns or parsed.bad.size == 0:
            return
        fields = [f for f in self.HEAD if f in parsed.columns]
        keys = _hashes([parsed.columns["order_id"]])
        heads = _hashes(
            [_day(parsed.columns[f]) if f == "placed_at" else parsed.columns[f] for f in fields]
        )
        numbers = np.asarray(lines.to_numpy(zero_copy_only=False), dtype=np.int64)
        frame = pd.DataFrame({"k": keys, "h": heads, "line": numbers})
        first = frame.drop_duplicates("k")
        known = self._keys
        first_head = pd.Series(first["h"].to_numpy(), index=first["k"].to_numpy())
        first_line = pd.Series(first["line"].to_numpy(), index=first["k"].to_numpy())
        if known.size:
            pos = np.minimum(np.searchsorted(known, keys), known.size - 1)
            seen = known[pos] == keys
        else:
            pos, seen = np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
        expected = np.where(
            seen, self._heads[pos] if known.size else 0, first_head[keys].to_numpy()
        )
        where = np.where(seen, self._lines[pos] if known.size else 0, first_line[keys].to_numpy())
        conflict = expected != heads
        for line in np.unique(where[conflict]).tolist():
            rows = conflict & (where == line)
            parsed.flag(
                rows,
                "order_id",
                f"conflicts with line {line}: one order_id, another customer, placed_at or "
                "currency (an order has one of each; is it another order?)",
            )
        new = ~seen
        if new.any():
            fresh = first[first["k"].isin(keys[new])]
            order = np.argsort(fresh["k"].to_numpy(), kind="stable")
            add_k = fresh["k"].to_numpy()[order]
            at = np.searchsorted(known, add_k)
            self._keys = np.insert(known, at, add_k)
            self._heads = np.insert(self._heads, at, fresh["h"].to_numpy()[order])
            self._lines = np.insert(self._lines, at, fresh["line"].to_numpy()[order])


def _day(times: pa.Array) -> pa.Array:
    """The UTC day: an invoice whose lines were stamped a minute apart is still one order."""
    try:
        return pc.cast(times, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return times


def _hashes(columns: list[pa.Array]) -> np.ndarray:
    parts = [pc.fill_null(pc.cast(c, pa.string()), "\x00") for c in columns]
    joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "\x1f")
    text = np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object)
    return np.asarray(pd.util.hash_array(text, categorize=False), dtype=np.uint64)
