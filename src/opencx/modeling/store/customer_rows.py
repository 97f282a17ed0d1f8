"""A customer's model scores follow them: moved on a merge (where the survivor has none for that
run and kind), moved back on an undo. Handlers wired in ``opencx.app``; scores hold no personal
data, so an erasure leaves them."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from opencx.core.events import CustomersMerged, MergeUndone
from opencx.db.customer_rows import move_merged_rows, move_rows_back
from opencx.db.schema import customer_scores


def on_customers_merged(event: CustomersMerged, conn: Connection) -> None:
    move_merged_rows(conn, (customer_scores,), event)


def on_merge_undone(event: MergeUndone, conn: Connection) -> None:
    move_rows_back(conn, (customer_scores,), event)
