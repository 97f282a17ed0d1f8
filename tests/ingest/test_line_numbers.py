"""An error names the line of the file its record starts on (what an editor shows), also after
a quoted value holding a line break and after a record with the wrong number of fields, which
is itself named by its own line (it was line 0, and every record after it one line too early);
whatever the chunk size. Both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from opencx.core import EventBus, FixedClock, InvalidInput
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, ImportReport, IngestService

HEAD = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"


def _problems(engine: Engine, path: Path, chunk_rows: int = 50_000) -> list[str]:
    service = IngestService(engine, EventBus(), FixedClock())
    report = service.import_file(
        ImportOptions(
            kind="orders",
            path=path,
            mapping=Mapping(create_missing_customers=True),
            chunk_rows=chunk_rows,
        )
    )
    assert report.status == "failed"
    return sorted(str(p).split(" value ")[0] for p in report.problems)


def test_a_line_after_a_quoted_line_break_is_named_by_its_line(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "nl.csv"
    path.write_text(
        HEAD
        + 'O1,C1,2024-03-01,EUR,"two\nlines",1,2.5\n'  # lines 2-3
        + "O3,C1,2024-03-01,EUR,S1,1,2.5\n"  # line 4
        + "O5,C1,2024-03-01,EURO,S1,1,2.5\n"  # line 5
    )
    assert _problems(engine, path) == ["nl.csv:5: column 'currency'"]


def test_a_line_with_too_many_fields_is_named_and_shifts_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "drift.csv"
    path.write_text(
        HEAD
        + "O1,C1,2024-03-01,EUR,S1,1,2.5\n"  # line 2
        + "O2,C1,2024-03-01,EUR,S1,1,2.5,EXTRA\n"  # line 3
        + "O3,C1,2024-03-01,EUR,S1,1,2.5\n"  # line 4
        + "O5,C1,2024-03-01,EURO,S1,1,2.5\n"  # line 5
    )
    assert _problems(engine, path) == ["drift.csv:3: column '*'", "drift.csv:5: column 'currency'"]


@pytest.mark.parametrize("chunk_rows", [1, 2, 50_000])
def test_line_breaks_and_bad_records_across_chunks(
    engine: Engine, tmp_path: Path, chunk_rows: int
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        (
            HEAD
            + 'O1,C1,2024-03-01,EUR,"a\r\nb\nc",1,2.5\r\n'  # lines 2-4 (CRLF and LF inside)
            + 'O2,C1,2024-03-01,EUR,S1,1,2.5,"x\ny"\n'  # lines 5-6: too many fields
            + "O3,C1,2024-03-01,EURO,S1,1,2.5\n"  # line 7
            + "O4,C1,2024-03-01,EUR,S1\n"  # line 8: too few fields
            + "O5,C1,2024-03-01,EUR,S1,1,2.5\n"  # line 9
            + 'O6,C1,2024-03-01,EUR,"p\nq",1,2.5\n'  # lines 10-11
            + "O7,C1,2024-03-01,EUR,S1,1,2.5,X\n"  # line 12: too many fields, the last line
        ).encode()
    )
    assert _problems(engine, path, chunk_rows) == [
        "mixed.csv:12: column '*'",
        "mixed.csv:5: column '*'",
        "mixed.csv:7: column 'currency'",
        "mixed.csv:8: column '*'",
    ]


@pytest.mark.parametrize("chunk_rows", [1, 2, 50_000])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_blank_lines_are_counted(
    engine: Engine, tmp_path: Path, chunk_rows: int, newline: str
) -> None:
    """The reader skips empty lines without numbering them: each shifted every later line."""
    path = tmp_path / "blank.csv"
    lines = [
        HEAD.rstrip("\n"),
        "",  # line 2: blank lines at the start of the data
        "",
        "O1,C1,2024-03-01,EUR,S1,1,2.5",  # line 4
        "O2,C1,2024-03-01,EURO,S1,1,2.5",  # line 5
        "",  # lines 6-8: several in a row
        "",
        "",
        "O3,C1,2024-03-01,EUR,S1",  # line 9: too few fields
        "",  # line 10: right before the bad one
        "O4,C1,2024-03-01,EURO,S1,1,2.5",  # line 11
        "",
        "O5,C1,2024-03-01,EUR,S1,1,2.5,X",  # line 13: too many fields
        "",
        "O6,C1,2024-03-01,EURO,S1,1,2.5",  # line 15
        "",  # trailing blank lines
        "",
    ]
    path.write_bytes(newline.join(lines).encode())
    assert _problems(engine, path, chunk_rows) == [
        "blank.csv:11: column 'currency'",
        "blank.csv:13: column '*'",
        "blank.csv:15: column 'currency'",
        "blank.csv:5: column 'currency'",
        "blank.csv:9: column '*'",
    ]


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
def test_blank_lines_inside_quoted_values_are_lines_of_their_record(
    engine: Engine, tmp_path: Path, chunk_rows: int
) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text(
        HEAD
        + 'O1,C1,2024-03-01,EUR,"a\n\nb",1,2.5\n'  # lines 2-4: a blank line inside a value
        + "\n"  # line 5: a blank line between records
        + 'O2,C1,2024-03-01,EUR,S1,1,2.5,"\n\n"\n'  # lines 6-8: too many fields
        + "\n"  # line 9
        + "O3,C1,2024-03-01,EURO,S1,1,2.5\n"  # line 10
    )
    assert _problems(engine, path, chunk_rows) == [
        "quoted.csv:10: column 'currency'",
        "quoted.csv:6: column '*'",
    ]


@pytest.mark.parametrize("offset", [-2, -1, 0, 1, 2])
def test_a_blank_line_where_the_file_is_read_in_two(
    engine: Engine, tmp_path: Path, offset: int
) -> None:
    """The file is read by the MiB: an empty CRLF line at the cut (also between its \\r and
    \\n, or between the line break before it and its own) is one line, counted once."""
    head = HEAD.replace("\n", "\r\n").encode()
    row = "O{:07d},C{},2024-03-01,EUR,S1,1,2.5\r\n"
    width = len(row.format(0, 1))
    blank_at = (1 << 20) + offset  # where the empty line begins
    rows = (blank_at - len(head)) // width
    pad = blank_at - len(head) - rows * width
    body = [row.format(i, 1) for i in range(rows - 1)] + [row.format(rows, "1" * (pad + 1))]
    data = head + "".join(body).encode() + b"\r\n" + b"X1,C1,2024-03-01,EURO,S1,1,2.5\r\n"
    assert data.index(b"\r\n\r\n") + 2 == blank_at
    path = tmp_path / "cut.csv"
    path.write_bytes(data)
    assert _problems(engine, path) == [f"cut.csv:{rows + 3}: column 'currency'"]


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
def test_rows_skipped_after_the_header_are_records_not_lines(
    engine: Engine, tmp_path: Path, chunk_rows: int
) -> None:
    """A mapping's ``skip_after_header`` skips that many records (Qualtrics' question texts and
    ids): an empty line among them is none of them (it was counted as one, and the ids row
    loaded as data), and a record's line break moves the lines of the data after it."""
    path = tmp_path / "survey.csv"
    path.write_text(
        HEAD
        + 'Order,Customer,"Placed\nat",Currency,SKU,Quantity,Price\n'  # lines 2-3
        + "\n"  # line 4
        + "QID1,QID2,QID3,QID4,QID5,QID6,QID7\n"  # line 5
        + "\n"  # line 6
        + "O1,C1,2024-03-01,EURO,S1,1,2.5\n"  # line 7
        + "O2,C1,2024-03-01,EUR,S1\n"  # line 8: too few fields
        + "O3,C1,2024-03-01,EURO,S1,1,2.5\n"  # line 9
    )
    service = IngestService(engine, EventBus(), FixedClock())
    options = ImportOptions(
        kind="orders",
        path=path,
        mapping=Mapping(create_missing_customers=True, skip_after_header=2),
        chunk_rows=chunk_rows,
    )
    report = service.import_file(options)
    assert report.status == "failed"
    assert sorted(str(p).split(" value ")[0] for p in report.problems) == [
        "survey.csv:7: column 'currency'",
        "survey.csv:8: column '*'",
        "survey.csv:9: column 'currency'",
    ]
    assert report.rows_read == 3


def test_rows_skipped_after_the_header_may_be_longer_than_the_sample(
    engine: Engine, tmp_path: Path
) -> None:
    """A survey of many long questions: the rows skipped after the header are read past the
    sample that found the header (256 KiB) until they end."""
    path = tmp_path / "long.csv"
    questions = ",".join(["a long question text " * 3] * 5_000)  # about 320 KB
    path.write_text(HEAD + questions + "\n" + questions + "\n" + "O1,C1,2024-03-01,EURO,S1,1,2.5\n")
    service = IngestService(engine, EventBus(), FixedClock())
    options = ImportOptions(
        kind="orders",
        path=path,
        mapping=Mapping(create_missing_customers=True, skip_after_header=2),
    )
    report = service.import_file(options)
    assert [str(p).split(" value ")[0] for p in report.problems] == [
        "long.csv:4: column 'currency'"
    ]


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_skipped_row_may_hold_a_value_over_128_kib(
    engine: Engine, tmp_path: Path, chunk_rows: int, newline: str
) -> None:
    """A question text of 140 KB with a line break among the rows a mapping skips: they are
    read as the parser reads them. Before: 'field larger than field limit (131072) (is this a
    delimited text file?)', the csv module's limit, nothing read."""
    path = tmp_path / "survey.csv"
    question = '"' + "a long question " * 8_750 + newline + 'its second line"'
    lines = [
        HEAD.strip(),
        f"{question},Q2,Q3,Q4,Q5,Q6,Q7",  # lines 2-3
        "QID1,QID2,QID3,QID4,QID5,QID6,QID7",  # line 4
        "O1,C1,2024-03-01,EURO,S1,1,2.5",  # line 5
        "O2,C1,2024-03-01,EUR,S1,1,2.5",  # line 6
        "O3,C1,2024-03-01,EURO,S1,1,2.5",  # line 7
    ]
    path.write_bytes((newline.join(lines) + newline).encode())
    report = _import(engine, path, chunk_rows, skip_after_header=2)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 1, 2)
    assert [str(p).split(" value ")[0] for p in report.problems] == [
        "survey.csv:5: column 'currency'",
        "survey.csv:7: column 'currency'",
    ]


def test_a_quote_never_closed_in_a_skipped_row_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(HEAD + "Q1,Q2,Q3,Q4,Q5,Q6,Q7\n" + 'QID1,"QID2\nO1,C1,2024-03-01,EUR,S1,1,2.5\n')
    with pytest.raises(InvalidInput) as caught:
        _import(engine, path, skip_after_header=2)
    assert str(caught.value) == (
        "survey.csv: line 3: column 2 of a row the mapping skips after the header "
        '(skip_after_header = 2): a quoted value that is never closed (a " without its closing ")'
    )


def _import(
    engine: Engine,
    path: Path,
    chunk_rows: int = 50_000,
    *,
    ignore_unknown: bool = False,
    **mapping: object,
) -> ImportReport:
    """Import ``path`` as orders, rejects allowed (also used by ``test_header_lines``)."""
    service = IngestService(engine, EventBus(), FixedClock())
    return service.import_file(
        ImportOptions(
            kind="orders",
            path=path,
            mapping=Mapping(create_missing_customers=True, **mapping),  # type: ignore[arg-type]
            chunk_rows=chunk_rows,
            allow_rejects=True,
            ignore_unknown=ignore_unknown,
        )
    )


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lone_cr_line_ends_are_line_ends(
    engine: Engine, tmp_path: Path, chunk_rows: int, newline: str
) -> None:
    """An old Mac file (each line ends in a lone \\r) reads as LF and CRLF files do, with the
    same line numbers (the header's reader refused it: "new-line character seen in unquoted
    field")."""
    path = tmp_path / "mac.csv"
    lines = [
        HEAD.rstrip("\n"),
        "O1,C1,2024-03-01,EUR,S1,1,2.5",  # line 2
        'O2,C1,2024-03-01,EUR,"a' + newline + 'b",1,2.5',  # lines 3-4 (its line end inside)
        "",  # line 5
        "O3,C1,2024-03-01,EURO,S1,1,2.5",  # line 6
        "O4,C1,2024-03-01,EUR,S1",  # line 7: too few fields
        "O5,C1,2024-03-01,EUR,S1,1,2.5",  # line 8
    ]
    path.write_bytes((newline.join(lines) + newline).encode())
    report = _import(engine, path, chunk_rows)
    assert report.status == "loaded_with_rejects", report.problems
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 3, 2)
    assert sorted(str(p).split(" value ")[0] for p in report.problems) == [
        "mac.csv:6: column 'currency'",
        "mac.csv:7: column '*'",
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lone_cr_line_ends_in_whitespace_separated_columns(
    engine: Engine, tmp_path: Path, newline: str
) -> None:
    """Columns separated by spaces (``whitespace = true``): a lone \\r ends a line too (the
    whole file was one line)."""
    path = tmp_path / "mac.txt"
    lines = [
        HEAD.rstrip("\n").replace(",", " "),
        "O1 C1 2024-03-01 EUR S1 1 2.5",  # line 2
        "",  # line 3
        "O3 C1 2024-03-01 EURO S1 1 2.5",  # line 4
        "O4 C1 2024-03-01 EUR S1",  # line 5: too few fields
    ]
    path.write_bytes((newline.join(lines) + newline).encode())
    report = _import(engine, path, whitespace=True)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 1, 2)
    assert sorted(str(p).split(" value ")[0] for p in report.problems) == [
        "mac.txt:4: column 'currency'",
        "mac.txt:5: column '*'",
    ]


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
@pytest.mark.parametrize("lead", ["\n", "\r\n\r\n", "\n  \n\t\n"])
def test_empty_lines_before_the_header(
    engine: Engine, tmp_path: Path, chunk_rows: int, lead: str
) -> None:
    """The header is the first line that is not empty (nor only spaces): the lines before it
    are numbered (every column was 'missing' at line 1)."""
    path = tmp_path / "lead.csv"
    before = lead.count("\n")
    path.write_text(
        lead
        + HEAD
        + "O1,C1,2024-03-01,EUR,S1,1,2.5\n"  # line before + 2
        + "\n"
        + "O2,C1,2024-03-01,EURO,S1,1,2.5\n"  # line before + 4
        + "O3,C1,2024-03-01,EUR,S1\n",  # line before + 5: too few fields
        newline="",
    )
    report = _import(engine, path, chunk_rows)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 1, 2)
    assert sorted(str(p).split(" value ")[0] for p in report.problems) == [
        f"lead.csv:{before + 4}: column 'currency'",
        f"lead.csv:{before + 5}: column '*'",
    ]


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
def test_empty_lines_before_the_header_and_rows_skipped_after_it(
    engine: Engine, tmp_path: Path, chunk_rows: int
) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(
        "\n\n"
        + HEAD  # line 3
        + 'Order,Customer,"Placed\nat",Currency,SKU,Quantity,Price\n'  # lines 4-5
        + "\n"  # line 6
        + "QID1,QID2,QID3,QID4,QID5,QID6,QID7\n"  # line 7
        + "O1,C1,2024-03-01,EURO,S1,1,2.5\n"  # line 8
    )
    report = _import(engine, path, chunk_rows, skip_after_header=2)
    assert report.rows_read == 1
    assert [str(p).split(" value ")[0] for p in report.problems] == [
        "survey.csv:8: column 'currency'"
    ]


NAMES = ("order_id", "customer", "placed_at", "currency", "sku", "quantity", "unit_price")


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
@pytest.mark.parametrize("names", [NAMES, ()])
@pytest.mark.parametrize("lead", ["", "\n", "\n \n"])
def test_no_header_and_empty_first_lines(
    engine: Engine, tmp_path: Path, chunk_rows: int, names: tuple[str, ...], lead: str
) -> None:
    """``header = false``: the first row is data also after empty lines (without names, the
    first data row was taken as the header and silently not loaded)."""
    path = tmp_path / "nh.csv"
    before = lead.count("\n")
    path.write_text(
        lead
        + "O1,C1,2024-03-01,EUR,S1,1,2.5\n"  # line before + 1
        + "\n"
        + "O2,C1,2024-03-01,EURO,S1,1,2.5\n"  # line before + 3
        + "O3,C1,2024-03-01,EUR,S1,1,2.5\n"  # line before + 4
    )
    columns = {name: f"column{i}" for i, name in enumerate(NAMES, start=1)}
    report = _import(
        engine, path, chunk_rows, header=False, names=names, columns={} if names else columns
    )
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    assert [str(p).split(" value ")[0] for p in report.problems] == [
        f"nh.csv:{before + 3}: column 'currency'"
    ]


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_lines_of_spaces_are_empty_lines(
    engine: Engine, tmp_path: Path, chunk_rows: int, newline: str
) -> None:
    """A line of only spaces or tabs (no delimiter) is skipped as an empty line is, and
    counted (it was rejected, 'expected 7 fields, found 1'); among the rows skipped after the
    header it is none of them."""
    path = tmp_path / "spaces.csv"
    lines = [
        HEAD.rstrip("\n"),
        "   ",  # line 2
        "O1,C1,2024-03-01,EUR,S1,1,2.5",  # line 3
        "\t",  # line 4
        "O2,C1,2024-03-01,EURO,S1,1,2.5",  # line 5
        " \t ",  # line 6
        "O3,C1,2024-03-01,EUR,S1",  # line 7: too few fields
        "  ",  # line 8: the last
    ]
    path.write_bytes(newline.join(lines).encode())
    report = _import(engine, path, chunk_rows)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 1, 2)
    assert sorted(str(p).split(" value ")[0] for p in report.problems) == [
        "spaces.csv:5: column 'currency'",
        "spaces.csv:7: column '*'",
    ]
    survey = tmp_path / "survey.csv"
    lines[1:1] = ["Order,Customer,Placed,Currency,SKU,Quantity,Price", "  ", "QID1,QID2,QID3"]
    survey.write_bytes(newline.join(lines).encode())
    report = _import(engine, survey, chunk_rows, skip_after_header=2)
    assert report.rows_read == 3
    assert sorted(str(p).split(" value ")[0] for p in report.problems) == [
        "survey.csv:10: column '*'",
        "survey.csv:8: column 'currency'",
    ]
