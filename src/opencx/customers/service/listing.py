"""The customer list as a download: every customer a search and filter find, with their
contact fields and the models' latest segments, as CSV for a spreadsheet or a campaign tool.

Personal data: the edge declares the scope (``customers:export``) and the facade records the
download in the audit log with the number of customers, not who they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from opencx.core.spreadsheet import csv_text
from opencx.customers.domain.search import ListFilter, RiskBand
from opencx.customers.store import search as finder
from opencx.customers.store import segments
from opencx.customers.store.vault import Vault

MAX_ROWS = 100_000
"""The most customers one download holds (the newest first); narrow the filter for more."""

FIELDS = (
    "customer_id",
    "name",
    "email",
    "phone",
    "country",
    "language",
    "created_at",
    "rfm_segment",
    "persona",
    "loyal_type",
    "churn_risk",
)


def list_csv(
    conn: Connection,
    text: str,
    chosen: ListFilter,
    *,
    bands: Sequence[RiskBand] = (),
    default_country: str | None = None,
    vault: Vault | None = None,
) -> tuple[str, int]:
    """The CSV of the customers ``text`` and ``chosen`` find (newest first, at most
    :data:`MAX_ROWS`) and how many rows it holds."""
    blind = vault.sealer.blind if vault is not None else None
    if blind is None and finder.missing(conn):
        finder.add_missing(conn)
    where = segments.conditions(chosen, chosen.band(bands))
    found = finder.search(
        conn, text, limit=MAX_ROWS, default_country=default_country, blind=blind, where=where
    )
    if vault is not None:
        found = vault.reveal(conn, found)
    scores = segments.of_customers(conn, [c.id for c in found])
    rows = [
        {
            "customer_id": c.id,
            "name": c.name,
            "email": c.email,
            "phone": c.phone,
            "country": c.country,
            "language": c.language,
            "created_at": c.created_at.isoformat(),
            **{k: v for k, v in scores.get(c.id, {}).items()},
        }
        for c in found
    ]
    for row in rows:
        if isinstance(row.get("churn_risk"), float):
            row["churn_risk"] = round(row["churn_risk"], 4)
    return csv_text(FIELDS, rows), len(rows)
