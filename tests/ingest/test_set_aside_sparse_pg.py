"""The self-reference of ``order_lines`` (``returns_line_id``, covered by a partial index of
its values) comes back validated whether its column holds values or not: with none, its check
is planned through that index (``store.restore_keys``' sparse keys), and the planner's
settings are left as they were."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from opencx.db.schema import order_lines, orders
from opencx.ingest import store

pytestmark = pytest.mark.postgres

SELF = "fk_order_lines_returns_line_id_order_lines"


def _lines(conn, links: dict[str, str | None]) -> None:
    conn.execute(
        orders.insert().values(
            id="o1",
            source="api",
            external_id="E1",
            placed_at=datetime(2024, 1, 2, tzinfo=UTC),
            currency="EUR",
        )
    )
    for no, (ident, link) in enumerate(links.items(), 1):
        conn.execute(
            order_lines.insert().values(
                id=ident,
                order_id="o1",
                line_no=no,
                quantity=-1 if link else 1,
                unit_price=1,
                returns_line_id=link,
            )
        )


def _valid(conn) -> bool:
    sql = "SELECT convalidated FROM pg_constraint WHERE conname = %(name)s"
    return bool(conn.exec_driver_sql(sql, {"name": SELF}).scalar_one())


@pytest.mark.parametrize("links", [{"l1": None, "l2": None}, {"l1": None, "l2": "l1"}])
def test_the_self_reference_comes_back_valid(pg_clean, links):
    with pg_clean.connect() as conn, conn.begin() as tx:
        aside = store.set_aside(conn, ("orders", "order_lines"))
        assert any(SELF in statement for statement in aside.sparse)
        _lines(conn, links)
        store.restore_keys(conn, aside)
        assert _valid(conn)
        assert conn.exec_driver_sql("SHOW enable_seqscan").scalar_one() == "on"
        tx.rollback()


@pytest.mark.parametrize("links", [{"l1": "nowhere"}, {"l1": None, "l2": "l1", "l3": "gone"}])
def test_a_link_to_no_line_fails_when_the_key_comes_back(pg_clean, links):
    with pg_clean.connect() as conn, conn.begin() as tx:
        aside = store.set_aside(conn, ("orders", "order_lines"))
        _lines(conn, links)
        with pytest.raises(sa.exc.IntegrityError, match=SELF):
            store.restore_keys(conn, aside)
        tx.rollback()
