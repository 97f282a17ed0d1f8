"""On a first import into a new store (``customers`` empty, locked by the import), the
self-reference ``customers.merged_into`` is set aside with the order tables' keys and comes
back validated: a customer merged into none fails the import there; ``customers``' own keys
stay."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from opencx.db.schema import customers
from opencx.ingest import store

pytestmark = pytest.mark.postgres

SELF = "fk_customers_merged_into_customers"
CONSTRAINTS = "SELECT conname FROM pg_constraint WHERE conrelid = 'customers'::regclass ORDER BY 1"


def _customer(conn, ident: str, merged_into: str | None = None) -> None:
    conn.execute(
        customers.insert().values(
            id=ident,
            source="api",
            external_id=ident,
            created_at=datetime(2024, 1, 2, tzinfo=UTC),
            merged_into=merged_into,
        )
    )


def _names(conn) -> list[str]:
    return [r[0] for r in conn.exec_driver_sql(CONSTRAINTS)]


def test_the_self_reference_goes_while_customers_are_empty_and_comes_back(pg_clean):
    with pg_clean.connect() as conn, conn.begin() as tx:
        before = _names(conn)
        aside = store.set_aside(conn, ("orders", "order_lines"), referenced=("customers",))
        assert _names(conn) == [name for name in before if name != SELF]  # the keys stay
        _customer(conn, "c1")
        _customer(conn, "c2", merged_into="c1")
        store.restore_keys(conn, aside)
        assert _names(conn) == before
        tx.rollback()


def test_a_customer_merged_into_none_fails_when_the_key_comes_back(pg_clean):
    with pg_clean.connect() as conn, conn.begin() as tx:
        aside = store.set_aside(conn, ("orders", "order_lines"), referenced=("customers",))
        _customer(conn, "c1", merged_into="nobody")
        with pytest.raises(sa.exc.IntegrityError, match=SELF):
            store.restore_keys(conn, aside)
        tx.rollback()


def test_stored_customers_keep_the_self_reference(pg_clean):
    with pg_clean.begin() as conn:
        _customer(conn, "c1")
    with pg_clean.connect() as conn, conn.begin() as tx:
        store.set_aside(conn, ("orders", "order_lines"), referenced=("customers",))
        assert SELF in _names(conn)
        tx.rollback()
