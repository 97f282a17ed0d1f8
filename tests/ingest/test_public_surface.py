"""The ingest package exposes exactly its events, typed; its domain and service packages list
what the edges and other slices may use; the kinds cover the canonical tables."""

from __future__ import annotations

import dataclasses
import typing

import opencx.ingest
import opencx.ingest.domain
import opencx.ingest.service
from opencx.core.events import DomainEvent
from opencx.ingest.domain import KINDS

EVENTS = [
    "CasesImported",
    "CustomersUpserted",
    "InteractionsImported",
    "OrdersImported",
    "ProductsUpserted",
    "ResponsesImported",
    "SubscriptionsImported",
]


def test_public_surface_is_the_events() -> None:
    assert sorted(opencx.ingest.__all__) == EVENTS


def test_events_are_frozen_with_an_ids_tuple_and_live() -> None:
    for name in opencx.ingest.__all__:
        event = getattr(opencx.ingest, name)
        assert issubclass(event, DomainEvent)
        assert event.__dataclass_params__.frozen
        fields = typing.get_type_hints(event)
        ids, live, *more = (f.name for f in dataclasses.fields(event))
        assert ids.endswith("_ids") and fields[ids] == tuple[str, ...]
        assert live == "live" and fields[live] is bool
        # the customers created, as written (their subscriber does not read them back)
        assert more == (["created"] if name == "CustomersUpserted" else [])
    created = typing.get_type_hints(opencx.ingest.CustomersUpserted)["created"]
    assert created == tuple[opencx.ingest.domain.CreatedCustomer, ...]
    assert opencx.ingest.domain.CreatedCustomer.__dataclass_params__.frozen


def test_domain_and_service_surfaces() -> None:
    assert set(EVENTS) <= set(opencx.ingest.domain.__all__)
    assert {"KINDS", "Mapping", "with_flags", "score_scale"} <= set(opencx.ingest.domain.__all__)
    assert sorted(opencx.ingest.service.__all__) == [
        "ImportOptions",
        "ImportReport",
        "IngestService",
        "bundled_names",
        "load_mapping",
    ]
    for package in (opencx.ingest.domain, opencx.ingest.service):
        for name in package.__all__:
            assert hasattr(package, name), f"{package.__name__}.{name}"


def test_kinds() -> None:
    assert list(KINDS) == [
        "customers",
        "products",
        "orders",
        "subscriptions",
        "interactions",
        "cases",
        "case_events",
        "responses",
        "answers",
    ]
