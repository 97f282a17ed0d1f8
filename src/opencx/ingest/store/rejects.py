"""The reject file: each rejected source row as read, plus its line, its problems and source.

Re-importing a fixed reject file reads ``_source`` back, so the rows land on the same
(source, external_id) keys as the first run; ``_line`` and ``_problems`` are ignored. The
reject file of an orders file without line numbers adds ``line_no``: each line's number in its
order, which the fixed row keeps (numbered from 1 again, it overwrote the lines stored); a row
without an order id, or one not read into fields, a number past every line of the file's
orders, written after the others (:meth:`RejectFile.close`). An orders file that maps a
column to ``line_no`` keeps that column; a rejected row whose cell there is empty gets its
number the same way: its place in its order, or past every number the file's rows took when it
has none (no order id, not read into fields, or a place another row gives as its ``line_no``).

A NUL character (U+0000, refused in any value) is written as ``␀`` (U+2400): a raw NUL made
the reject file a binary file, which editors mangle and an import refuses whole ("a NUL byte:
this is not a text file"), so it could not be fixed and loaded again.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa

from opencx.core.errors import InvalidInput, Problem
from opencx.ingest.domain.arrow_arrays import from_numpy
from opencx.ingest.domain.kinds import RESERVED
from opencx.ingest.domain.validation.values import INT32


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

LINE_NO_MOST = INT32
"""The largest line number an import takes (``line_no``: out of range past it): the reject file
numbers no row past it."""

NUL_SHOWN = "\u2400"  # ␀, SYMBOL FOR NULL


def _shown(value: object) -> object:
    """``value`` as the reject file shows it: a NUL character as ``␀``."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", NUL_SHOWN)
    return value


def _empty(value: object) -> bool:
    """A cell that gives no value: missing, or only blanks."""
    return value is None or (isinstance(value, str) and not value.strip())


def _describe(problem: Problem) -> str:
    value = f" (value {problem.value!r})" if problem.value else ""
    return f"{problem.column}: {problem.rule}{value}"


class RejectFile:
    """Writes rejected rows as they are found; opened on the first one."""

    def __init__(
        self,
        path: Path,
        columns: Sequence[str],
        source: str,
        *,
        numbered: bool = False,
        given: str | None = None,
    ) -> None:
        self.path = path
        self.columns = [c for c in columns if c not in RESERVED]
        # an orders file without line numbers: each rejected line's number in its order
        self.line_column = LINE_COLUMN if numbered and LINE_COLUMN not in self.columns else None
        # an orders file mapping a column to line_no: an empty cell there gets the row's number
        self.given_column = given if given in self.columns and not self.line_column else None
        # the column a row's number goes to (None: the file's rows keep theirs as read)
        self.number_column = self.line_column or self.given_column
        self.source = source
        self.rows = 0
        self._handle: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None
        # rows the file gave no number (no order id, or unreadable): numbered at the end
        self.last_line_no = 0  # the largest number a row of the file took in its order
        self._unnumbered: IO[str] | None = None
        self._unnumbered_writer: csv.DictWriter[str] | None = None

    def took_line_numbers(self, most: int) -> None:
        """A row of the file took line ``most`` of its order: the numbers :meth:`close` gives
        the rows without one start past every such number."""
        self.last_line_no = max(self.last_line_no, most)

    def _later(self) -> csv.DictWriter[str]:
        """Where a row the file gave no line number waits (a scratch file: any number of
        them in bounded memory) until :meth:`close` numbers it."""
        if self._unnumbered_writer is None:
            self._open()
            # closed by close(), as the reject file's own handle is
            self._unnumbered = tempfile.TemporaryFile("w+", newline="", encoding="utf-8")  # noqa: SIM115
            self._unnumbered_writer = csv.DictWriter(self._unnumbered, self._fields())
        return self._unnumbered_writer

    def _fields(self) -> list[str]:
        numbers = [self.line_column] if self.line_column else []
        return [*self.columns, *numbers, *RESERVED]

    def _open(self) -> csv.DictWriter[str]:
        if self._writer is None:
            folder = self.path.parent
            if not folder.is_dir() or not _writable(folder):
                raise InvalidInput(
                    f"cannot write the reject file {self.path}: {folder} is not a folder you "
                    "can write; run from one you can, or pass --rejects PATH"
                )
            self._handle = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.DictWriter(self._handle, self._fields())
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
        the file; ``places``: each row's number in its order (null without one: no order id,
        or a place another row of the order gives). A row that gives its own ``line_no`` (a
        cell of ``given_column`` not empty) keeps it as read."""
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
            if self.given_column and not _empty(shown[self.given_column]):
                row_writer = writer  # the number the row gives, as read
            elif self.number_column:
                shown[self.number_column] = number
                row_writer = self._later() if number is None else writer
            else:
                row_writer = writer
            row_writer.writerow(
                {**shown, "_line": line, "_problems": problems, "_source": self.source}
            )
            self.rows += 1

    def add_unreadable(self, problem: Problem) -> None:
        text = f"{problem.rule}; row text: {_shown(problem.value)}"
        writer = self._later() if self.number_column else self._open()
        writer.writerow({"_line": problem.line, "_problems": text, "_source": self.source})
        self.rows += 1

    def _no_number_left(self) -> str:
        return (
            f"{self.number_column}: no number past the file's is left for this row (an import"
            f" takes line numbers up to {LINE_NO_MOST:,}; the file's rows took up to"
            f" {self.last_line_no:,}): give it a number its order does not use before"
            " importing it again"
        )

    def close(self) -> None:
        """Write the rows the file gave no line number (no order id, or not read into fields),
        after the others, numbered past every number a row of the file took in its order
        (``last_line_no`` + 1, + 2, ...): fixed, each lands on a line of its order none of the
        file's rows holds, the same one every time the fixed file is imported. Past
        :data:`LINE_NO_MOST` (a row of the file took 2,147,483,647) no number is left: the cell
        stays empty and the row's problems say so, asking the user for one (a number past it
        would be refused as out of range when the fixed file is imported)."""
        if self._unnumbered is not None and self._writer is not None:
            assert self.number_column is not None
            self._unnumbered.seek(0)
            rows = csv.DictReader(self._unnumbered, self._fields())
            for number, row in enumerate(rows, self.last_line_no + 1):
                if number > LINE_NO_MOST:  # no number is left past the file's: the user's
                    row["_problems"] += f"; {self._no_number_left()}"
                    self._writer.writerow(row)  # its cell left empty
                else:
                    self._writer.writerow({**row, self.number_column: number})
            self._unnumbered.close()
            self._unnumbered = None
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
