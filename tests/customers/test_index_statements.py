"""What identity resolution reads for one new customer known by an id (an order event's
customer): its row, its name terms and the owners of its identities, then the identities are
written; no key (nothing of it is sealed), no merge chain (it is merged into no one), no undone
merge (its identities meet no one's). Crypto-shredding on, both stores."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.db.schema import customers, identities
from opencx.settings import Settings

SECRET = "index-statements-test-secret-0123456789"


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key=SECRET, crypto_shredding=True)
    return build(settings, clock=clock, engine=engine)


def test_one_new_customer_is_indexed_in_four_statements(services: Services) -> None:
    services.ingest.ingest_event("customer", {"external_id": "C-1"}, source="shop")
    with services.engine.connect() as conn:
        cid = conn.execute(sa.select(customers.c.id)).scalar_one()
        conn.execute(identities.delete())  # as the event left it before its identities
        conn.commit()
    seen: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(services.engine, "before_cursor_execute", record)
    try:
        with services.engine.begin() as conn:
            result = services.customers.index(conn, [cid])
    finally:
        sa.event.remove(services.engine, "before_cursor_execute", record)
    assert result.identities_added == 1 and result.merge_ids == ()
    tables = [s.split(" FROM ")[1].split()[0] if " FROM " in s else s.split()[2] for s in seen]
    assert tables == ["customers", "customer_name_terms", "identities", "identities"], seen
    with services.engine.connect() as conn:
        assert conn.execute(sa.select(identities.c.value)).scalars().all() == ["shop:C-1"]
