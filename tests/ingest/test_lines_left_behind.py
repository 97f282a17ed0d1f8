"""docs/import.md's way out for a file imported with rejects before line numbers counted them
(e936386): imported again it leaves the old lines behind; the documented query lists them on
both stores, and the fixed reject file, imported, lands on them so the order is whole again.

The old numbering is written as 0.1.0 stored it: the loaded rows at 1, 2, 3 of their order (a
file giving those numbers, under the same source)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.ingest.test_import_roundtrip import rows

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import.md"
HEAD = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
FILE = (
    HEAD
    + "O1,C1,2024-01-02,EUR,A,1,1.00\n"
    + "O1,C1,2024-01-02,EUR,B,1,abc\n"  # rejected: its place is line 2
    + "O1,C1,2024-01-02,EUR,C,1,3.00\n"
    + "O1,C1,2024-01-02,EUR,D,2,4.00\n"
    + "O2,C2,2024-01-03,EUR,E,1,5.00\n"
)
# as 0.1.0 numbered the rows loaded: A, C, D at 1, 2, 3
OLD = (
    HEAD.rstrip()
    + ",line_no\n"
    + "O1,C1,2024-01-02,EUR,A,1,1.00,1\n"
    + "O1,C1,2024-01-02,EUR,C,1,3.00,2\n"
    + "O1,C1,2024-01-02,EUR,D,2,4.00,3\n"
    + "O2,C2,2024-01-03,EUR,E,1,5.00,1\n"
)
LINES = (
    "SELECT o.external_id, l.line_no, l.sku FROM order_lines l "
    "JOIN orders o ON o.id = l.order_id ORDER BY 1, 2"
)


def _query() -> str:
    found = re.search(r"<!-- leftover-lines -->\n```sql\n(.*?)```", DOCS.read_text(), re.S)
    assert found, "docs/import.md: the query listing lines left behind"
    return found.group(1)


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
def test_the_documented_query_lists_the_lines_left_behind_and_the_fixed_rejects_land_on_them(
    tmp_path, run_import, engine, chunk_rows
):
    options = {"create_missing_customers": True, "source": "shop", "chunk_rows": chunk_rows}
    old = tmp_path / "old" / "orders.csv"
    old.parent.mkdir()
    old.write_text(OLD)
    assert run_import("orders", old, **options).status == "loaded"
    path = tmp_path / "orders.csv"
    path.write_text(FILE)
    again = run_import("orders", path, allow_rejects=True, **options)
    assert (again.rows_loaded, again.rows_rejected) == (4, 1)
    assert rows(engine, LINES) == [
        ("O1", 1, "A"),
        ("O1", 2, "C"),
        ("O1", 3, "C"),
        ("O1", 4, "D"),
        ("O2", 1, "E"),
    ]
    with engine.connect() as conn:
        listed = [tuple(r)[:5] for r in conn.execute(sa.text(_query()))]
    assert listed == [("shop", "O1", 2, 3, "C")]
    reject = Path(again.reject_file)
    assert ",B,1,abc,2," in reject.read_text()  # B's line_no: where C was left behind
    reject.write_text(reject.read_text().replace(",abc,", ",2.00,"))
    assert run_import("orders", reject, **options).status == "loaded"
    assert rows(engine, LINES) == [
        ("O1", 1, "A"),
        ("O1", 2, "B"),
        ("O1", 3, "C"),
        ("O1", 4, "D"),
        ("O2", 1, "E"),
    ]
    with engine.connect() as conn:
        assert conn.execute(sa.text(_query())).all() == []
