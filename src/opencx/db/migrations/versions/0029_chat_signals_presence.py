"""chat signals and presence (helpdesk slice): typing, read and agents online across processes

``helpdesk_chat_signals`` carries what is not kept (typing, read, a chat started or ended) from
one server process to the others on SQLite, which has no NOTIFY: each process polls it like the
messages; rows older than a minute are deleted. ``helpdesk_chat_presence`` holds how many agents
each process has connected, refreshed every few seconds, so a chat started through one process
knows an agent is online on another.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opencx.db.types import UtcDateTime

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "helpdesk_chat_signals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("origin", sa.String(length=26), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_helpdesk_chat_signals"),
    )
    op.create_index("ix_helpdesk_chat_signals_at", "helpdesk_chat_signals", ["at"])
    op.create_table(
        "helpdesk_chat_presence",
        sa.Column("origin", sa.String(length=26), nullable=False),
        sa.Column("agents", sa.Integer(), nullable=False),
        sa.Column("seen_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("origin", name="pk_helpdesk_chat_presence"),
    )


def downgrade() -> None:
    op.drop_table("helpdesk_chat_presence")
    op.drop_index("ix_helpdesk_chat_signals_at", table_name="helpdesk_chat_signals")
    op.drop_table("helpdesk_chat_signals")
