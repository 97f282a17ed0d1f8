"""helpdesk live chat (helpdesk slice): chats and their messages

A chat is ``waiting`` until an agent joins, ``active`` while they talk, ``ended`` after; its
messages are kept here and copied to the case it is handed off to (the transcript on the
customer's timeline).

The downgrade stops, changing nothing, while a chat or a message holds rows
(``opencx.db.narrowing``); emptied, it downgrades.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import check_nothing_dropped

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("helpdesk_chats", "helpdesk_chat_messages")
LOSING = "live chats and what was written in them"


def upgrade() -> None:
    op.create_table(
        "helpdesk_chats",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("customer_id", sa.String(length=26), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("agent", sa.String(length=320), nullable=True),
        sa.Column("started_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", opencx.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("case_id", sa.String(length=26), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_chats")),
    )
    with op.batch_alter_table("helpdesk_chats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpdesk_chats_customer_id"), ["customer_id"])
        batch_op.create_index(batch_op.f("ix_helpdesk_chats_started_at"), ["started_at"])
    op.create_table(
        "helpdesk_chat_messages",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("chat_id", sa.String(length=26), nullable=False),
        sa.Column("at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sender", sa.String(length=10), nullable=False),
        sa.Column("author", sa.String(length=320), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["helpdesk_chats.id"],
            name=op.f("fk_helpdesk_chat_messages_chat_id_helpdesk_chats"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_chat_messages")),
    )
    with op.batch_alter_table("helpdesk_chat_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpdesk_chat_messages_chat_id"), ["chat_id"])


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    with op.batch_alter_table("helpdesk_chat_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_chat_messages_chat_id"))
    op.drop_table("helpdesk_chat_messages")
    with op.batch_alter_table("helpdesk_chats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_chats_started_at"))
        batch_op.drop_index(batch_op.f("ix_helpdesk_chats_customer_id"))
    op.drop_table("helpdesk_chats")
