"""audit: the append-only log of privileged acts and the per-customer pseudonym salts

``audit_log`` refuses UPDATE and DELETE by trigger on PostgreSQL and on SQLite (the code has no
such path either); ``audit_subjects`` holds one random salt per customer named in the log,
deleted when the customer is erased so their records can no longer be linked to them.

The downgrade stops, changing nothing, while either table holds rows (``opencx.db.narrowing``);
emptied, it downgrades.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opencx.db.narrowing import check_nothing_dropped
from opencx.db.types import UtcDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("audit_log", "audit_subjects")
LOSING = "the audit log of privileged acts and its pseudonym salts"

REFUSAL = "audit_log is append-only: its rows cannot be changed or deleted"


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subjects", sa.Text(), nullable=False, server_default=""),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        for column in ("at", "actor", "action", "request_id"):
            batch_op.create_index(batch_op.f(f"ix_audit_log_{column}"), [column])
    op.create_table(
        "audit_subjects",
        sa.Column("subject", sa.String(length=26), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("subject", name=op.f("pk_audit_subjects")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")
    op.drop_table("audit_subjects")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        for column in ("request_id", "action", "actor", "at"):
            batch_op.drop_index(batch_op.f(f"ix_audit_log_{column}"))
    op.drop_table("audit_log")
