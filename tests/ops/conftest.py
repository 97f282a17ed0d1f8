"""An app on a real SQLite store with an admin API key, for the operations endpoints."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.settings import Settings
from tests.outbox.conftest import smtp_server  # noqa: F401  (a real SMTP server for doctor)

SECRET = "s" * 48


@pytest.fixture
def services(sqlite_url: str, sqlite_engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(database_url=sqlite_url, secret_key=SECRET, log_format="json")
    return build(settings, clock=clock, engine=sqlite_engine)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


@pytest.fixture
def ops_key(services: Services) -> str:
    access = AccessService(services.engine, services.clock)
    return access.create_api_key("prometheus", ["ops:read"]).secret
