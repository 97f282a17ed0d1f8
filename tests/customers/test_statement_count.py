"""How many statements the customers slice sends to index an order event's new customer, on
SQLite and PostgreSQL, crypto-shredding on and off: an upper bound, so a statement added to the
event API's wired path fails here (bench/events.py measures its time). The customer comes in
the event as ingest wrote it (``CustomersUpserted.created``): its row, its name terms and its
search keys are not read back."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.customers.store.search import customer_name_terms, customer_search
from opencx.db.schema import identities
from opencx.settings import Settings

SECRET = "statement-count-test-secret-0123456789"
# the owners of its identities, the identities written; without crypto-shredding, its
# plaintext search keys written too
AT_MOST = {True: 2, False: 3}

ORDER = {
    "order_id": "O-1",
    "customer": "C-1",
    "placed_at": "2025-06-01T10:00:00Z",
    "currency": "EUR",
    "lines": [{"sku": "MUG", "quantity": 2, "unit_price": "25.00"}],
}


@pytest.fixture(params=[True, False], ids=["sealed", "plaintext"])
def services(request: pytest.FixtureRequest, engine: Engine, clock: FixedClock) -> Services:
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key=SECRET, crypto_shredding=request.param)
    return build(settings, clock=clock, engine=engine)


def test_an_order_events_new_customer_is_indexed_in_a_bounded_number_of_statements(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    indexing = [False]

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if indexing[0]:
            sent.append(" ".join(statement.split()))

    index = services.customers.index

    def counted(*args: Any, **kwargs: Any) -> Any:
        indexing[0] = True
        try:
            return index(*args, **kwargs)
        finally:
            indexing[0] = False

    monkeypatch.setattr(services.customers, "index", counted)
    sa.event.listen(services.engine, "before_cursor_execute", count)
    try:
        services.ingest.ingest_event("order", ORDER, source="shop", create_missing_customers=True)
    finally:
        sa.event.remove(services.engine, "before_cursor_execute", count)
    assert sent, "the customers slice did not index the event's customer"
    bound = AT_MOST[services.customers.vault is not None]
    assert len(sent) <= bound, "\n".join(sent)
    assert not any(" FROM customers " in s or "customer_name_terms" in s for s in sent), sent
    with services.engine.connect() as conn:
        assert conn.execute(sa.select(identities.c.kind, identities.c.value)).all() == [
            ("external", "shop:C-1")
        ]
        keys = conn.execute(sa.select(customer_search.c.name_key, customer_search.c.email_key))
        assert keys.all() == ([] if services.customers.vault else [(None, None)])
        assert conn.execute(sa.select(customer_name_terms)).all() == []


# helpdesk's identify_contact, a new contact (an email and a phone): the owners of each, the
# customer inserted, the owners of its identities and the identities written; sealed, its
# fields' key and blind name terms; plaintext, its search keys. Before: 13 and 11 (its row and
# its search keys read back)
CONTACT_AT_MOST = {True: 11, False: 8}


def test_a_new_contact_is_indexed_as_written_not_read_back(services: Services) -> None:
    """``identify_contact`` (the helpdesk's mail, chat and phone contacts) hands the customer
    it inserted to the indexing as written, as an order event's new customer is: its row is
    not read back. Before, it was (13 statements sealed, 11 plaintext)."""
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(" ".join(statement.split()))

    with services.engine.begin() as conn:
        sa.event.listen(services.engine, "before_cursor_execute", count)
        try:
            found = services.customers.identify_contact(
                conn, "Ann@Example.org", "+31 6 12345678", "Ann Example"
            )
        finally:
            sa.event.remove(services.engine, "before_cursor_execute", count)
    assert found is not None
    assert not any(" FROM customers " in s for s in sent), sent
    assert len(sent) <= CONTACT_AT_MOST[services.customers.vault is not None], "\n".join(sent)
    with services.engine.connect() as conn:
        kinds = conn.execute(sa.select(identities.c.kind).order_by(identities.c.kind)).all()
    assert [k for (k,) in kinds] == ["email", "external", "phone"]
    with services.engine.begin() as conn:  # the next message finds them
        assert services.customers.identify_contact(conn, "ann@example.org", None, None) == found
