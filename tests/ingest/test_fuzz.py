"""No file can make an import raise anything but a clear ``InvalidInput`` (or load with its
problems named by line), and nothing is half-written.

A corpus of nasty files lives in ``tests/data/fuzz/`` (random bytes, a NUL byte, UTF-8 and
Latin-1 mixed, a field over the csv module's limit (a value too long, named by its line), an
unbalanced quote, one order_id with two customers, a 30-digit quantity); a 720,000-column
header and an Excel formula without a cached value are made here; Hypothesis generates more
(random bytes, and CSV-shaped text with random cells), deterministically (``derandomize``) and
quickly (SQLite, a few dozen files).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opencx.core import InvalidInput
from opencx.ingest.service import ImportReport
from tests.conftest import TEST_DATA

CORPUS = TEST_DATA / "fuzz"
FUZZ = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def engine(sqlite_engine):
    """Reading is the same for every store: fuzz on SQLite, fast."""
    return sqlite_engine


def outcome(run: Callable[[], ImportReport]) -> str:
    """What an import said: 'loaded', 'problems' (named by line, nothing written) or the
    InvalidInput message. Any other exception fails the test."""
    try:
        report = run()
    except InvalidInput as exc:
        return str(exc)
    return "problems" if report.problem_count else "loaded"


EXPECTED = {
    "random_bytes.csv": "a NUL byte: this is not a text file",
    "nul_in_line_3.csv": "line 3: a NUL byte",
    "random_bytes_no_nul.csv": "",
    "mixed_utf8_latin1.csv": "mixes encodings: line 3 is UTF-8, line 4 is not",
    "utf8_then_latin1_beyond_sample.csv": "mixes encodings: line 2 is UTF-8, line 12002 is not",
    "field_over_128k.csv": "problems",  # line 2, name: longer than 300 characters
    "unbalanced_quote.csv": "line 2: column 2 (name): a quoted value that is never closed",
    "header_only_commas.csv": "appear more than once",
    "conflicting_order_ids.csv": "problems",
    "thirty_digit_quantity.csv": "problems",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_corpus_is_refused_clearly_and_writes_nothing(
    name: str, run_import, nothing_written
) -> None:
    kind = "orders" if "order" in name or "quantity" in name else "customers"
    options = {"create_missing_customers": True} if kind == "orders" else {}
    said = outcome(lambda: run_import(kind, CORPUS / name, **options))
    assert EXPECTED[name] in said, said
    assert said != "loaded"
    assert nothing_written()


def test_every_corpus_file_is_listed() -> None:
    assert {p.name for p in CORPUS.iterdir() if p.suffix == ".csv"} == set(EXPECTED)


def test_one_order_id_with_two_customers_is_a_conflict_by_line(run_import) -> None:
    report = run_import(
        "orders", CORPUS / "conflicting_order_ids.csv", create_missing_customers=True
    )
    said = [(p.line, p.column, p.rule.split(":")[0]) for p in report.problems]
    assert said == [
        (3, "order_id", "conflicts with line 2"),  # another customer
        (5, "order_id", "conflicts with line 4"),  # another currency
        (7, "order_id", "conflicts with line 6"),  # another day
    ]


def test_a_720000_column_header_is_refused_by_its_size(
    run_import, nothing_written, tmp_path: Path
) -> None:
    path = tmp_path / "wide.csv"
    header = ",".join(f"c{i}" for i in range(720_000))
    path.write_text(f"{header}\n{','.join('x' * 1 for _ in range(3))}\n")
    said = outcome(lambda: run_import("customers", path))
    assert "line 1: 720,000 columns; at most 4,096" in said, said
    assert nothing_written()


def test_an_excel_formula_without_a_saved_value_is_named_by_cell(
    run_import, nothing_written, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()  # openpyxl saves formulas without cached values, as a script would
    sheet = book.active
    sheet.append(["external_id", "name", "email"])
    sheet.append(["c1", "Ann", "ann@example.org"])
    sheet.append(["c2", '=CONCAT("B", "ob")', "bob@example.org"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    report = run_import("customers", path)
    assert [(p.line, p.column) for p in report.problems] == [(3, "name")]
    assert "cell B3: a formula (=CONCAT" in report.problems[0].rule
    assert nothing_written()


@FUZZ
@given(data=st.binary(min_size=1, max_size=2000))
def test_random_bytes_never_crash_an_import(
    data: bytes, run_import, table_counts, tmp_path: Path
) -> None:
    before = table_counts()
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    said = outcome(lambda: run_import("customers", path))
    if said != "loaded":
        assert table_counts() == before


cells = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12
) | st.sampled_from(['"', '""', "\r", "\n", ",", "=1+1", "1e400", "-0", "9" * 30, "\x00"])


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=8))
def test_csv_shaped_nonsense_never_crashes_an_import(
    rows: list[list[str]], run_import, table_counts, tmp_path: Path
) -> None:
    before = table_counts()
    path = tmp_path / "fuzz.csv"
    body = "\n".join(",".join(row) for row in rows)
    path.write_bytes(("external_id,name,email,phone\n" + body + "\n").encode("utf-8"))
    said = outcome(lambda: run_import("customers", path))
    if said != "loaded":
        assert table_counts() == before
