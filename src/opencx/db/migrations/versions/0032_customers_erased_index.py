"""customers.erased_at indexed where it is set: "was anyone erased?" without a scan (customers)

Every import and every API event asks whether any customer was ever erased
(``ingest.store.lookups.anyone_erased``): if nobody was, it has no rows to drop. With no index on
``erased_at`` that question scanned every customer to find none: 3 ms per event on PostgreSQL
with the import bench's 45,898 customers, growing with the customers. The index is partial (``WHERE
erased_at IS NOT NULL``): it holds only erased customers, so it costs nothing to the imports that
create customers, and it answers the question with one probe.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

ERASED = sa.text("erased_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_customers_erased_at",
        "customers",
        ["erased_at"],
        sqlite_where=ERASED,
        postgresql_where=ERASED,
    )


def downgrade() -> None:
    op.drop_index("ix_customers_erased_at", table_name="customers")
