"""Returns are linked once the whole file is in, by one rule on both stores: a return line that
names the order it returns links to that order's first positive line of the same SKU, wherever
the order's lines are in the file (before the return, after it, in other chunks) and as the
import leaves them (a re-import that changes an order's lines)."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

HEADER = "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order\n"

# Read two lines a chunk: R1 returns A1's SKU1 before A1 is met (chunk 1); A1's lines are in
# chunk 2; R2's lines return A1's SKU2 (chunk 3) and a SKU A1 does not have (chunk 4).
FIRST = (
    HEADER + "R1,C1,2024-01-09 10:00:00,EUR,SKU1,-1,3.50,A1\n"
    "A2,C2,2024-01-03 10:00:00,EUR,SKU1,1,3.50,\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50,\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU2,1,10,\n"
    "A2,C2,2024-01-03 10:00:00,EUR,SKU2,1,10,\n"
    "R2,C1,2024-01-10 10:00:00,EUR,SKU2,-1,10,A1\n"
    "R2,C1,2024-01-10 10:00:00,EUR,SKU9,-1,10,A1\n"
)

# The same file again, A1's two lines swapped (line 1 is now SKU2), and R3, a return of A1's
# SKU1, first: every return must link to the line that holds its SKU once the file is in.
AGAIN = (
    HEADER + "R3,C1,2024-01-11 10:00:00,EUR,SKU1,-2,3.50,A1\n"
    "R1,C1,2024-01-09 10:00:00,EUR,SKU1,-1,3.50,A1\n"
    "A2,C2,2024-01-03 10:00:00,EUR,SKU1,1,3.50,\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU2,1,10,\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50,\n"
    "A2,C2,2024-01-03 10:00:00,EUR,SKU2,1,10,\n"
    "R2,C1,2024-01-10 10:00:00,EUR,SKU2,-1,10,A1\n"
    "R2,C1,2024-01-10 10:00:00,EUR,SKU9,-1,10,A1\n"
)

LINKS = """
    SELECT o.external_id, l.line_no, l.sku, ro.external_id, rl.line_no, rl.sku
    FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    LEFT JOIN order_lines rl ON rl.id = l.returns_line_id
    LEFT JOIN orders ro ON ro.id = rl.order_id
    WHERE l.quantity < 0
    ORDER BY o.external_id, l.line_no
"""


def _parquet(path, text: str):
    """``text`` (CSV) as a Parquet file, read in chunks of exactly ``chunk_rows`` rows."""
    names = text.split("\n", 1)[0].split(",")
    options = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
    )
    pq.write_table(pacsv.read_csv(io.BytesIO(text.encode()), convert_options=options), path)
    return path


def _links(engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(LINKS)).all()]


def _statuses(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT external_id, status FROM orders")).all())


def _reported(report) -> tuple[int, int, int, int]:
    counts = report.counts
    return (
        counts.get("orders", 0),
        counts.get("return_orders", 0),
        counts.get("returns_linked", 0),
        counts.get("returns_unlinked", 0),
    )


def test_returns_link_to_lines_before_or_after_them_in_any_chunk(tmp_path, run_import, engine):
    path = _parquet(tmp_path / "orders.parquet", FIRST)
    report = run_import("orders", path, create_missing_customers=True, chunk_rows=2)

    assert report.status == "loaded", report.problems
    assert _reported(report) == (4, 2, 2, 1)
    assert _links(engine) == [
        ("R1", 1, "SKU1", "A1", 1, "SKU1"),
        ("R2", 1, "SKU2", "A1", 2, "SKU2"),
        ("R2", 2, "SKU9", None, None, None),
    ]
    assert _statuses(engine) == {
        "A1": "partly_returned",
        "A2": "completed",
        "R1": "returned",
        "R2": "returned",
    }


def test_a_reimport_that_changes_an_order_links_to_its_new_lines(tmp_path, run_import, engine):
    first = _parquet(tmp_path / "first.parquet", FIRST)
    again = _parquet(tmp_path / "again.parquet", AGAIN)
    options = {"create_missing_customers": True, "chunk_rows": 2, "source": "shop"}
    assert run_import("orders", first, **options).status == "loaded"

    report = run_import("orders", again, **options)

    assert report.status == "loaded", report.problems
    assert _reported(report) == (5, 3, 3, 1)
    assert _links(engine) == [
        ("R1", 1, "SKU1", "A1", 2, "SKU1"),
        ("R2", 1, "SKU2", "A1", 1, "SKU2"),
        ("R2", 2, "SKU9", None, None, None),
        ("R3", 1, "SKU1", "A1", 2, "SKU1"),
    ]
    assert _statuses(engine)["A1"] == "partly_returned"


A1_SKU1 = "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50,\n"
A1_SKU2 = "A1,C1,2024-01-02 10:00:00,EUR,SKU2,1,10,\n"
A1_SKU3 = "A1,C1,2024-01-02 10:00:00,EUR,SKU3,2,3.50,\n"
ORDER = HEADER + A1_SKU1 + A1_SKU2
RETURN = HEADER + "R1,C1,2024-01-09 10:00:00,EUR,SKU1,-1,3.50,A1\n"
# A1 again, its lines swapped (line 1 is now SKU2); then A1 without SKU1 at all
SWAPPED = HEADER + A1_SKU2 + A1_SKU1
WITHOUT = HEADER + A1_SKU2 + A1_SKU3


# orders without returns, re-imported beside A1: with them the store holds fewer linked returns
# than the import rewrites orders, and SQLite reads the links from the returns' side
OTHERS = "".join(f"B{i},C2,2024-01-03 10:00:00,EUR,SKU1,1,3.50,\n" for i in range(3))


@pytest.mark.parametrize("others", ["", OTHERS], ids=["alone", "with_others"])
def test_a_stored_return_follows_its_sku_when_a_reimport_swaps_the_lines(
    tmp_path, run_import, engine, others
):
    options = {"create_missing_customers": True, "chunk_rows": 1, "source": "shop"}
    for name, text in (("order", ORDER + others), ("return", RETURN)):
        report = run_import("orders", _parquet(tmp_path / f"{name}.parquet", text), **options)
        assert report.status == "loaded", report.problems
    assert _links(engine) == [("R1", 1, "SKU1", "A1", 1, "SKU1")]
    assert _statuses(engine)["A1"] == "partly_returned"
    plain = {f"B{i}": "completed" for i in range(3)} if others else {}

    report = run_import(
        "orders", _parquet(tmp_path / "swapped.parquet", SWAPPED + others), **options
    )

    assert report.status == "loaded", report.problems
    assert report.counts.get("stored_returns_relinked") == 1
    assert _links(engine) == [("R1", 1, "SKU1", "A1", 2, "SKU1")]
    assert _statuses(engine) == {"A1": "partly_returned", "R1": "returned", **plain}

    report = run_import(
        "orders", _parquet(tmp_path / "without.parquet", WITHOUT + others), **options
    )

    assert report.status == "loaded", report.problems
    assert report.counts.get("stored_returns_unlinked") == 1
    assert _links(engine) == [("R1", 1, "SKU1", None, None, None)]  # A1 has no SKU1 any more
    assert _statuses(engine) == {"A1": "completed", "R1": "returned", **plain}


def test_a_reimport_into_a_store_without_linked_returns_reads_no_links(
    tmp_path, run_import, engine
):
    """A re-import of orders when no stored return links anything: nothing to relink, and the
    orders keep the status the file gives them."""
    options = {"create_missing_customers": True, "chunk_rows": 1, "source": "shop"}
    for name in ("first", "again"):
        report = run_import(
            "orders", _parquet(tmp_path / f"{name}.parquet", SWAPPED + OTHERS), **options
        )
        assert report.status == "loaded", report.problems
        assert "stored_returns_relinked" not in report.counts
    assert set(_statuses(engine).values()) == {"completed"}


def test_an_order_event_that_swaps_the_lines_keeps_its_return_on_its_sku(ingest, engine):
    def order(order_id: str, *lines: tuple[str, int, str | None]) -> None:
        rows = [
            {"sku": sku, "quantity": quantity, "unit_price": "3.50", "returns_order": target}
            for sku, quantity, target in lines
        ]
        data = {"order_id": order_id, "placed_at": "2024-01-02T10:00:00Z", "currency": "EUR"}
        ingest.ingest_event("order", {**data, "lines": rows}, source="shop")

    order("A1", ("SKU1", 2, None), ("SKU2", 1, None))
    order("R1", ("SKU1", -1, "A1"))
    order("A1", ("SKU2", 1, None), ("SKU1", 2, None))

    assert _links(engine) == [("R1", 1, "SKU1", "A1", 2, "SKU1")]
    assert _statuses(engine) == {"A1": "partly_returned", "R1": "returned"}


def test_many_returns_link_by_order_and_by_customer(tmp_path, run_import, engine):
    """More return lines than ``sqlite_images.MIN_ROWS`` (SQLite lists them from an image of
    their rows; PostgreSQL links a file's from its stage): each links to its own original
    line, by the order it names (even rows) or by its customer's latest earlier line of its
    SKU."""
    n = 80
    rows = [f"O{i},C{i},2024-01-02 10:00:00,EUR,SKU{i % 7},{i % 3 + 1},3.50,\n" for i in range(n)]
    rows += [
        f"R{i},C{i},2024-01-09 10:00:00,EUR,SKU{i % 7},-1,3.50,{f'O{i}' if i % 2 == 0 else ''}\n"
        for i in range(n)
    ]
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    options = {"link_returns": "customer_sku", "return_prefix": "R"}
    report = run_import("orders", path, create_missing_customers=True, **options)

    assert report.status == "loaded", report.problems
    assert _reported(report) == (2 * n, n, n, 0)
    assert _links(engine) == [
        (f"R{i}", 1, f"SKU{i % 7}", f"O{i}", 1, f"SKU{i % 7}") for i in sorted(range(n), key=str)
    ]
    assert set(_statuses(engine).values()) == {"partly_returned", "returned"}


def test_an_order_event_with_many_return_lines_links_each(ingest, engine):
    """The event API lists an order's return lines (copied on PostgreSQL, bound on SQLite)."""
    n = 70

    def order(order_id: str, quantity: int, target: str | None) -> None:
        rows = [
            {"sku": f"SKU{k}", "quantity": quantity, "unit_price": "3.50", "returns_order": target}
            for k in range(n)
        ]
        data = {"order_id": order_id, "placed_at": "2024-01-02T10:00:00Z", "currency": "EUR"}
        ingest.ingest_event("order", {**data, "lines": rows}, source="shop")

    order("A1", 2, None)
    order("R1", -1, "A1")

    assert _links(engine) == [("R1", k + 1, f"SKU{k}", "A1", k + 1, f"SKU{k}") for k in range(n)]
    assert _statuses(engine) == {"A1": "partly_returned", "R1": "returned"}


A2_SKU1 = "A2,C1,2024-01-03 10:00:00,EUR,SKU1,1,3.50,\n"
R1_OF = HEADER + "R1,C1,2024-01-09 10:00:00,EUR,SKU1,-1,3.50,{}\n"


@pytest.mark.parametrize("chunk_rows", [1, 1000], ids=["chunked", "whole"])
def test_an_order_a_reimported_return_leaves_is_completed_again(
    tmp_path, run_import, engine, chunk_rows
):
    """R1 re-imported as the return of another order, then of an order that does not exist:
    each order it left is ``completed`` again (nothing links to it, none of its lines is a
    return), the unmatched return is unlinked and counted so; O1, given ``partly_returned``
    by its file and never linked to, keeps it."""
    options = {"create_missing_customers": True, "chunk_rows": chunk_rows, "source": "shop"}
    given = "order_id,customer,placed_at,currency,sku,quantity,unit_price,status\n"
    given += "O1,C1,2024-01-04 10:00:00,EUR,SKU1,1,3.50,partly_returned\n"
    files = (("order", ORDER + A2_SKU1), ("given", given), ("return", R1_OF.format("A1")))
    for name, text in files:
        report = run_import("orders", _parquet(tmp_path / f"{name}.parquet", text), **options)
        assert report.status == "loaded", report.problems
    assert _statuses(engine)["A1"] == "partly_returned"

    report = run_import("orders", _parquet(tmp_path / "a2.parquet", R1_OF.format("A2")), **options)

    assert report.status == "loaded", report.problems
    assert _links(engine) == [("R1", 1, "SKU1", "A2", 1, "SKU1")]
    assert _statuses(engine) == {
        "A1": "completed",
        "A2": "partly_returned",
        "O1": "partly_returned",
        "R1": "returned",
    }

    report = run_import("orders", _parquet(tmp_path / "zz.parquet", R1_OF.format("ZZ")), **options)

    assert report.status == "loaded", report.problems
    assert _reported(report)[2:] == (0, 1)
    assert _links(engine) == [("R1", 1, "SKU1", None, None, None)]
    assert _statuses(engine) == {
        "A1": "completed",
        "A2": "completed",
        "O1": "partly_returned",
        "R1": "returned",
    }


GIVEN = "order_id,customer,placed_at,currency,sku,quantity,unit_price,status\n"


@pytest.mark.parametrize("chunk_rows", [1, 1000], ids=["chunked", "whole"])
def test_a_given_status_stays_when_the_return_linked_to_it_moves(
    tmp_path, run_import, engine, chunk_rows
):
    """O1, given ``partly_returned`` by its file, had R1 linked to it; R1 re-imported as the
    return of A2 leaves it, and O1 keeps the status its file gave (it was made ``completed``
    as if its status had been computed); A2's computed status follows the return as before."""
    options = {"create_missing_customers": True, "chunk_rows": chunk_rows, "source": "shop"}
    given = GIVEN + "O1,C1,2024-01-04 10:00:00,EUR,SKU1,1,3.50,partly_returned\n"
    files = (("order", ORDER + A2_SKU1), ("given", given), ("return", R1_OF.format("O1")))
    for name, text in files:
        report = run_import("orders", _parquet(tmp_path / f"{name}.parquet", text), **options)
        assert report.status == "loaded", report.problems
    assert _links(engine) == [("R1", 1, "SKU1", "O1", 1, "SKU1")]

    report = run_import("orders", _parquet(tmp_path / "a2.parquet", R1_OF.format("A2")), **options)

    assert report.status == "loaded", report.problems
    assert _links(engine) == [("R1", 1, "SKU1", "A2", 1, "SKU1")]
    assert _statuses(engine) == {
        "A1": "completed",
        "A2": "partly_returned",
        "O1": "partly_returned",
        "R1": "returned",
    }


@pytest.mark.parametrize("chunk_rows", [1, 1000], ids=["chunked", "whole"])
def test_a_given_completed_stays_when_a_return_links_to_it(
    tmp_path, run_import, engine, chunk_rows
):
    """O2's file gives it ``completed`` on its second line (a chunk after its first, read one
    line a chunk): R2, a return of its SKU1, links to it and O2 stays ``completed``, while A1,
    whose status was computed, becomes ``partly_returned``. O2 imported again from a file
    without statuses has its status computed: the return still linked to it makes it
    ``partly_returned``."""
    options = {"create_missing_customers": True, "chunk_rows": chunk_rows, "source": "shop"}
    o2 = (
        "O2,C1,2024-01-04 10:00:00,EUR,SKU1,1,3.50,\n"
        "O2,C1,2024-01-04 10:00:00,EUR,SKU2,1,10,completed\n"
    )
    returns = (
        HEADER + "R1,C1,2024-01-09 10:00:00,EUR,SKU1,-1,3.50,A1\n"
        "R2,C1,2024-01-09 10:00:00,EUR,SKU1,-1,3.50,O2\n"
    )
    files = (("order", ORDER), ("given", GIVEN + o2), ("returns", returns))
    for name, text in files:
        report = run_import("orders", _parquet(tmp_path / f"{name}.parquet", text), **options)
        assert report.status == "loaded", report.problems

    assert _links(engine) == [
        ("R1", 1, "SKU1", "A1", 1, "SKU1"),
        ("R2", 1, "SKU1", "O2", 1, "SKU1"),
    ]
    assert _statuses(engine) == {
        "A1": "partly_returned",
        "O2": "completed",
        "R1": "returned",
        "R2": "returned",
    }

    computed = (
        "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
        "O2,C1,2024-01-04 10:00:00,EUR,SKU1,1,3.50\n"
        "O2,C1,2024-01-04 10:00:00,EUR,SKU2,1,10\n"
    )
    report = run_import("orders", _parquet(tmp_path / "o2.parquet", computed), **options)

    assert report.status == "loaded", report.problems
    assert _statuses(engine)["O2"] == "partly_returned"


def test_an_order_events_given_status_stays_when_a_return_links_to_it(ingest, engine):
    """The event API keeps an order's given status as a file import does: E1, posted with
    ``completed``, stays so when a return event links to it; E2, posted without, becomes
    ``partly_returned``."""
    head = {"placed_at": "2024-01-02T10:00:00Z", "currency": "EUR"}
    line = {"sku": "SKU1", "unit_price": "3.50"}

    def post(**data: object) -> None:
        ingest.ingest_event("order", {**head, **data}, source="shop")

    post(order_id="E1", status="completed", lines=[{**line, "quantity": 2}])
    post(order_id="E2", lines=[{**line, "quantity": 2}])
    for target in ("E1", "E2"):
        post(order_id=f"R{target}", lines=[{**line, "quantity": -1, "returns_order": target}])

    assert _statuses(engine) == {
        "E1": "completed",
        "E2": "partly_returned",
        "RE1": "returned",
        "RE2": "returned",
    }
