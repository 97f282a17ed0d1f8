"""The feedback slice's store: its private tables and the queries over the tables it owns."""

from opencx.feedback.store import (
    customer_rows,
    happenings,
    invitations,
    loop,
    responses,
    surveys,
    tables,
    topics,
)

__all__ = [
    "customer_rows",
    "happenings",
    "invitations",
    "loop",
    "responses",
    "surveys",
    "tables",
    "topics",
]
