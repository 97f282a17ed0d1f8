"""The ingest package exposes exactly its events; the kinds cover the canonical tables."""

from __future__ import annotations

import opencx.ingest
from opencx.core.events import DomainEvent
from opencx.ingest.domain import KINDS


def test_public_surface():
    assert sorted(opencx.ingest.__all__) == [
        "CasesImported", "CustomersUpserted", "InteractionsImported", "OrdersImported",
        "ProductsUpserted", "ResponsesImported", "SubscriptionsImported",
    ]  # fmt: skip
    for name in opencx.ingest.__all__:
        event = getattr(opencx.ingest, name)
        assert issubclass(event, DomainEvent) and "live" in event.__dataclass_fields__


def test_kinds():
    assert list(KINDS) == ["customers", "products", "orders", "subscriptions", "interactions",
                           "cases", "case_events", "responses", "answers"]  # fmt: skip
