"""Fixtures for import tests: a real ingest service on the parametrised store, and the whole app
over HTTP (``services``, ``client``: a test module may give its own ``services``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.app import Services, build, create_app
from opencx.core import EventBus, FixedClock
from opencx.customers.service import CustomerService
from opencx.ingest.domain import Mapping, with_flags
from opencx.ingest.service import ImportOptions, ImportReport, IngestService
from opencx.settings import Settings
from tests.conftest import shared_data as find_shared_data

CANONICAL = (
    "customers",
    "products",
    "orders",
    "order_lines",
    "subscriptions",
    "interactions",
    "cases",
    "case_events",
    "responses",
    "answers",
)


@pytest.fixture(autouse=True)
def _working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reject files go to the working directory by default: each test has its own."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def ingest(engine: Engine, bus: EventBus, clock: FixedClock) -> IngestService:
    """Wired to the customers slice's tombstones as in ``opencx.app.build``."""
    erased = CustomerService(engine, clock, bus, secret_key="test-secret").erased_among
    return IngestService(engine, bus, clock, erased=erased)


@pytest.fixture
def run_import(ingest: IngestService) -> Callable[..., ImportReport]:
    """Import a file: ``run_import("orders", path, map=[...], allow_rejects=True, ...)``."""

    def run(
        kind: str, path: Path, *, maps: list[str] | None = None, **options: Any
    ) -> ImportReport:
        mapping_fields = {
            k: options.pop(k) for k in list(options) if k in Mapping.__dataclass_fields__
        }
        mapping = with_flags(options.pop("mapping", Mapping()), maps=maps or [], **mapping_fields)
        return ingest.import_file(ImportOptions(kind=kind, path=path, mapping=mapping, **options))

    return run


@pytest.fixture
def table_counts(engine: Engine) -> Callable[[], dict[str, int]]:
    """Rows per canonical table, to prove what was (not) written."""

    def count() -> dict[str, int]:
        with engine.connect() as conn:
            return {
                t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in CANONICAL
            }

    return count


@pytest.fixture
def nothing_written(table_counts: Callable[[], dict[str, int]]) -> Callable[[], bool]:
    return lambda: all(n == 0 for n in table_counts().values())


@pytest.fixture
def ingest_on(clock: FixedClock) -> Callable[..., ImportReport]:
    """Import into a given engine with a given mapping (for the real data sets)."""

    def run(
        engine: Engine, kind: str, path: Path, mapping: Mapping, **options: Any
    ) -> ImportReport:
        service = IngestService(engine, EventBus(), clock)
        return service.import_file(ImportOptions(kind=kind, path=path, mapping=mapping, **options))

    return run


@pytest.fixture
def shared_data() -> Callable[[str], Path]:
    """``shared_data(name)`` of tests/conftest.py (``OPENCX_DATA_DIR``): skip locally, fail under
    CI, if absent."""
    return find_shared_data


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    return build(
        Settings(database_url=str(engine.url), secret_key="test-secret"), clock=clock, engine=engine
    )


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c
