"""The customers slice's queries on the canonical tables (SQLAlchemy Core, SQLite and PostgreSQL).

Customer tables are defined once in :mod:`opencx.db.schema`; this package reads and writes them.
Its own search keys (``customer_search``) are defined in :mod:`.search`.
"""

from opencx.customers.store import (
    merging,
    people,
    privacy,
    search,
    segments,
    tombstones,
    touchpoints,
)

__all__ = ["merging", "people", "privacy", "search", "segments", "tombstones", "touchpoints"]
