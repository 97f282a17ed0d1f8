"""A line number an order file gives twice for one order is a rejected row naming its file,
line and column, as a repeated ``external_id`` is: one line of an order cannot be two.

Before, the later row replaced the earlier one, and a return linked by its customer's earlier
line of the SKU (``link_returns = "customer_sku"``) went two ways: on SQLite, and on
PostgreSQL with the order tables' keys set aside (a large first import), it stayed linked to
the line now holding another SKU; on PostgreSQL with the keys in place it was linked, then
unlinked by ``relink_stored_returns`` (``stored_returns_unlinked``), its order left
``partly_returned`` with no return. Now the row is rejected on every store and path, and with
rejects allowed the rest of the file loads and links alike on all of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from opencx.core import EventBus, FixedClock
from opencx.ingest import store
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, ImportReport, IngestService
from opencx.ingest.service.writers import staged_orders

HEADER = "order_id,customer,placed_at,currency,sku,quantity,unit_price,is_return,line_no\n"
RULE = "duplicate line_no: an earlier row of the file has the same order_id and line_no"
LINES = """
    SELECT o.external_id, l.line_no, l.sku, ot.external_id, t.line_no FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    LEFT JOIN order_lines t ON t.id = l.returns_line_id LEFT JOIN orders ot ON ot.id = t.order_id
    ORDER BY 1, 2
"""
STATUSES = "SELECT external_id, status FROM orders ORDER BY 1"
FOREIGN_KEY = """
    SELECT count(*) FROM pg_constraint
    WHERE conname = 'fk_order_lines_returns_line_id_order_lines'
"""

# O1 gives line 1 twice (S1, then S2); R1 returns S1, its customer's earlier line of it
TWICE = (
    HEADER
    + "O1,C1,2024-01-02 10:00:00,EUR,S1,1,1.50,,1\n"  # line 2
    + "O1,C1,2024-01-02 10:00:00,EUR,S2,1,2.50,,1\n"  # line 3: line 1 of O1 again
    + "O1,C1,2024-01-02 10:00:00,EUR,S3,1,3.50,,2\n"  # line 4
    + "O2,C2,2024-01-02 10:00:00,EUR,S1,1,1.50,,1\n"  # line 5: line 1 of another order
    + "R1,C1,2024-01-03 10:00:00,EUR,S1,-1,1.50,true,1\n"  # line 6
)
PROBLEM = f"orders.csv:3: column 'line_no' value '1': {RULE}"

PATHS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("keys-kept", id="postgres-keys-kept", marks=pytest.mark.postgres),
    pytest.param("keys-set-aside", id="postgres-keys-set-aside", marks=pytest.mark.postgres),
]


@pytest.fixture(params=PATHS)
def on_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The store, and the path an order file takes there: SQLite (written chunk by chunk), or
    PostgreSQL's merge with the order tables' keys kept or set aside (from one staged line on:
    ``staged_orders.BULK_LINES``). On PostgreSQL, checks at the end that the returns were
    linked with the keys set aside on that path only."""
    if request.param == "sqlite":
        engine: Engine = request.getfixturevalue("sqlite_engine")
        yield engine
        return
    aside = request.param == "keys-set-aside"
    monkeypatch.setattr(staged_orders, "BULK_LINES", 1 if aside else 10**9)
    seen: list[bool] = []
    link_returns = store.link_returns

    def spied(conn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(conn.exec_driver_sql(FOREIGN_KEY).scalar_one() == 0)
        return link_returns(conn, *args, **kwargs)

    monkeypatch.setattr(store, "link_returns", spied)
    yield request.getfixturevalue("pg_clean")
    assert set(seen) <= {aside}


def _import(
    engine: Engine,
    path: Path,
    *,
    allow_rejects: bool = False,
    chunk_rows: int = 50_000,
    **mapping: Any,
) -> ImportReport:
    ingest = IngestService(engine, EventBus(), FixedClock())
    options = ImportOptions(
        kind="orders",
        path=path,
        mapping=Mapping(create_missing_customers=True, link_returns="customer_sku", **mapping),
        allow_rejects=allow_rejects,
        chunk_rows=chunk_rows,
    )
    return ingest.import_file(options)


def _stored(engine: Engine) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        lines = [tuple(r) for r in conn.exec_driver_sql(LINES)]
        statuses = [tuple(r) for r in conn.exec_driver_sql(STATUSES)]
    return lines, statuses


@pytest.mark.parametrize("chunk_rows", [1, 2, 50_000])
def test_a_line_number_given_twice_is_a_rejected_row_naming_it(
    on_path: Engine, tmp_path: Path, chunk_rows: int
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(TWICE)
    report = _import(on_path, path, chunk_rows=chunk_rows)
    assert report.status == "failed"
    assert [str(p) for p in report.problems] == [PROBLEM]
    assert _stored(on_path) == ([], [])


def test_with_rejects_allowed_every_path_links_the_returns_alike(
    on_path: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(TWICE)
    report = _import(on_path, path, allow_rejects=True)
    assert report.status == "loaded_with_rejects"
    assert [str(p) for p in report.problems] == [PROBLEM]
    assert (report.rows_loaded, report.rows_rejected) == (4, 1)
    counts = {k: v for k, v in report.counts.items() if "return" in k}
    assert counts == {"return_orders": 1, "returns_linked": 1}  # none unlinked after
    lines, statuses = _stored(on_path)
    assert lines == [
        ("O1", 1, "S1", None, None),  # the first row's line, kept
        ("O1", 2, "S3", None, None),
        ("O2", 1, "S1", None, None),
        ("R1", 1, "S1", "O1", 1),  # linked to its customer's line of S1
    ]
    assert statuses == [("O1", "partly_returned"), ("O2", "completed"), ("R1", "returned")]


@pytest.mark.parametrize(
    ("duplicates", "problems", "loaded"),
    [
        ("reject", ["orders.csv:3: column '*'"], 2),  # a duplicate row, said once
        ("skip", [], 2),  # skipped as the exact repeat it is
        ("keep", ["orders.csv:3: column 'line_no'"], 2),  # not a second line: rejected
    ],
)
def test_an_exact_repeat_that_gives_a_line_number(
    on_path: Engine, tmp_path: Path, duplicates: str, problems: list[str], loaded: int
) -> None:
    path = tmp_path / "orders.csv"
    row = "O1,C1,2024-01-02 10:00:00,EUR,S1,1,1.50,,1\n"
    path.write_text(HEADER + row + row + "O1,C1,2024-01-02 10:00:00,EUR,S2,1,1.50,,2\n")
    report = _import(on_path, path, allow_rejects=True, duplicates=duplicates)
    assert [str(p).split(" value ")[0] for p in report.problems] == problems
    assert report.rows_loaded == loaded
    lines, _ = _stored(on_path)
    assert lines == [("O1", 1, "S1", None, None), ("O1", 2, "S2", None, None)]
