"""What the demo announces: that it wrote the demo company (to be recorded like an import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from opencx.core.events import DomainEvent


@dataclass(frozen=True, slots=True)
class DemoGenerated(DomainEvent):
    """The demo company was written, in the transaction that publishes this event.

    Bookkeeping, not a live reaction: the composition root records it as an import of kind
    ``demo`` (``opencx.app.wire_events``), so the data overview lists it beside file imports.
    """

    command: str  # how to make the same data again, e.g. "opencx demo --customers 300 --seed 11"
    rows: tuple[tuple[str, int], ...]  # (table, rows written), in insert order
    started_at: datetime
    finished_at: datetime

    @property
    def total_rows(self) -> int:
        return sum(n for _, n in self.rows)
