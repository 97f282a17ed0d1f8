"""A delimited file's header is a record: a quoted name may hold a line break, and every line
after it is numbered as it is in the file (what an editor shows). Both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from opencx.core import EventBus, FixedClock
from opencx.core.errors import InvalidInput
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, ImportReport, IngestService

NAMES = "customer,placed_at,currency,sku,quantity,unit_price"
ROWS = [
    "O1,C1,2024-03-01,EUR,S1,1,2.5",  # header + 1
    "",  # header + 2
    "O2,C1,2024-03-01,EURO,S1,1,2.5",  # header + 3
    "O3,C1,2024-03-01,EUR,S1",  # header + 4: too few fields
    'O4,C1,2024-03-01,EUR,"a{nl}b",1,2.5',  # header + 5, 6
    "O5,C1,2024-03-01,EURO,S1,1,2.5",  # header + 7
]


def _import(
    engine: Engine, path: Path, chunk_rows: int = 50_000, **mapping: object
) -> ImportReport:
    service = IngestService(engine, EventBus(), FixedClock())
    return service.import_file(
        ImportOptions(
            kind="orders",
            path=path,
            mapping=Mapping(create_missing_customers=True, **mapping),  # type: ignore[arg-type]
            chunk_rows=chunk_rows,
            allow_rejects=True,
        )
    )


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
    service = IngestService(engine, EventBus(), FixedClock())
    report = service.import_file(
        ImportOptions(
            kind="orders",
            path=path,
            mapping=Mapping(create_missing_customers=True),
            allow_rejects=True,
            ignore_unknown=True,
        )
    )
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
    with pytest.raises(InvalidInput, match=f"open.csv: {where}: a quoted value that is never"):
        _import(engine, path)
