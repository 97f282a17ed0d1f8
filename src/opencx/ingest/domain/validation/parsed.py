"""A chunk after parsing: typed canonical columns and the problems of its rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest.domain.arrow_arrays import filled


@dataclass
class Parsed:
    """A chunk after parsing: typed canonical columns and, per row, whether it broke a rule."""

    columns: dict[str, pa.Array]
    bad: np.ndarray
    problems: list[tuple[int, str, str, str]]  # (row index, column, value, rule)
    raw: dict[str, pa.Array]  # source strings of each field, for messages
    encoded_columns: dict[str, pa.DictionaryArray] = field(default_factory=dict)
    dictionary_hashes: dict[str, np.ndarray] = field(default_factory=dict)  # of encoded's

    def encoded(self, name: str) -> pa.DictionaryArray:
        """Column ``name`` dictionary-encoded (its distinct values in order of first
        appearance, a null one of them), made once per chunk for the checks and the writer."""
        found = self.encoded_columns.get(name)
        if found is None:
            column = self.columns[name]
            if isinstance(column, pa.ChunkedArray):
                column = column.combine_chunks()
            found = pc.dictionary_encode(column, null_encoding="encode")
            self.encoded_columns[name] = found
        return found

    def flag(self, mask: pa.Array | np.ndarray, column: str, rule: str) -> None:
        """Mark every row where ``mask`` is true with ``rule``."""
        if isinstance(mask, pa.BooleanArray) and mask.true_count == 0:  # the usual rule: no row
            return
        rows = np.flatnonzero(
            filled(mask, False) if isinstance(mask, (pa.Array, pa.ChunkedArray)) else mask
        )
        if rows.size == 0:
            return
        values = self.raw.get(column)
        for row in rows.tolist():
            value = values[row].as_py() if values is not None else None
            self.problems.append((row, column, "" if value is None else str(value), rule))
        self.bad[rows] = True
