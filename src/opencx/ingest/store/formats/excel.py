"""Excel workbooks (.xlsx): the first sheet read as batches of text cells."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from opencx.core.errors import Problem
from opencx.ingest.domain.arrow_arrays import from_numpy
from opencx.ingest.store.formats.files import Batch, SourceFile, cell_text, rows_table


def xlsx_batches(source: SourceFile, chunk_rows: int) -> Iterator[Batch]:
    """The first sheet's rows from line 2. A formula cell the file saved without its value (a
    workbook written by a script, never opened in Excel) would read as empty: its row is
    rejected, naming the cell and the formula."""
    from openpyxl import load_workbook

    book = load_workbook(source.path, read_only=True, data_only=True)
    formulas = load_workbook(source.path, read_only=True, data_only=False)
    try:
        rows: list[list[str | None]] = []
        lines: list[int] = []
        sheet_rows = book.active.iter_rows(min_row=2, values_only=True)
        formula_rows = formulas.active.iter_rows(min_row=2, values_only=True)
        for number, values in enumerate(sheet_rows, start=2):
            written = next(formula_rows, ())
            cells = [cell_text(v) for v in values]
            if all(c is None for c in cells) and not any(_formula(f) for f in written):
                continue
            if _unsaved_formula(source, number, values, written):
                continue
            rows.append(cells)
            lines.append(number)
            if len(rows) >= chunk_rows:
                yield Batch(rows_table(source.columns, rows), from_numpy(np.array(lines, np.int64)))
                rows, lines = [], []
        if rows:
            yield Batch(rows_table(source.columns, rows), from_numpy(np.array(lines, np.int64)))
    finally:
        book.close()
        formulas.close()


def _formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _unsaved_formula(
    source: SourceFile, number: int, values: tuple[Any, ...], written: tuple[Any, ...]
) -> bool:
    """Record a problem for the first formula of the row without a saved value; whether any."""
    from openpyxl.utils import get_column_letter

    for index, (value, formula) in enumerate(zip(values, written, strict=False)):
        if value is None and _formula(formula):
            column = source.columns[index] if index < len(source.columns) else "*"
            cell = f"{get_column_letter(index + 1)}{number}"
            source.row_problems.append(
                Problem(
                    source.name,
                    number,
                    column,
                    str(formula)[:200],
                    f"cell {cell}: a formula ({str(formula)[:60]}) with no saved value; open "
                    "and save the file in Excel or LibreOffice (or export it as CSV) and "
                    "import it again",
                )
            )
            return True
    return False
