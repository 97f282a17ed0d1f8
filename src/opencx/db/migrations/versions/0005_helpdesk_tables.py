"""helpdesk tables (helpdesk slice): configuration, per-case working state, attachments

Calendars, SLA policies, queues, routing rules, agents and canned responses; per case the
contact address, SLA durations (wall clock and business hours) and alerts already sent, merge
and split links; attachments (size-limited, kept in the database).

The downgrade stops, changing nothing, while any of these tables holds rows
(``opencx.db.narrowing``); emptied, it downgrades.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 01:42:08.952568
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import check_nothing_dropped

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = (
    "helpdesk_agents",
    "helpdesk_calendars",
    "helpdesk_canned_responses",
    "helpdesk_queues",
    "helpdesk_routing_rules",
    "helpdesk_sla_policies",
    "helpdesk_attachments",
    "helpdesk_case_state",
)
LOSING = (
    "the helpdesk's agents and settings, the cases' contact addresses and SLA clocks, and their"
    " attachments"
)


def upgrade() -> None:
    op.create_table(
        "helpdesk_agents",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("queues", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("calendar", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_helpdesk_agents")),
    )
    op.create_table(
        "helpdesk_calendars",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_helpdesk_calendars")),
    )
    op.create_table(
        "helpdesk_canned_responses",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_helpdesk_canned_responses")),
    )
    op.create_table(
        "helpdesk_queues",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("strategy", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("last_assigned", sa.String(length=320), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_helpdesk_queues")),
    )
    op.create_table(
        "helpdesk_routing_rules",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=100), nullable=False),
        sa.Column("condition", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_helpdesk_routing_rules")),
    )
    op.create_table(
        "helpdesk_sla_policies",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("calendar", sa.String(length=100), nullable=False),
        sa.Column("first_response_s", sa.Integer(), nullable=True),
        sa.Column("next_response_s", sa.Integer(), nullable=True),
        sa.Column("resolution_s", sa.Integer(), nullable=True),
        sa.Column("warn_ratio", sa.Float(), nullable=False),
        sa.Column("pause_on", sa.JSON(), nullable=False),
        sa.Column("condition", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_helpdesk_sla_policies")),
    )
    op.create_table(
        "helpdesk_attachments",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("case_id", sa.String(length=26), nullable=False),
        sa.Column("event_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_helpdesk_attachments_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_attachments")),
    )
    with op.batch_alter_table("helpdesk_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_helpdesk_attachments_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "helpdesk_case_state",
        sa.Column("case_id", sa.String(length=26), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("merged_into", sa.String(length=26), nullable=True),
        sa.Column("split_from", sa.String(length=26), nullable=True),
        sa.Column("reopened", sa.Integer(), server_default="0", nullable=False),
        sa.Column("first_response_wall_s", sa.Float(), nullable=True),
        sa.Column("first_response_business_s", sa.Float(), nullable=True),
        sa.Column("resolution_wall_s", sa.Float(), nullable=True),
        sa.Column("resolution_business_s", sa.Float(), nullable=True),
        sa.Column("sla_state", sa.String(length=20), nullable=True),
        sa.Column("sla_due_at", opencx.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("alerts", sa.JSON(), nullable=False),
        sa.Column("updated_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_helpdesk_case_state_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_helpdesk_case_state")),
    )
    with op.batch_alter_table("helpdesk_case_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_helpdesk_case_state_sla_due_at"), ["sla_due_at"], unique=False
        )


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    with op.batch_alter_table("helpdesk_case_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_case_state_sla_due_at"))

    op.drop_table("helpdesk_case_state")
    with op.batch_alter_table("helpdesk_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_attachments_case_id"))

    op.drop_table("helpdesk_attachments")
    op.drop_table("helpdesk_sla_policies")
    op.drop_table("helpdesk_routing_rules")
    op.drop_table("helpdesk_queues")
    op.drop_table("helpdesk_canned_responses")
    op.drop_table("helpdesk_calendars")
    op.drop_table("helpdesk_agents")
