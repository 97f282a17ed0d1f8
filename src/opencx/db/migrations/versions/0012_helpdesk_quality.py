"""helpdesk agent quality (helpdesk slice): QA scorecards and reviews

The downgrade stops, changing nothing, while either table holds rows (``opencx.db.narrowing``);
emptied, it downgrades.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 02:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import check_nothing_dropped

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("helpdesk_qa_scorecards", "helpdesk_qa_reviews")
LOSING = "the QA scorecards and the reviews of agents' work"


def upgrade() -> None:
    op.create_table(
        "helpdesk_qa_scorecards",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_helpdesk_qa_scorecards")),
    )
    op.create_table(
        "helpdesk_qa_reviews",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("scorecard", sa.String(length=100), nullable=False),
        sa.Column("case_id", sa.String(length=26), nullable=False),
        sa.Column("agent", sa.String(length=320), nullable=False),
        sa.Column("reviewer", sa.String(length=320), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_helpdesk_qa_reviews_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_qa_reviews")),
    )
    with op.batch_alter_table("helpdesk_qa_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpdesk_qa_reviews_case_id"), ["case_id"])
        batch_op.create_index(batch_op.f("ix_helpdesk_qa_reviews_agent"), ["agent"])


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    with op.batch_alter_table("helpdesk_qa_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_qa_reviews_agent"))
        batch_op.drop_index(batch_op.f("ix_helpdesk_qa_reviews_case_id"))
    op.drop_table("helpdesk_qa_reviews")
    op.drop_table("helpdesk_qa_scorecards")
