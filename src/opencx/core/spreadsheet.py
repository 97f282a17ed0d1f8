"""CSV for spreadsheets: the one writer every export and download goes through.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken for
a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` in a customer's name runs
when the churn list is opened). As OWASP advises ("CSV Injection"), such text is prefixed with a
single quote, which spreadsheets show as text; the csv module quotes what needs quoting. Numbers
stay numbers (a negative amount is a value, not a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will read it as data, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(fields: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A header line and one line per row (``\\n`` endings), every text cell made safe."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[safe_cell(f) for f in fields], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({safe_cell(k): safe_cell(v) for k, v in row.items()})
    return buffer.getvalue()
