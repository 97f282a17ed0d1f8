"""Tables for the terminal that stay readable at any width: nothing is ever cut.

A listing names its columns in order, which of them may be left out (first named, first left
out), and which one may wrap (a free-text column). When the terminal is too narrow for every
column, the optional ones go and a caption names them; when even the essential ones do not fit,
each row becomes a block of ``column  value`` lines. A cut id or date is worse than a missing
column: an operator copies ids from these tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table

__all__ = ["Listing"]

WRAP_AT = 20  # a wrapping column is given at least this many cells before columns are left out


@dataclass(frozen=True)
class Listing:
    """Rows of cells by column name, shown as wide as the terminal allows."""

    columns: Sequence[str]
    rows: Sequence[Mapping[str, str]]
    optional: Sequence[str] = ()
    wrapping: Sequence[str] = ()
    title: str | None = None

    def table(self, width: int) -> Table:
        """The table for a terminal ``width`` columns wide."""
        hidden: list[str] = []
        for name in self.optional:
            if self._width(hidden) <= width:
                break
            hidden.append(name)
        if self._width(hidden) > width:
            return self._records()
        table = self._table(hidden)
        if hidden:
            left_out = ", ".join(c for c in self.columns if c in hidden)
            table.caption = f"not shown at {width} columns: {left_out}"
        return table

    def _table(self, hidden: Sequence[str]) -> Table:
        table = Table(title=self.title, box=None, pad_edge=False, header_style="bold underline")
        shown = [c for c in self.columns if c not in hidden]
        for name in shown:
            table.add_column(name, no_wrap=name not in self.wrapping, overflow="fold")
        for row in self.rows:
            table.add_row(*(row.get(c, "") for c in shown))
        return table

    def _width(self, hidden: Sequence[str]) -> int:
        """The width the shown columns need: each whole, but a wrapping column only as wide
        as its longest word or ``WRAP_AT`` (its text folds onto more lines beside the rest)."""
        shown = [c for c in self.columns if c not in hidden]
        widths = []
        for name in shown:
            cells = [str(row.get(name, "")) for row in self.rows]
            whole = max([cell_len(name), *(cell_len(c) for c in cells)])
            if name in self.wrapping:
                words = [cell_len(w) for c in cells for w in c.split()]
                whole = min(whole, max([cell_len(name), WRAP_AT, *words]))
            widths.append(whole)
        return sum(widths) + 2 * (len(shown) - 1)  # one space of padding each side inside

    def _records(self) -> Table:
        table = Table(title=self.title, box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for i, row in enumerate(self.rows):
            if i:
                table.add_row("", "")
            for name in self.columns:
                table.add_row(name, row.get(name, ""))
        return table
