"""The helpdesk's own tables (on the shared metadata, so Alembic sees them).

The canonical ``cases`` and ``case_events`` tables (``opencx.db.schema``) are written by this
slice for every case worked in OpenCX; imports load history into them too. What only the helpdesk
needs lives here: configuration (calendars, SLA policies, queues, routing rules, agents, canned
responses), per-case working state (contact address, SLA durations and alerts, links from merges
and splits) and attachments.
"""

from __future__ import annotations

import sqlalchemy as sa

from opencx.db.schema import metadata
from opencx.db.types import ID, UtcDateTime

OWNER = {"owner": "helpdesk", "loaded_by": ()}

calendars = sa.Table(
    "helpdesk_calendars",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("tz", sa.String(64), nullable=False),
    sa.Column("hours", sa.JSON, nullable=False),  # {"mon": "09:00-17:00", ...}
    sa.Column("holidays", sa.JSON, nullable=False),  # ["2026-12-25", ...]
    info=OWNER,
)

sla_policies = sa.Table(
    "helpdesk_sla_policies",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("calendar", sa.String(100), nullable=False),
    sa.Column("first_response_s", sa.Integer),
    sa.Column("next_response_s", sa.Integer),
    sa.Column("resolution_s", sa.Integer),
    sa.Column("warn_ratio", sa.Float, nullable=False),
    sa.Column("pause_on", sa.JSON, nullable=False),
    sa.Column("condition", sa.JSON, nullable=False),
    info=OWNER,
)

queues = sa.Table(
    "helpdesk_queues",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("team", sa.String(100), nullable=False),
    sa.Column("strategy", sa.String(20), nullable=False),
    sa.Column("email", sa.String(320)),  # the mailbox address that lands in this queue
    sa.Column("last_assigned", sa.String(320)),  # round-robin position
    info=OWNER,
)

routing_rules = sa.Table(
    "helpdesk_routing_rules",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("queue", sa.String(100), nullable=False),
    sa.Column("condition", sa.JSON, nullable=False),
    sa.Column("skills", sa.JSON, nullable=False),
    info=OWNER,
)

agents = sa.Table(
    "helpdesk_agents",
    metadata,
    sa.Column("email", sa.String(320), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("queues", sa.JSON, nullable=False),
    sa.Column("skills", sa.JSON, nullable=False),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("calendar", sa.String(100)),
    sa.Column("active", sa.Boolean, nullable=False),
    info=OWNER,
)

canned = sa.Table(
    "helpdesk_canned_responses",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    info=OWNER,
)

case_state = sa.Table(
    "helpdesk_case_state",
    metadata,
    sa.Column("case_id", ID, sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("contact_email", sa.String(320)),  # personal data: blanked on erasure
    sa.Column("language", sa.String(35)),
    sa.Column("skills", sa.JSON, nullable=False),
    sa.Column("merged_into", ID),
    sa.Column("split_from", ID),
    sa.Column("reopened", sa.Integer, nullable=False, server_default="0"),
    sa.Column("first_response_wall_s", sa.Float),
    sa.Column("first_response_business_s", sa.Float),
    sa.Column("resolution_wall_s", sa.Float),
    sa.Column("resolution_business_s", sa.Float),
    sa.Column("sla_state", sa.String(20)),  # running, paused, met, breached
    sa.Column("sla_due_at", UtcDateTime, index=True),
    sa.Column("alerts", sa.JSON, nullable=False),  # ["first_response:warning", ...] already sent
    sa.Column("updated_at", UtcDateTime, nullable=False),
    info=OWNER,
)

attachments = sa.Table(
    "helpdesk_attachments",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("case_id", ID, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("event_id", ID, nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    info=OWNER,
)

chats = sa.Table(
    "helpdesk_chats",
    metadata,
    sa.Column("id", ID, primary_key=True),
    # no foreign key, but a customer's: merges move it (in their plan), undos move it back
    sa.Column("customer_id", ID, index=True, info={"refers_to": "customers.id"}),
    sa.Column("name", sa.String(300)),  # personal data: blanked on erasure
    sa.Column("email", sa.String(320)),  # personal data: blanked on erasure
    sa.Column("language", sa.String(35)),
    sa.Column("status", sa.String(20), nullable=False),  # waiting, active, ended
    sa.Column("agent", sa.String(320)),
    sa.Column("started_at", UtcDateTime, nullable=False, index=True),
    sa.Column("ended_at", UtcDateTime),
    sa.Column("case_id", ID),
    info=OWNER,
)

chat_messages = sa.Table(
    "helpdesk_chat_messages",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("chat_id", ID, sa.ForeignKey("helpdesk_chats.id"), nullable=False, index=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("sender", sa.String(10), nullable=False),  # customer, agent, system
    sa.Column("author", sa.String(320)),
    sa.Column("body", sa.Text),
    # the order messages were stored in (migration 0024): an identity on PostgreSQL, written as
    # max + 1 by the insert itself on SQLite (store/chat.py)
    sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False, unique=True, index=True),
    info=OWNER,
)

chat_signals = sa.Table(
    # typing, read, chat started or ended, for the other server processes on SQLite (PostgreSQL
    # carries them by NOTIFY): polled like the messages, deleted after a minute; chat ids only
    "helpdesk_chat_signals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("origin", sa.String(26), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    info=OWNER,
)

chat_presence = sa.Table(
    # how many agents each server process has connected, refreshed every few seconds, so the
    # widget reached through one process knows an agent is online on another
    "helpdesk_chat_presence",
    metadata,
    sa.Column("origin", sa.String(26), primary_key=True),
    sa.Column("agents", sa.Integer, nullable=False),
    sa.Column("seen_at", UtcDateTime, nullable=False),
    info=OWNER,
)

qa_scorecards = sa.Table(
    "helpdesk_qa_scorecards",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("definition", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    info=OWNER,
)

qa_reviews = sa.Table(
    "helpdesk_qa_reviews",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("scorecard", sa.String(100), nullable=False),
    sa.Column("case_id", ID, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("agent", sa.String(320), nullable=False, index=True),
    sa.Column("reviewer", sa.String(320), nullable=False),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("comment", sa.Text),
    sa.Column("at", UtcDateTime, nullable=False),
    info=OWNER,
)

incidents = sa.Table(
    "helpdesk_incidents",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("starts_at", UtcDateTime, nullable=False),
    sa.Column("ends_at", UtcDateTime, nullable=False),
    sa.Column("scope", sa.JSON, nullable=False),  # {"products": [...], "regions": [...]}
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("points", sa.Integer, nullable=False),
    sa.Column("voucher_prefix", sa.String(40)),
    sa.Column("declared_by", sa.String(320), nullable=False),
    sa.Column("declared_at", UtcDateTime, nullable=False),
    sa.Column("notified_by", sa.String(320)),
    sa.Column("notified_at", UtcDateTime),
    info=OWNER,
)

incident_notices = sa.Table(
    "helpdesk_incident_notices",
    metadata,
    sa.Column("incident_id", ID, sa.ForeignKey("helpdesk_incidents.id"), primary_key=True),
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("reason", sa.String(20), nullable=False),  # product, region
    sa.Column("email", sa.Boolean, nullable=False),  # a message was queued
    sa.Column("points", sa.Integer, nullable=False),
    sa.Column("voucher", sa.String(60)),
    sa.Column("at", UtcDateTime, nullable=False),
    info=OWNER,
)

catalog_items = sa.Table(
    "helpdesk_catalog_items",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("definition", sa.JSON, nullable=False),
    info=OWNER,
)

catalog_runs = sa.Table(
    "helpdesk_catalog_runs",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("item", sa.String(100), nullable=False),
    # no foreign key, but a customer's: merges move it (in their plan), undos move it back
    sa.Column("customer_id", ID, index=True, info={"refers_to": "customers.id"}),
    sa.Column("email", sa.String(320)),  # personal data: blanked on erasure
    sa.Column("form", sa.JSON, nullable=False),  # personal data: emptied on erasure
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("approvers", sa.JSON, nullable=False),
    sa.Column("case_id", ID),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
    info=OWNER,
)

catalog_audit = sa.Table(
    "helpdesk_catalog_audit",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("run_id", ID, sa.ForeignKey("helpdesk_catalog_runs.id"), nullable=False, index=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(320), nullable=False),
    sa.Column("step", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text),
    # the step's place in its run's trail (steps of one instant keep their order)
    sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
    info=OWNER,
)

catalog_unconfirmed = sa.Table(
    # an anonymous visitor's request, held until its confirmation link is followed; deleted then
    # or once expired (it becomes a run under the same id only when confirmed)
    "helpdesk_catalog_unconfirmed",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("item", sa.String(100), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),  # personal data: gone at expiry or erasure
    sa.Column("email_key", sa.String(64), index=True),  # keyed hash: erasure finds it by address
    sa.Column("form", sa.JSON, nullable=False),  # personal data: gone at expiry or erasure
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
    info=OWNER,
)

rate_buckets = sa.Table(
    # leaky buckets limiting what anonymous visitors make the desk send (domain/limits.py)
    "helpdesk_rate_buckets",
    metadata,
    sa.Column("key", sa.String(60), primary_key=True),  # "client:<hmac>" or "to:<hmac>"
    sa.Column("level", sa.Float, nullable=False),
    sa.Column("at", sa.Float, nullable=False, index=True),  # unix seconds of the last charge
    info=OWNER,
)
