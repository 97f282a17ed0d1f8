"""Fixtures for import tests: a real ingest service on the parametrised store."""

from __future__ import annotations

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
