"""A customer's exposures follow the person: on a merge the merged customer's move to the
survivor, and where both were exposed to one experiment only the earliest exposure (and its
variant) is kept, the later deleted; on an undo the exposures that moved go back (a deleted one
does not come back: the person was exposed once, first to the variant kept); on an erasure the
person's exposures are deleted. Handlers wired in ``opencx.app.wire_customer_lifecycle``, run
in the merge's or erasure's transaction."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.events import CustomerErased, CustomerMerge, CustomersMerged, MergeUndone
from opencx.db.customer_rows import move_rows_back
from opencx.db.id_lists import among_ids, ids_value
from opencx.journeys.store.tables import exposures

x = exposures.c


def _rows(conn: Connection, column: Any, ids: list[str]) -> list[Any]:
    query = sa.select(x.id, x.experiment_id, x.customer_id, x.exposed_at).where(
        among_ids(column, conn.dialect.name)
    )
    return list(conn.execute(query, {"ids": ids_value(conn, ids)}))


def _merge(conn: Connection, merge: CustomerMerge, survivors: dict[tuple[str, str], Any]) -> None:
    listed = [str(i) for i in merge.rows.get(exposures.name, ())]
    moved, dropped = [], []
    for r in _rows(conn, x.id, listed) if listed else ():
        kept = survivors.get((merge.survivor_id, r.experiment_id))
        if kept is not None and (kept.exposed_at, kept.id) <= (r.exposed_at, r.id):
            dropped.append(r.id)  # the survivor's is the earlier
            continue
        if kept is not None:
            dropped.append(kept.id)
        moved.append(r.id)
        survivors[merge.survivor_id, r.experiment_id] = r
    if dropped:
        conn.execute(exposures.delete().where(x.id.in_(dropped)))
    if moved:
        conn.execute(
            exposures.update().where(x.id.in_(moved)).values(customer_id=merge.survivor_id)
        )


def on_customers_merged(event: CustomersMerged, conn: Connection) -> None:
    """The rows the merge's plan lists for ``journey_exposures`` move to the survivor, one
    exposure per experiment kept: the earliest."""
    if not any(m.rows.get(exposures.name) for m in event.merges):
        return
    survivors = {
        (r.customer_id, r.experiment_id): r
        for r in _rows(conn, x.customer_id, sorted({m.survivor_id for m in event.merges}))
    }
    for merge in event.merges:
        _merge(conn, merge, survivors)


def on_merge_undone(event: MergeUndone, conn: Connection) -> None:
    move_rows_back(conn, (exposures,), event)


def on_customer_erased(event: CustomerErased, conn: Connection) -> None:
    """An erased person was never exposed: their exposures go."""
    conn.execute(exposures.delete().where(x.customer_id.in_(event.customer_ids)))
