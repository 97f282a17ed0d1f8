"""A customer's survey invitations and responses follow them: moved on a merge, back on an
undo; what they wrote is erased with the person.

Handlers of the customer lifecycle events (wired in ``opencx.app.wire_customer_lifecycle``), run
in the transaction of the merge or erasure: this slice owns ``invitations``, ``responses`` and
``answers`` (docs/decisions/0012-table-ownership.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.events import CustomerErased, CustomersMerged, MergeUndone
from opencx.db.customer_rows import move_merged_rows, move_rows_back
from opencx.db.schema import answers, invitations, responses
from opencx.feedback.store.tables import feedback_followups, survey_opt_outs, survey_skips

CUSTOMER_TABLES = (responses, invitations, survey_skips, feedback_followups, survey_opt_outs)


def on_customers_merged(event: CustomersMerged, conn: Connection) -> None:
    move_merged_rows(conn, CUSTOMER_TABLES, event)


def on_merge_undone(event: MergeUndone, conn: Connection) -> None:
    move_rows_back(conn, CUSTOMER_TABLES, event)


def on_customer_erased(event: CustomerErased, conn: Connection) -> None:
    """Blank answer texts and raw submissions; scores stay (metrics read them, and they identify
    no one once the customer is blank); invitations not sent yet are cancelled."""
    ids = event.customer_ids
    response_ids = sa.select(responses.c.id).where(responses.c.customer_id.in_(ids))
    conn.execute(answers.update().where(answers.c.response_id.in_(response_ids)).values(text=None))
    conn.execute(responses.update().where(responses.c.customer_id.in_(ids)).values(submission={}))
    conn.execute(
        invitations.update()
        .where(invitations.c.customer_id.in_(ids), invitations.c.status == "scheduled")
        .values(status="cancelled")
    )
