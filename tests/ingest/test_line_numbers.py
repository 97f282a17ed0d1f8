"""An error names the line of the file its record starts on (what an editor shows), also after
a quoted value holding a line break and after a record with the wrong number of fields, which
is itself named by its own line (it was line 0, and every record after it one line too early);
whatever the chunk size. Both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from opencx.core import EventBus, FixedClock
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService

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
