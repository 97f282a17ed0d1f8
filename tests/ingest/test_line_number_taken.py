"""A row of an order file without ``line_no`` is numbered by its place in its order; when that
place is a number another row of the same order gives (before it or after it in the file), the
later of the two is a rejected row naming the earlier one's line, as a number given twice is
(18ae544): one line of an order cannot be two.

Before, the later row replaced the earlier one on SQLite (its line gone, the order's value
wrong) and within one chunk on PostgreSQL's merge; now every store, path and chunk size rejects
it alike, and with rejects allowed the rest loads the same everywhere, again on a re-import.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.ingest import test_line_given_twice as given_twice
from tests.ingest.test_event_api import count, key
from tests.ingest.test_line_given_twice import HEADER, _import, _stored

on_path = given_twice.on_path  # SQLite, PostgreSQL with the order tables' keys kept or set aside

DAY = "2024-01-02 10:00:00"
# O1: S1 and S2 counted to lines 1 and 2, then S3 gives 2; O2 gives 2, then S5 is counted to 2
CLASHES = (
    HEADER
    + f"O1,C1,{DAY},EUR,S1,1,1.50,,\n"  # line 2: O1 line 1, by its place
    + f"O1,C1,{DAY},EUR,S2,1,2.50,,\n"  # line 3: O1 line 2, by its place
    + f"O1,C1,{DAY},EUR,S3,1,3.50,,2\n"  # line 4: gives 2, taken by line 3
    + f"O2,C2,{DAY},EUR,S4,1,4.50,,2\n"  # line 5: O2 line 2, given
    + f"O2,C2,{DAY},EUR,S5,1,5.50,,\n"  # line 6: O2's 2nd row: line 2, given by line 5
    + f"O2,C2,{DAY},EUR,S6,1,6.50,,\n"  # line 7: O2's 3rd row: line 3
    + f"O3,C2,{DAY},EUR,S7,1,7.50,,5\n"  # line 8: O3 line 5, given
    + f"O3,C2,{DAY},EUR,S8,1,8.50,,\n"  # line 9: O3 line 2, by its place: no clash
)
PROBLEMS = [
    "orders.csv:4: column 'line_no' value '2': duplicate line_no: line 3 of the file, a row of"
    " the same order without line_no, is line 2 of it by its place in the order (give this row"
    " another line_no, or give every row of the order its line_no)",
    "orders.csv:6: column 'line_no' value '': no line_no, and its place in its order makes it"
    " line 2, the line_no line 5 of the file gives (give this row a line_no of its own, or give"
    " every row of the order its line_no)",
]
LOADED = [
    ("O1", 1, "S1", None, None),
    ("O1", 2, "S2", None, None),
    ("O2", 2, "S4", None, None),
    ("O2", 3, "S6", None, None),
    ("O3", 2, "S8", None, None),
    ("O3", 5, "S7", None, None),
]


@pytest.mark.parametrize("chunk_rows", [1, 2, 50_000])
def test_a_place_and_a_number_given_for_one_line_are_a_rejected_row_naming_both(
    on_path: Engine, tmp_path: Path, chunk_rows: int
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(CLASHES)
    report = _import(on_path, path, chunk_rows=chunk_rows)
    assert report.status == "failed"
    assert [str(p) for p in report.problems] == PROBLEMS
    assert _stored(on_path) == ([], [])


@pytest.mark.parametrize("chunk_rows", [1, 3, 50_000])
def test_with_rejects_allowed_every_path_keeps_the_same_lines_again_on_a_reimport(
    on_path: Engine, tmp_path: Path, chunk_rows: int
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(CLASHES)
    for _ in range(2):
        report = _import(on_path, path, allow_rejects=True, chunk_rows=chunk_rows)
        assert report.status == "loaded_with_rejects"
        assert (report.rows_loaded, report.rows_rejected) == (6, 2)
        assert [str(p) for p in report.problems] == PROBLEMS
        lines, _ = _stored(on_path)
        assert lines == LOADED


def test_the_fixed_reject_file_lands_on_the_lines_it_gives(on_path: Engine, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(CLASHES)
    report = _import(on_path, path, allow_rejects=True)
    assert report.reject_file is not None
    rejects = Path(report.reject_file).read_text()
    # S5's line_no is no longer empty: 6, past every number the file took (O3's 5, given)
    fixed = rejects.replace(",2,4,", ",4,4,").replace("1,5.50,,6,", "1,5.50,,1,")
    (tmp_path / "fixed.csv").write_text(fixed)
    report = _import(on_path, tmp_path / "fixed.csv")
    assert report.status == "loaded", report.problems
    lines, _ = _stored(on_path)
    assert [line[:3] for line in lines] == [
        ("O1", 1, "S1"),
        ("O1", 2, "S2"),
        ("O1", 4, "S3"),
        ("O2", 1, "S5"),
        ("O2", 2, "S4"),
        ("O2", 3, "S6"),
        ("O3", 2, "S8"),
        ("O3", 5, "S7"),
    ]


def test_an_event_line_whose_place_another_line_gives_is_a_422_naming_it(
    client, services, engine
) -> None:
    line = {"quantity": 1, "unit_price": 2}
    body = {
        "type": "order",
        "source": "shop",
        "create_missing_customers": True,
        "data": {
            "order_id": "o-1",
            "customer": "c-1",
            "currency": "EUR",
            "placed_at": "2026-01-10T10:00:00Z",
            "lines": [{**line, "sku": "A", "line_no": 2}, {**line, "sku": "B"}],
        },
    }
    r = client.post("/api/events", json=body, headers=key(services, "events:write"))
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail.startswith(
        "event rejected: data.lines[1].line_no: no line_no, and its place in its order makes it"
        " line 2, the line_no line 1 of the file gives"
    ), detail
    assert count(engine, "orders") == count(engine, "order_lines") == 0
    body["data"]["lines"][1]["line_no"] = 1  # type: ignore[index]
    r = client.post("/api/events", json=body, headers=key(services, "events:write"))
    assert r.status_code == 201, r.text
    assert count(engine, "order_lines") == 2
