"""The reject file: each rejected source row as read, plus its line, its problems and source.

Re-importing a fixed reject file reads ``_source`` back, so the rows land on the same
(source, external_id) keys as the first run; ``_line`` and ``_problems`` are ignored. The
reject file of an orders file without line numbers adds ``line_no``: each line's number in its
order, which the fixed row keeps (numbered from 1 again, it overwrote the lines stored).

A NUL character (U+0000, refused in any value) is written as ``␀`` (U+2400): a raw NUL made
the reject file a binary file, which editors mangle and an import refuses whole ("a NUL byte:
this is not a text file"), so it could not be fixed and loaded again.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa

from opencx.core.errors import InvalidInput, Problem
from opencx.ingest.domain.arrow_arrays import from_numpy
from opencx.ingest.domain.kinds import RESERVED


def default_reject_path(path: Path, folder: Path | None = None) -> Path:
    """``<name>.rejects.csv`` in ``folder`` (default: the working directory), never beside the
    input: a data folder may be shared or read-only. Re-importing a fixed ``x.rejects.csv``
    never writes over the file being read (its rejects go to ``x.rejects.2.csv``)."""
    stem = path.name
    for suffix in reversed(path.suffixes):
        stem = stem.removesuffix(suffix)
    stem = stem.removesuffix(".rejects")
    folder = Path.cwd() if folder is None else folder
    target, n = folder / f"{stem}.rejects.csv", 1
    while target.resolve() == path.resolve():
        n += 1
        target = folder / f"{stem}.rejects.{n}.csv"
    return target


def _writable(folder: Path) -> bool:
    # root ignores permission bits, so a folder without any write bit counts as read-only too
    return os.access(folder, os.W_OK) and bool(folder.stat().st_mode & 0o222)


LINE_COLUMN = "line_no"
"""The column a reject file of an orders file without line numbers adds: each rejected line's
number in its order (its place, the rejected rows counted), so the fixed rows, imported again,
land on their own lines, not on the first lines of their orders, already stored."""

NUL_SHOWN = "\u2400"  # ␀, SYMBOL FOR NULL


def _shown(value: object) -> object:
    """``value`` as the reject file shows it: a NUL character as ``␀``."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", NUL_SHOWN)
    return value


def _describe(problem: Problem) -> str:
    value = f" (value {problem.value!r})" if problem.value else ""
    return f"{problem.column}: {problem.rule}{value}"


class RejectFile:
    """Writes rejected rows as they are found; opened on the first one."""

    def __init__(
        self, path: Path, columns: Sequence[str], source: str, *, numbered: bool = False
    ) -> None:
        self.path = path
        self.columns = [c for c in columns if c not in RESERVED]
        # an orders file without line numbers: each rejected line's number in its order
        self.line_column = LINE_COLUMN if numbered and LINE_COLUMN not in self.columns else None
        self.source = source
        self.rows = 0
        self._handle: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None

    def _open(self) -> csv.DictWriter[str]:
        if self._writer is None:
            folder = self.path.parent
            if not folder.is_dir() or not _writable(folder):
                raise InvalidInput(
                    f"cannot write the reject file {self.path}: {folder} is not a folder you "
                    "can write; run from one you can, or pass --rejects PATH"
                )
            self._handle = self.path.open("w", newline="", encoding="utf-8")
            numbers = [self.line_column] if self.line_column else []
            self._writer = csv.DictWriter(self._handle, [*self.columns, *numbers, *RESERVED])
            self._writer.writeheader()
        return self._writer

    def add_rows(
        self,
        table: pa.Table,
        lines: pa.Array,
        rows: dict[int, list[Problem]],
        places: pa.Array | None = None,
    ) -> None:
        """Write ``rows`` (row index -> problems) of ``table``; ``lines``: each row's line in
        the file; ``places``: each row's number in its order (null without an order id)."""
        if not rows:
            return
        writer = self._open()
        order = sorted(rows)
        taken = from_numpy(np.array(order, np.int64))
        picked = table.take(taken).select(self.columns).to_pylist()
        line_numbers = lines.take(taken).to_pylist()
        numbers = places.take(taken).to_pylist() if places is not None else [None] * len(order)
        for record, line, row, number in zip(picked, line_numbers, order, numbers, strict=True):
            problems = "; ".join(_describe(p) for p in rows[row])
            shown = {k: _shown(v) for k, v in record.items()}
            if self.line_column:
                shown[self.line_column] = number
            writer.writerow({**shown, "_line": line, "_problems": problems, "_source": self.source})
            self.rows += 1

    def add_unreadable(self, problem: Problem) -> None:
        text = f"{problem.rule}; row text: {_shown(problem.value)}"
        self._open().writerow({"_line": problem.line, "_problems": text, "_source": self.source})
        self.rows += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


class DiscardedRejects(RejectFile):
    """Counts rejected rows without writing them (the event API answers with the problems)."""

    def add_rows(
        self,
        table: pa.Table,
        lines: pa.Array,
        rows: dict[int, list[Problem]],
        places: pa.Array | None = None,
    ) -> None:
        self.rows += len(rows)

    def add_unreadable(self, problem: Problem) -> None:
        self.rows += 1
