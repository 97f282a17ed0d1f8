"""Moving a customer's rows to another customer and rewriting their text, for the table's owner.

A merge is planned by the customers slice (which rows of which table move) and published in
:class:`opencx.core.CustomersMerged`; each owner applies the plan to its own tables with
:func:`move_rows`, and reverses it on :class:`opencx.core.MergeUndone`. A row is identified by its
``id``, or, in a table keyed by customer (``customer_scores``), by the rest of its primary key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.events import CustomerMerge, CustomersMerged, MergeUndone


def move_rows(
    conn: Connection, table: sa.Table, merge: CustomerMerge, *, back: bool = False
) -> int:
    """Move the rows of ``table`` that ``merge`` lists from the merged customer to the survivor
    (``back``: from the survivor to the merged customer, where the survivor still holds them).
    Returns the number of rows listed."""
    keys = merge.rows.get(table.name, ())
    if not keys:
        return 0
    source, target = (
        (merge.survivor_id, merge.merged_id) if back else (merge.merged_id, merge.survivor_id)
    )
    rest = [c for c in table.primary_key.columns if c.name != "customer_id"]
    statement = (
        table.update()
        .where(
            *(c == sa.bindparam(f"k_{i}") for i, c in enumerate(rest)),
            table.c.customer_id == sa.bindparam("k_from"),
        )
        .values(customer_id=sa.bindparam("k_to"))
    )
    conn.execute(statement, [_params(key, source, target) for key in keys])
    return len(keys)


def move_merged_rows(conn: Connection, tables: Iterable[sa.Table], event: CustomersMerged) -> None:
    """A slice's ``on_customers_merged``: the rows of ``tables`` each merge of ``event`` lists
    move to its survivor (:func:`move_rows`)."""
    for merge in event.merges:
        for table in tables:
            move_rows(conn, table, merge)


def move_rows_back(conn: Connection, tables: Iterable[sa.Table], event: MergeUndone) -> None:
    """A slice's ``on_merge_undone``: the rows of ``tables`` the undone merge moved go back to
    the merged customer (:func:`move_rows`, ``back``)."""
    for table in tables:
        move_rows(conn, table, event.merge, back=True)


def _params(key: Any, source: str, target: str) -> dict[str, Any]:
    values = key if isinstance(key, tuple | list) else (key,)
    return {**{f"k_{i}": v for i, v in enumerate(values)}, "k_from": source, "k_to": target}


def rewrite_column(
    conn: Connection,
    table: sa.Table,
    column: str,
    query: sa.Select[Any],
    change: Callable[[Any], Any],
) -> int:
    """Apply ``change`` to ``column`` of the rows ``query`` gives as ``(id, value)``; write only
    the rows it changed (an erasure redacting free text). Returns how many changed."""
    changed = [
        {"b_id": r[0], "b_value": new} for r in conn.execute(query) if (new := change(r[1])) != r[1]
    ]
    if changed:
        conn.execute(
            table.update()
            .where(table.c.id == sa.bindparam("b_id"))
            .values({column: sa.bindparam("b_value")}),
            changed,
        )
    return len(changed)
