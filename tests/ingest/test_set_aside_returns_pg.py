"""A large staged order file into empty order tables on PostgreSQL links its returns while the
tables' keys are set aside (``staged_orders``: before ``store.restore_keys``), and inserts the
orders its returns name ``partly_returned`` at once (``store.merge_orders``' ``returned_to``)
instead of updating them after. Whatever the file, the links, statuses and counts are those of
the same file merged with its keys in place (a small file); a line number it gives twice for
one order is the same rejected row on both."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from opencx.core import EventBus
from opencx.ingest import store
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService
from opencx.ingest.service.writers import staged_orders

pytestmark = pytest.mark.postgres

HEADER = "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order,status"

LINKS = """
    SELECT o.external_id, l.line_no, ot.external_id, t.line_no FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    JOIN order_lines t ON t.id = l.returns_line_id JOIN orders ot ON ot.id = t.order_id
    ORDER BY 1, 2
"""
STATUSES = "SELECT external_id, status, status_given FROM orders ORDER BY 1"
FOREIGN_KEY = """
    SELECT count(*) FROM pg_constraint
    WHERE conname = 'fk_order_lines_returns_line_id_order_lines'
"""

line = st.tuples(
    st.integers(0, 3),  # order O<i> (its customer C<i % 3>)
    st.integers(0, 2),  # SKU S<j>
    st.sampled_from([-2, -1, 0, 1, 2]),  # quantity: a return (is_return) when negative
    st.one_of(st.none(), st.integers(0, 4)),  # returns_order O<k> (a return; O4: no order)
    st.sampled_from(["", "", "", "", "completed", "returned"]),  # status given here, or none
    st.one_of(st.none(), st.integers(0, 2)),  # line_no 100 + k (when the file gives them)
)


def _csv(lines: list[tuple[Any, ...]], numbered: bool) -> str:
    rows = []
    for n, (order, sku, quantity, named, status, number) in enumerate(lines):
        returns_order = "" if named is None else f"O{named}"
        row = f"O{order},C{order % 3},2024-01-02 10:00:00,EUR,S{sku},{quantity},{n}.50,"
        row += f"{returns_order},{status},{'true' if quantity < 0 else ''}"
        if numbered:
            # past the numbers counted; one given twice for an order is a rejected row (it
            # linked otherwise with the keys in place: the stored returns' relink runs then)
            row += f",{'' if number is None else 100 + number}"
        rows.append(row)
    header = HEADER + ",is_return" + (",line_no" if numbered else "")
    return "\n".join([header, *rows]) + "\n"


def _outcome(engine: Engine, report: Any) -> tuple[Any, ...]:
    counts = {k: v for k, v in report.counts.items() if "return" in k}
    problems = [str(p) for p in report.problems]
    with engine.connect() as conn:
        links = [tuple(r) for r in conn.exec_driver_sql(LINKS)]
        statuses = [tuple(r) for r in conn.exec_driver_sql(STATUSES)]
    return report.status, problems, counts, links, statuses


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lines=st.lists(line, min_size=1, max_size=14),
    by_customer=st.booleans(),
    numbered=st.booleans(),
)
def test_links_made_while_the_keys_are_aside_are_those_made_with_them(
    lines, by_customer, numbered, tmp_path, pg_clean, _emptying, clock, monkeypatch
):
    path = tmp_path / "orders.csv"
    path.write_text(_csv(lines, numbered))
    options = {"link_returns": "customer_sku"} if by_customer else {}
    mapping = Mapping(create_missing_customers=True, **options)
    ingest = IngestService(pg_clean, EventBus(), clock)
    aside_when_linked: list[bool] = []
    link_returns = store.link_returns

    def spied(conn: Any, *args: Any, **kwargs: Any) -> Any:
        aside_when_linked.append(conn.exec_driver_sql(FOREIGN_KEY).scalar_one() == 0)
        return link_returns(conn, *args, **kwargs)

    monkeypatch.setattr(store, "link_returns", spied)
    outcomes = []
    for bulk_lines in (10**9, 1):  # keys kept, then set aside (from one staged line on)
        monkeypatch.setattr(staged_orders, "BULK_LINES", bulk_lines)
        options = ImportOptions(kind="orders", path=path, mapping=mapping, allow_rejects=True)
        report = ingest.import_file(options)
        outcomes.append(_outcome(pg_clean, report))
        with pg_clean.begin() as conn:
            _emptying.empty(conn)
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] in ("loaded", "loaded_with_rejects"), report.problems
    rejected = {problem.split(":")[1] for problem in outcomes[0][1]}  # their lines
    kept = [x for n, x in enumerate(lines) if str(n + 2) not in rejected]
    returns = any(quantity < 0 or named is not None for _, _, quantity, named, *_ in kept)
    assert aside_when_linked == ([False, True] if returns else [])


def test_a_returned_order_is_partly_returned_with_no_update_of_it(tmp_path, pg_clean, clock):
    """The orders the returns name are written ``partly_returned`` by their insert: linking
    updates no order (each update of a row inserted in the transaction checks its foreign key
    to ``customers`` again), and an order given ``completed`` by its file stays so."""
    rows = [f"O{i},C{i},2024-01-02 10:00:00,EUR,S1,1,3.50,," for i in range(4)]
    rows += ["O9,C9,2024-01-02 10:00:00,EUR,S1,1,3.50,,completed"]
    rows += [f"R{i},C{i},2024-01-03 10:00:00,EUR,S1,-1,3.50,O{i}," for i in (0, 1, 9)]
    rows += ["R5,C5,2024-01-03 10:00:00,EUR,S2,-1,3.50,O2,"]  # O2 holds no S2: not linked
    path = tmp_path / "orders.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    ingest = IngestService(pg_clean, EventBus(), clock)
    mapping = Mapping(create_missing_customers=True)
    updated = "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'orders'"
    updates: list[int] = []
    link_returns = store.link_returns

    def spied(conn: Any, *args: Any, **kwargs: Any) -> Any:
        before = conn.exec_driver_sql(updated).scalar_one()
        links = link_returns(conn, *args, **kwargs)
        updates.append(conn.exec_driver_sql(updated).scalar_one() - before)
        return links

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staged_orders, "BULK_LINES", 1)
        patch.setattr(store, "link_returns", spied)
        report = ingest.import_file(ImportOptions(kind="orders", path=path, mapping=mapping))
    assert report.status == "loaded", report.problems
    assert (report.counts["returns_linked"], report.counts["returns_unlinked"]) == (3, 1)
    assert updates == [0]
    with pg_clean.connect() as conn:
        statuses = dict(conn.execute(sa.text("SELECT external_id, status FROM orders")).all())
    assert statuses == {
        "O0": "partly_returned",
        "O1": "partly_returned",
        "O2": "completed",
        "O3": "completed",
        "O9": "completed",
        "R0": "returned",
        "R1": "returned",
        "R5": "returned",
        "R9": "returned",
    }
