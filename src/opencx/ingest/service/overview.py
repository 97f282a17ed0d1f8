"""The data overview: what the store holds table by table, the latest imports, monthly activity."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from opencx.ingest.store.overview import (
    ImportRecord,
    TableOverview,
    latest_demo,
    monthly_activity,
    overview,
    recent_imports,
)


@dataclass(frozen=True, slots=True)
class DataOverview:
    """One reading of the store for the data overview page."""

    tables: list[TableOverview]
    imports: list[ImportRecord]
    activity: dict[str, list[tuple[str, int]]]
    demo: ImportRecord | None = None  # the demo company's latest load, when it is loaded


def overview_of(engine: Engine, *, recent: int = 10) -> DataOverview:
    """Rows and date range per canonical table, the ``recent`` latest imports, rows per month."""
    with engine.connect() as conn:
        return DataOverview(
            overview(conn),
            recent_imports(conn, limit=recent),
            monthly_activity(conn),
            latest_demo(conn),
        )
