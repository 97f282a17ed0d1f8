"""The imported facts of a customer follow them: moved on a merge, back on an undo, redacted.

Handlers of the customer lifecycle events (wired in ``opencx.app.wire_customer_lifecycle``), run
in the transaction of the merge or erasure. This slice owns the facts only imports bring
(orders, subscriptions, interactions; docs/decisions/0012-table-ownership.md), so it moves and
erases their rows itself.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from opencx.core.events import CustomerErased, CustomersMerged, MergeUndone
from opencx.db.customer_rows import move_merged_rows, move_rows_back
from opencx.db.schema import interactions, orders, subscriptions

CUSTOMER_TABLES = (orders, subscriptions, interactions)
"""This slice's tables whose rows belong to a customer by ``customer_id``."""


def on_customers_merged(event: CustomersMerged, conn: Connection) -> None:
    move_merged_rows(conn, CUSTOMER_TABLES, event)


def on_merge_undone(event: MergeUndone, conn: Connection) -> None:
    move_rows_back(conn, CUSTOMER_TABLES, event)


def on_customer_erased(event: CustomerErased, conn: Connection) -> None:
    """Blank the free text about the person: interaction properties (forms, comments) and
    cancellation reasons. Orders and their lines stay: aggregates read them, and they identify
    no one once the customer is blank."""
    ids = event.customer_ids
    conn.execute(
        interactions.update().where(interactions.c.customer_id.in_(ids)).values(properties={})
    )
    conn.execute(
        subscriptions.update()
        .where(subscriptions.c.customer_id.in_(ids), subscriptions.c.cancel_reason.is_not(None))
        .values(cancel_reason=None)
    )
