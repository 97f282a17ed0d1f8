"""Tables private to the feedback slice (on the shared metadata, so Alembic sees them).

The slice also owns the canonical ``surveys``, ``survey_questions`` and ``invitations`` tables
(``opencx.db.schema``); ``responses`` and ``answers`` are written by it for live answers and by
ingest for imported ones. ``answer_topics`` is a *published read model*: the themes and the
sentiment of each comment, which the metrics engine may read (``--by theme``).
"""

from __future__ import annotations

import sqlalchemy as sa

from opencx.db.schema import metadata
from opencx.db.types import ID, UtcDateTime

survey_triggers = sa.Table(
    "survey_triggers",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("survey_key", sa.String(100), nullable=False),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("delay_seconds", sa.Integer, nullable=False, default=0),
    sa.Column("sample_pct", sa.Float, nullable=False, default=100.0),
    sa.Column("every_days", sa.Integer),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_run_at", UtcDateTime),
)

survey_opt_outs = sa.Table(
    "survey_opt_outs",
    metadata,
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("via", sa.String(40), nullable=False),  # link, api, cli
)

survey_skips = sa.Table(
    "survey_skips",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), index=True),
    sa.Column("survey_key", sa.String(100), nullable=False),
    sa.Column("trigger", sa.String(60)),
    sa.Column("trigger_ref", sa.String(100)),
    sa.Column("rule", sa.String(20), nullable=False),
    sa.Column("reason", sa.String(300), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
)

feedback_followups = sa.Table(
    "feedback_followups",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("response_id", ID, sa.ForeignKey("responses.id"), nullable=False, unique=True),
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), index=True),
    sa.Column("survey_key", sa.String(100), nullable=False),
    sa.Column("rule", sa.String(60), nullable=False),
    sa.Column("reason", sa.String(300), nullable=False),
    sa.Column("opened_at", UtcDateTime, nullable=False, index=True),
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("owner", sa.String(200)),
    sa.Column("case_id", sa.String(100)),
    sa.Column("closed_at", UtcDateTime),
)

answer_topics = sa.Table(
    "answer_topics",
    metadata,
    sa.Column("response_id", ID, sa.ForeignKey("responses.id"), primary_key=True),
    sa.Column("question_key", sa.String(100), primary_key=True),
    sa.Column("theme", sa.String(100), primary_key=True),
    sa.Column("sentiment", sa.Float),  # −1 (negative) .. +1 (positive), from the learned model
    sa.Column("language", sa.String(35)),
    sa.Column("analysed_at", UtcDateTime, nullable=False),
)


feedback_themes = sa.Table(
    "feedback_themes",
    metadata,
    sa.Column("key", sa.String(20), primary_key=True),
    sa.Column("label", sa.String(300), nullable=False),
    sa.Column("name", sa.String(100)),  # given by a person; equal names merge themes
    sa.Column("terms", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

TABLES = (
    survey_triggers,
    survey_opt_outs,
    survey_skips,
    feedback_followups,
    answer_topics,
    feedback_themes,
)

feedback_webhooks = sa.Table(
    "feedback_webhooks",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("secret", sa.String(200), nullable=False),  # signs each body (HMAC-SHA256)
    sa.Column("events", sa.JSON, nullable=False),  # e.g. ["response.completed"]
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(200)),
)
