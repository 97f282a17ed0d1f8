"""feedback: triggers, opt-outs, skipped invitations, follow-ups, answer topics (feedback slice)

``survey_triggers`` say which event invites to which survey; ``survey_opt_outs`` hold customers
who asked for no more surveys; ``survey_skips`` explain invitations not sent; ``feedback_followups``
are the closed loop; ``answer_topics`` is the read model of themes and sentiment per comment.

The downgrade stops, changing nothing, while one of these tables holds rows
(``opencx.db.narrowing``), but for ``answer_topics``, which ``opencx feedback analyse`` fills
again; emptied, it downgrades.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opencx.db.narrowing import check_nothing_dropped
from opencx.db.types import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("survey_triggers", "survey_opt_outs", "survey_skips", "feedback_followups")
LOSING = (
    "customers' survey opt-outs (their refusal of surveys), the invitations skipped and why, "
    "the survey triggers and the closed loop's follow-ups"
)

ID = sa.String(26)


def upgrade() -> None:
    op.create_table(
        "survey_triggers",
        sa.Column("id", ID, primary_key=True),
        sa.Column("survey_key", sa.String(100), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("delay_seconds", sa.Integer, nullable=False),
        sa.Column("sample_pct", sa.Float, nullable=False),
        sa.Column("every_days", sa.Integer),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", UtcDateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_survey_triggers"),
    )
    op.create_table(
        "survey_opt_outs",
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_survey_opt_outs_customer_id_customers"
        ),
        sa.PrimaryKeyConstraint("customer_id", name="pk_survey_opt_outs"),
    )
    op.create_table(
        "survey_skips",
        sa.Column("id", ID, nullable=False),
        sa.Column("customer_id", ID),
        sa.Column("survey_key", sa.String(100), nullable=False),
        sa.Column("trigger", sa.String(60)),
        sa.Column("trigger_ref", sa.String(100)),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_survey_skips_customer_id_customers"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_survey_skips"),
    )
    op.create_index("ix_survey_skips_customer_id", "survey_skips", ["customer_id"])
    op.create_index("ix_survey_skips_at", "survey_skips", ["at"])
    op.create_table(
        "feedback_followups",
        sa.Column("id", ID, nullable=False),
        sa.Column("response_id", ID, nullable=False),
        sa.Column("customer_id", ID),
        sa.Column("survey_key", sa.String(100), nullable=False),
        sa.Column("rule", sa.String(60), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("opened_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("due_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("owner", sa.String(200)),
        sa.Column("case_id", sa.String(100)),
        sa.Column("closed_at", UtcDateTime(timezone=True)),
        sa.ForeignKeyConstraint(
            ["response_id"], ["responses.id"], name="fk_feedback_followups_response_id_responses"
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_feedback_followups_customer_id_customers"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_followups"),
        sa.UniqueConstraint("response_id", name="uq_feedback_followups_response_id"),
    )
    op.create_index("ix_feedback_followups_customer_id", "feedback_followups", ["customer_id"])
    op.create_index("ix_feedback_followups_opened_at", "feedback_followups", ["opened_at"])
    op.create_table(
        "answer_topics",
        sa.Column("response_id", ID, nullable=False),
        sa.Column("question_key", sa.String(100), nullable=False),
        sa.Column("theme", sa.String(100), nullable=False),
        sa.Column("sentiment", sa.Float),
        sa.Column("language", sa.String(35)),
        sa.Column("analysed_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"], ["responses.id"], name="fk_answer_topics_response_id_responses"
        ),
        sa.PrimaryKeyConstraint("response_id", "question_key", "theme", name="pk_answer_topics"),
    )
    # invitations are looked up by customer and time for the recontact rules
    with op.batch_alter_table("invitations") as batch:
        batch.create_index("ix_invitations_scheduled_at", ["scheduled_at"])


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    with op.batch_alter_table("invitations") as batch:
        batch.drop_index("ix_invitations_scheduled_at")
    for name in (
        "answer_topics",
        "feedback_followups",
        "survey_skips",
        "survey_opt_outs",
        "survey_triggers",
    ):
        op.drop_table(name)
