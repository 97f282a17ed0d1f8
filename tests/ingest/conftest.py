"""Fixtures for import tests: a real ingest service on the parametrised store."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import EventBus, FixedClock
from opencx.ingest.domain import Mapping
from opencx.ingest.mapping import with_flags
from opencx.ingest.service import ImportOptions, ImportReport, IngestService

CANONICAL = ("customers", "products", "orders", "order_lines", "subscriptions", "interactions",
             "cases", "case_events", "responses", "answers")  # fmt: skip


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def ingest(engine: Engine, bus: EventBus, clock: FixedClock) -> IngestService:
    return IngestService(engine, bus, clock)


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
    """``shared_data(name)`` as in tests/conftest.py: skip locally, fail under CI, if absent."""
    folder = Path(__file__).resolve().parents[2].parent / "shared" / "data"

    def find(name: str) -> Path:
        path = folder / name
        if not path.exists():
            if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
                pytest.fail(f"real data file {path} is required under CI=true", pytrace=False)
            pytest.skip(f"real data file {path} not available")
        return path

    return find
