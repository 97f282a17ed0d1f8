"""A customer's cases, chats and self-service requests follow them: moved on a merge, back on
an undo; erased with the person.

Handlers of the customer lifecycle events (wired in ``opencx.app.wire_customer_lifecycle``), run
in the transaction of the merge or erasure: this slice owns ``cases``, ``case_events`` and
``helpdesk_chats`` and ``helpdesk_catalog_runs`` (docs/decisions/0012-table-ownership.md). Held
(unconfirmed) requests belong to no customer yet: erasure finds them by address
(``HelpdeskService.on_customer_erased``); a merge has nothing of theirs to move.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.events import CustomerErased, CustomersMerged, MergeUndone
from opencx.core.redaction import redact
from opencx.db.customer_rows import move_merged_rows, move_rows_back, rewrite_column
from opencx.db.schema import case_events, cases
from opencx.helpdesk.store.tables import catalog_runs, chats

MOVED = (cases, chats, catalog_runs)  # the rows a merge's plan lists for this slice


def on_customers_merged(event: CustomersMerged, conn: Connection) -> None:
    move_merged_rows(conn, MOVED, event)


def on_merge_undone(event: MergeUndone, conn: Connection) -> None:
    move_rows_back(conn, MOVED, event)


def on_customer_erased(event: CustomerErased, conn: Connection) -> None:
    """Blank every text of the person's cases (subjects, messages both ways, agent notes, event
    properties): it is about them. Who acted keeps its role but loses the person's name, email
    and phone (an inbound email's actor is the sender's address)."""
    ids = event.customer_ids
    case_ids = sa.select(cases.c.id).where(cases.c.customer_id.in_(ids))
    conn.execute(cases.update().where(cases.c.customer_id.in_(ids)).values(subject=None))
    e = case_events.c
    conn.execute(
        case_events.update().where(e.case_id.in_(case_ids)).values(body=None, properties={})
    )
    actors = sa.select(e.id, e.actor).where(e.case_id.in_(case_ids), e.actor.is_not(None))
    rewrite_column(conn, case_events, "actor", actors, lambda v: redact(v, event.personal))
