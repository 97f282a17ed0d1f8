"""The journeys slice's store: set-based reads of the canonical tables for paths and friction
(:mod:`.reads`), and the slice's own tables, experiments and their exposures (:mod:`.tables`,
:mod:`.experiments`, :mod:`.customer_rows`). Importing it puts those tables on the shared
metadata (``opencx.app.CUSTOMER_TABLE_STORES``)."""

from __future__ import annotations

from opencx.journeys.store import tables  # noqa: F401  (the slice's tables on the metadata)
from opencx.journeys.store.reads import (
    events,
    friction_counts,
    label_of,
    latest_touch,
    path_counts,
    plus_days,
    touches,
)

__all__ = [
    "events",
    "friction_counts",
    "label_of",
    "latest_touch",
    "path_counts",
    "plus_days",
    "touches",
]
