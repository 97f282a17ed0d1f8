"""The composition root's entry: :func:`build` makes the engine, the bus wired with every
cross-slice reaction (:mod:`opencx.app.subscriptions`) and the services
(:class:`opencx.app.services.Services`) of one process. Nothing is created at import time."""

from __future__ import annotations

import importlib

from sqlalchemy.engine import Engine

from opencx.app.services import Services
from opencx.app.subscriptions import wire_events
from opencx.core import Clock, EventBus, SystemClock
from opencx.db import create_engine_from_url
from opencx.db.schema import load_tables_with
from opencx.settings import Settings


def build(
    settings: Settings, *, clock: Clock | None = None, engine: Engine | None = None
) -> Services:
    """The engine, the bus wired with every cross-slice reaction, and the services (each
    built on first use, :class:`Services`) for ``settings``."""
    engine = engine or create_engine_from_url(settings.database_url)
    services = Services(settings, engine, EventBus(), clock or SystemClock())
    wire_events(services)
    load_tables_with(_load_customer_tables)
    return services


#: the stores of the slices whose own tables hold rows of a customer (a merge plans their
#: moves: ``opencx.customers.store.merging.customer_tables``); the canonical ones are in
#: ``opencx.db.schema``. tests/contracts/test_cli_start.py checks that these are all.
CUSTOMER_TABLE_STORES = (
    "opencx.feedback.store",
    "opencx.helpdesk.store",
    "opencx.journeys.store",
    "opencx.loyalty.store",
    "opencx.modeling.store",
)


def _load_customer_tables() -> None:
    """The slices' tables that hold a customer's rows, on the metadata before a merge is planned
    (a command imports a slice's store only when it builds its service)."""
    for store in CUSTOMER_TABLE_STORES:
        importlib.import_module(store)
