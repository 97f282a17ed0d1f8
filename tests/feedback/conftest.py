"""Set-up for feedback tests: the real app services on SQLite and PostgreSQL, customers seeded
through the canonical table, and helpers to read the outbox."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.db.schema import customers, outbox
from opencx.outbox import BatchResult, run_once
from opencx.settings import Settings
from tests.outbox.conftest import (  # noqa: F401  (the real SMTP server and worker, re-used)
    kill_worker_mid_batch,
    smtp_server,
)

BASE = "https://cx.example"
_ids = itertools.count(1)


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(database_url=str(engine.url), secret_key="test-secret", base_url=BASE)
    return build(settings, clock=clock, engine=engine)


def add_customer(engine: Engine, clock: FixedClock, **values: Any) -> str:
    n = next(_ids)
    row = {
        "id": f"c{n:04d}",
        "source": "test",
        "external_id": str(n),
        "name": f"Customer {n}",
        "email": f"c{n}@example.nl",
        "phone": f"+3161234{n:04d}",
        "language": "nl",
        "created_at": clock.now(),
        "attributes": {},
        "consent_email": True,
        "consent_sms": True,
        "consent_surveys": True,
        **values,
    }
    with engine.begin() as conn:
        conn.execute(customers.insert(), row)
    return str(row["id"])


@pytest.fixture
def customer(services: Services, clock: FixedClock) -> Iterator[Any]:
    def make(**values: Any) -> str:
        made = add_customer(services.engine, clock, **values)
        services.customers.seal_existing()  # stored as crypto-shredding stores them (default)
        return made

    yield make


def outbox_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(outbox).order_by(outbox.c.created_at, outbox.c.id))
        return [dict(r) for r in rows.mappings()]


def run_tasks(services: Services) -> BatchResult:
    """What the worker does with the outbox's tasks (the closed loop), once; nothing else sent."""
    task = services.outbox.transports()["task"]
    return run_once(services.engine, {"task": task}, services.clock.now())
