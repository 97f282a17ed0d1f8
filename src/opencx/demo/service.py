"""Writing the demo company into the store: one transaction, refused over earlier demo rows.

:class:`DemoService` generates and writes it and publishes :class:`DemoGenerated` in the same
transaction, so the run is recorded like an import (the composition root wires the record). The
plain :func:`write_demo` writes given tables without announcing them (tests and benchmarks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock, EventBus
from opencx.core.errors import Conflict
from opencx.demo.domain.company import DemoSettings, iter_demo
from opencx.demo.domain.events import DemoGenerated
from opencx.demo.domain.history import SURVEY_TABLES, survey_history
from opencx.demo.domain.rows import Progress, TableRows
from opencx.demo.store import existing
from opencx.demo.store.bulk import insert_rows

Announce = Callable[[Connection, dict[str, int]], None]
"""Called inside the transaction, after the last row, with the rows written per table."""
SurveyLoader = Callable[..., dict[str, int]]
"""The feedback slice's history load: ``(conn, *, surveys, invitations, responses)`` → rows
written per table (wired in the composition root)."""


def write_demo(
    engine: Engine,
    tables: Iterable[TableRows],
    progress: Progress | None = None,
    *,
    announce: Announce | None = None,
    surveys: SurveyLoader | None = None,
) -> dict[str, int]:
    """Insert generated ``tables`` (a list, or :func:`iter_demo` to generate while writing) in
    one transaction; return rows written per table.

    With ``surveys``, the survey tables are not inserted: they go to that loader, in the same
    transaction after the other tables, as a survey history (:func:`survey_history`).

    Raises
    ------
    Conflict
        When demo rows are already in the database (generate into an empty one, or use
        ``opencx demo --if-empty``).
    """
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        if existing.has_demo(conn):
            raise Conflict(
                "customers: demo data (source='demo') is already loaded; "
                "use an empty database or `opencx demo --if-empty`"
            )
        held: list[TableRows] = []
        for rows in tables:
            if surveys is not None and rows.table in SURVEY_TABLES:
                held.append(rows)
                continue
            counts[rows.table] = counts.get(rows.table, 0) + insert_rows(conn, rows, progress)
            del rows  # let the next table be generated without this one in memory
        if surveys is not None:
            for table, n in surveys(conn, **survey_history(held)).items():
                counts[table] = counts.get(table, 0) + n
                if progress is not None:
                    progress(table, n, n)
        if announce is not None:
            announce(conn, counts)
    return counts


def has_customers(engine: Engine) -> bool:
    """Whether any customer (demo or not) is in the store: ``--if-empty`` then does nothing."""
    with engine.connect() as conn:
        return existing.has_customers(conn)


class DemoService:
    """Generates the demo company into the store and announces it."""

    def __init__(self, engine: Engine, bus: EventBus, clock: Clock) -> None:
        self.engine = engine
        self.bus = bus
        self.clock = clock
        self.surveys: SurveyLoader | None = None
        """The feedback slice's history load (set in the composition root): the demo's surveys,
        invitations and responses go through it instead of into the tables directly."""

    def has_customers(self) -> bool:
        return has_customers(self.engine)

    def generate(self, settings: DemoSettings, progress: Progress | None = None) -> dict[str, int]:
        """Generate and write the demo for ``settings`` in one transaction; rows per table.

        :class:`DemoGenerated` is published in that transaction, after the last row.
        """
        started = self.clock.now()

        def announce(conn: Connection, counts: dict[str, int]) -> None:
            event = DemoGenerated(
                settings.command, tuple(counts.items()), started, self.clock.now()
            )
            self.bus.publish(event, conn)

        return write_demo(
            self.engine, iter_demo(settings), progress, announce=announce, surveys=self.surveys
        )
