"""A delimited file's header is a record: a quoted name may hold a line break, and every line
after it is numbered as it is in the file (what an editor shows). Both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from opencx.core.errors import InvalidInput
from opencx.ingest.service import ImportReport
from tests.ingest.test_line_numbers import _import

NAMES = "customer,placed_at,currency,sku,quantity,unit_price"
ROWS = [
    "O1,C1,2024-03-01,EUR,S1,1,2.5",  # header + 1
    "",  # header + 2
    "O2,C1,2024-03-01,EURO,S1,1,2.5",  # header + 3
    "O3,C1,2024-03-01,EUR,S1",  # header + 4: too few fields
    'O4,C1,2024-03-01,EUR,"a{nl}b",1,2.5',  # header + 5, 6
    "O5,C1,2024-03-01,EURO,S1,1,2.5",  # header + 7
]


def _lines(report: ImportReport) -> list[str]:
    found = (str(p).split(" value ")[0] for p in report.problems)
    return sorted(found, key=lambda problem: int(problem.split(":")[1]))


def _expected(name: str, last_header_line: int) -> list[str]:
    at = last_header_line
    return [
        f"{name}:{at + 3}: column 'currency'",
        f"{name}:{at + 4}: column '*'",
        f"{name}:{at + 7}: column 'currency'",
    ]


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("inside", ["\n", "\r\n", "\n\n"])
def test_a_line_break_in_a_quoted_header_name(
    engine: Engine, tmp_path: Path, chunk_rows: int, newline: str, inside: str
) -> None:
    """``"order<break>id"``: the name holds its line break (read as \\n) and matches as names
    do; the lines after the header are numbered as in the file (the header was read from its
    first line: one column 'order', every other required column 'missing' at line 1)."""
    path = tmp_path / "head.csv"
    header = f'"order{inside}id",{NAMES}'
    lines = [header] + [row.format(nl=newline) for row in ROWS]
    path.write_bytes((newline.join(lines) + newline).encode())
    breaks = inside.count("\n")
    for mapping in ({}, {"columns": {"order_id": f"order{chr(10) * breaks}id"}}):
        report = _import(engine, path, chunk_rows, **mapping)
        assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 3), (
            report.problems
        )
        assert _lines(report) == _expected("head.csv", 1 + breaks)


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
def test_quoted_header_names_after_empty_lines_and_before_skipped_rows(
    engine: Engine, tmp_path: Path, chunk_rows: int
) -> None:
    """Empty lines (CRLF) before a header whose last name holds two line breaks, and a
    survey's skipped rows after it."""
    path = tmp_path / "survey.csv"
    lines = [
        "",  # line 1
        " ",  # line 2
        f'order_id,{NAMES.replace(",unit_price", "")},"unit\r\nprice\r\n(EUR)"',  # lines 3-5
        '"Order\r\nnumber",Customer,Placed,Currency,SKU,Quantity,Price',  # lines 6-7
        "QID1,QID2,QID3,QID4,QID5,QID6,QID7",  # line 8
        *(row.format(nl="\r\n") for row in ROWS),  # lines 9-
    ]
    path.write_bytes("\r\n".join(lines).encode())
    report = _import(
        engine,
        path,
        chunk_rows,
        skip_after_header=2,
        columns={"unit_price": "unit\nprice\n(EUR)"},
    )
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 3)
    assert _lines(report) == _expected("survey.csv", 8)


def test_a_quoted_header_name_longer_than_the_sample(engine: Engine, tmp_path: Path) -> None:
    """The header's last line is read past the first 256 KiB when a quoted name goes on."""
    path = tmp_path / "long.csv"
    notes = "notes" + "\n" + "a long note on the column " * 12_000  # about 310 KB
    lines = [f'order_id,{NAMES},"{notes}\n\n"'] + [row.format(nl="\n") + "," for row in ROWS]
    lines[2] = ""
    path.write_bytes("\n".join(lines).encode())
    report = _import(engine, path, ignore_unknown=True)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 3)
    assert _lines(report) == _expected("long.csv", 4)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('order_id,"customer,placed_at\nO1,C1,2024-03-01\n', "line 1: column 2 of the header"),
        ('\n\n"order\nid",customer,"placed_at\n', "line 4: column 3 of the header"),
        ('order_id,"customer""\n', "line 1: column 2 of the header"),
    ],
)
def test_a_quoted_header_name_never_closed_is_refused(
    engine: Engine, tmp_path: Path, text: str, where: str
) -> None:
    """A quote that opens a name and never closes takes the rest of the file: refused, naming
    the line and the column where it opens."""
    path = tmp_path / "open.csv"
    path.write_text(text)
    with pytest.raises(InvalidInput, match=rf"open\.csv: {where}: a quoted value that is never"):
        _import(engine, path)


@pytest.mark.parametrize("size", [300 << 10, (1 << 20) + (200 << 10)])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("empty", ["\n", "\r\n", "\r", " \t\n", " \r\n"])
def test_empty_lines_longer_than_the_sample(
    engine: Engine, tmp_path: Path, size: int, bom: bytes, empty: str
) -> None:
    """More than 256 KiB of empty lines (or lines of spaces) before the header: the header
    after them is read and every line numbered (the file was refused as empty); past 1 MiB
    too, where the parser could skip no more lines. ' \\r\\n' cuts a \\r\\n at each block's
    end (256 KiB, 1 MiB)."""
    path = tmp_path / "lead.csv"
    count = size // len(empty)
    lines = [f"order_id,{NAMES}"] + [row.format(nl="\n") for row in ROWS]
    path.write_bytes(bom + (empty * count).encode() + "\n".join(lines).encode())
    report = _import(engine, path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 3)
    assert _lines(report) == _expected("lead.csv", count + 1)


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_many_empty_lines_before_a_quoted_header_and_skipped_rows(
    engine: Engine, tmp_path: Path, chunk_rows: int, newline: str
) -> None:
    """CRLF or lone CR empty lines (1.2 MiB of them) before a header whose names hold line
    breaks, then a survey's skipped rows with an empty line among them."""
    path = tmp_path / "survey.csv"
    count = 600_000
    lines = [
        *[""] * count,  # lines 1-600,000
        f'"order{newline}id",{NAMES.replace(",unit_price", "")},"unit{newline}price"',  # -3
        '"Order\nnumber",Customer,Placed,Currency,SKU,Quantity,Price',  # lines 600,004-5
        "",
        "QID1,QID2,QID3,QID4,QID5,QID6,QID7",  # line 600,007
        *(row.format(nl=newline) for row in ROWS),
    ]
    path.write_bytes(newline.join(lines).encode())
    report = _import(engine, path, chunk_rows, skip_after_header=2)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 3)
    assert _lines(report) == _expected("survey.csv", count + 7)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_many_empty_lines_in_other_encodings(engine: Engine, tmp_path: Path, encoding: str) -> None:
    """UTF-16 (its BOM first) and cp1252 (detected on the header after the empty lines)."""
    path = tmp_path / "lead.csv"
    lines = [f"order_id,{NAMES}"] + [row.format(nl="\n") for row in ROWS]
    lines[1] = lines[1].replace("S1", "Café")
    path.write_bytes(("\r\n" * 200_000 + "\n".join(lines)).encode(encoding))
    report = _import(engine, path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 3)
    assert _lines(report) == _expected("lead.csv", 200_001)


def test_many_empty_lines_compressed_and_without_header(engine: Engine, tmp_path: Path) -> None:
    """A .gz file, and ``header = false`` with names: the first row after the empty lines."""
    import gzip

    path = tmp_path / "lead.csv.gz"
    rows = [row.format(nl="\n") for row in ROWS]
    path.write_bytes(gzip.compress(("\n" * 400_000 + "\n".join(rows)).encode()))
    names = ("order_id", *NAMES.split(","))
    report = _import(engine, path, header=False, names=names)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 3)
    assert _lines(report) == _expected("lead.csv.gz", 400_000)


def test_a_long_line_of_spaces_before_the_header(engine: Engine, tmp_path: Path) -> None:
    """A line of 2 MiB of spaces (no line end in the sample) is an empty line too."""
    path = tmp_path / "spaces.csv"
    lines = [" " * (2 << 20), "", f"order_id,{NAMES}"] + [row.format(nl="\n") for row in ROWS]
    path.write_bytes("\n".join(lines).encode())
    report = _import(engine, path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 3)
    assert _lines(report) == _expected("spaces.csv", 3)


@pytest.mark.parametrize("data", [b"\n" * 400_000, b"\xef\xbb\xbf" + b" \r\n" * 200_000, b""])
def test_a_file_of_only_empty_lines_is_empty(engine: Engine, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(data)
    with pytest.raises(InvalidInput, match=r"empty\.csv: line 1: the file is empty"):
        _import(engine, path)


def test_many_empty_lines_before_whitespace_separated_columns(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "lead.txt"
    lines = [f"order_id,{NAMES}"] + [row.format(nl="\n") for row in ROWS if '"' not in row]
    text = "\n".join(lines).replace(",", "  ")
    path.write_bytes((" \t \n" * 100_000 + text).encode())
    report = _import(engine, path, whitespace=True)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 1, 3)
    at = 100_001  # the header's line; the row with a quoted value is left out
    assert _lines(report) == [
        f"lead.txt:{at + 3}: column 'currency'",
        f"lead.txt:{at + 4}: column '*'",
        f"lead.txt:{at + 5}: column 'currency'",
    ]


@pytest.mark.parametrize(
    ("before", "header", "line"),
    [
        ("\n\n\n", f"order_id,{NAMES}\n", 5),
        ("", f'"order\r\nid",{NAMES}\r\n\r\n', 3),
        ("\r\n" * 200_000, f'"order\nid",{NAMES}\n' + "\n" * 200_000, 200_003),
    ],
)
def test_a_header_with_no_rows_after_it_names_the_line_after_it(
    engine: Engine, tmp_path: Path, before: str, header: str, line: int
) -> None:
    """A header followed by nothing, or by empty lines only: 'no data rows' names the line
    after the header (it was always line 2)."""
    path = tmp_path / "none.csv"
    path.write_bytes((before + header).encode())
    with pytest.raises(InvalidInput, match=rf"none\.csv: line {line}: the file has no data rows"):
        _import(engine, path)


def test_header_problems_name_the_header_line(engine: Engine, tmp_path: Path) -> None:
    """A missing column, an unknown one and a column twice name the line the header is on
    after empty lines (they named line 1)."""
    path = tmp_path / "late.csv"
    lines = ["", "  ", f'order_id,{NAMES.replace(",currency", "")},"Colour\nname"', "O1"]
    path.write_bytes("\n".join(lines).encode())
    report = _import(engine, path)
    assert sorted(str(p).split(" value ")[0] for p in report.problems) == [
        "late.csv:3: column 'Colour\\nname'",
        "late.csv:3: column 'currency'",
    ]
    path.write_bytes(f"\n\n\norder_id,{NAMES},sku\nO1\n".encode())
    with pytest.raises(InvalidInput, match=r"late\.csv: line 4: column\(s\) \['sku'\] appear"):
        _import(engine, path)


@pytest.mark.parametrize("chunk_rows", [7_000, 50_000])
def test_quoted_line_breaks_past_the_sample(
    engine: Engine, tmp_path: Path, chunk_rows: int
) -> None:
    """Quoted values holding line breaks only after the first 256 KiB (the sample the header is
    read from), some across the parser's block ends: each record is read whole and every line
    numbered (the parser was told no value held one: a record cut at a block's end, and every
    line after a break named a line early)."""
    path = tmp_path / "notes.csv"
    lines, expected, line = [f"order_id,{NAMES},note"], [], 2
    for i in range(60_000):
        note = f'"n{i}\r\nsecond\nthird"' if i > 10_000 and i % 701 == 0 else "n"
        currency = "EURO" if i % 997 == 0 else "EUR"
        lines.append(f"O{i},C1,2024-03-01,{currency},S1,1,2.5,{note}")
        if currency == "EURO":
            expected.append(f"notes.csv:{line}: column 'currency'")
        line += 1 + 2 * (note != "n")
    path.write_bytes(("\n".join(lines) + "\n").encode())
    report = _import(engine, path, chunk_rows, ignore_unknown=True)
    assert (report.rows_read, report.rows_rejected) == (60_000, len(expected))
    assert _lines(report) == expected


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_spaces_before_quoted_names_and_values(
    engine: Engine, tmp_path: Path, newline: str
) -> None:
    """``order_id, "customer"``: a quote after spaces opens a quoted name, and a value written
    so (``O1, "C1"``) is read as a quoted value is (its doubled quotes single, ``""`` none).
    Before: columns '"customer"' and the others unknown, nothing read. A quoted value after a
    space that holds the delimiter has been split by the parser: its record is put aside,
    saying so."""
    path = tmp_path / "spaced.csv"
    lines = [
        'order_id, "customer", "placed_at", "currency", "sku", "product_name",quantity, '
        '"unit, price"',
        'O1, "C1", 2024-03-01, "EUR", "S1",  "27"" Monitor" , 1, "2.5"',
        'O2, "C1", 2024-03-01, "EUR", "S2", "", 1, 2.5',
        'O3, "C1", 2024-03-01, "EUR", "S3", "Desk, oak", 1, 2.5',  # line 4
    ]
    path.write_bytes((newline.join(lines) + newline).encode())
    report = _import(engine, path, columns={"unit_price": "unit, price"})
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    assert [str(p) for p in report.problems] == [
        'spaced.csv:4: column \'*\' value \'O3, "C1", 2024-03-01, "EUR", "S3", "Desk, oak", 1, '
        "2.5': "
        'expected 8 fields, found 9 (a quoted value after a space, as in 1, "a, b", is split '
        "at its delimiter)"
    ]
    with engine.connect() as conn:
        names = conn.exec_driver_sql("SELECT external_id, name FROM products ORDER BY 1").all()
        customers = conn.exec_driver_sql("SELECT external_id FROM customers").scalars().all()
    assert [tuple(row) for row in names] == [("S1", '27" Monitor'), ("S2", None)]
    assert customers == ["C1"]
