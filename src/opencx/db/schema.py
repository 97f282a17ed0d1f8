"""The canonical schema (see docs/schema.md): one MetaData shared by every slice and backend.

These tables are the shared vocabulary of OpenCX. Each is *written* only by the slice that owns
it (``info=owned_by(...)`` on every table; docs/decisions/0012-table-ownership.md); any slice and
every metric may *read* them. Tables private to one slice (loyalty, helpdesk, journeys) live in
that slice's ``store`` on this same ``metadata`` so Alembic sees them, and declare their owner the
same way. A test attributes every write statement of the test suite to the slice that issued it
and fails when that slice is not the table's owner (tests/contracts/).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from opencx.db.types import ID, MONEY, UtcDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


_TABLE_LOADERS: list[Callable[[], object]] = []


def load_tables_with(loader: Callable[[], object]) -> None:
    """Have :func:`every_table` call ``loader`` first (once registered, however often asked).

    A slice's own tables join :data:`metadata` when its store is imported, which a process does
    when it uses the slice (the composition root builds each service on first use). Code that
    must see every slice's tables (a merge plans the moves of every slice's rows of a customer)
    asks :func:`every_table`; the composition root, which knows the slices, registers here the
    import of their stores.
    """
    if loader not in _TABLE_LOADERS:
        _TABLE_LOADERS.append(loader)


def every_table() -> list[sa.Table]:
    """The tables of :data:`metadata`, dependencies first, once every registered loader ran."""
    for loader in _TABLE_LOADERS:
        loader()
    return list(metadata.sorted_tables)


def owned_by(owner: str, *, loaded_by: tuple[str, ...] = ()) -> dict[str, Any]:
    """``Table.info`` naming the one slice that writes the table.

    ``loaded_by`` names the slices that may also *insert* rows arriving from outside (an import,
    the demo generator), an ``INSERT … ON CONFLICT`` upsert on ``(source, external_id)``
    included; every other change (an ``UPDATE``, a merge, an erasure) stays with the owner.
    """
    return {"owner": owner, "loaded_by": loaded_by}


def _sourced() -> list[sa.Column[Any]]:
    """Every row that arrives from outside names its source system and its id there."""
    return [
        sa.Column("source", sa.String(100), nullable=False, server_default="opencx"),
        sa.Column("external_id", sa.String(200), nullable=False),
    ]


# Owners (docs/decisions/0012-table-ownership.md): customers owns the people, ingest the imports
# and the facts only imports bring (commerce, touchpoints), feedback the surveys and what answers
# them, helpdesk the cases; access, outbox and modeling own their platform tables. Loaders insert
# (or upsert by source and external id) rows arriving from outside: ingest (files, the event API)
# and the demo generator.

# --- people (owner: customers) -------------------------------------------------------------
customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", ID, primary_key=True),
    *_sourced(),
    # wide enough for a sealed value (crypto-shredding); imports still check 300/320/40
    sa.Column("name", sa.String(1000)),
    sa.Column("email", sa.String(1000)),
    sa.Column("phone", sa.String(200)),
    sa.Column("language", sa.String(35)),
    sa.Column("country", sa.String(2)),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("attributes", sa.JSON, nullable=False, default=dict),
    sa.Column("consent_email", sa.Boolean, nullable=False, default=False),
    sa.Column("consent_sms", sa.Boolean, nullable=False, default=False),
    sa.Column("consent_surveys", sa.Boolean, nullable=False, default=False),
    sa.Column("merged_into", ID, sa.ForeignKey("customers.id"), nullable=True),
    sa.Column("erased_at", UtcDateTime),
    sa.UniqueConstraint("source", "external_id", name="uq_customers_source_external_id"),
    # partial: customers an import creates from orders have neither (migration 0030)
    sa.Index(
        "ix_customers_email",
        "email",
        sqlite_where=sa.text("email IS NOT NULL"),
        postgresql_where=sa.text("email IS NOT NULL"),
    ),
    sa.Index(
        "ix_customers_name",
        "name",
        sqlite_where=sa.text("name IS NOT NULL"),
        postgresql_where=sa.text("name IS NOT NULL"),
    ),
    # partial: holds only erased customers; "was anyone erased?" is one probe (migration 0032)
    sa.Index(
        "ix_customers_erased_at",
        "erased_at",
        sqlite_where=sa.text("erased_at IS NOT NULL"),
        postgresql_where=sa.text("erased_at IS NOT NULL"),
    ),
    info=owned_by("customers", loaded_by=("ingest", "demo")),
)

identities = sa.Table(
    "identities",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),  # email, phone, external, device
    sa.Column("value", sa.String(320), nullable=False),  # normalised
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("kind", "value", name="uq_identities_kind_value"),
    info=owned_by("customers", loaded_by=("demo",)),
)

customer_merges = sa.Table(
    "customer_merges",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("survivor_id", ID, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("merged_id", ID, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("rule", sa.String(100), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("undone_at", UtcDateTime),
    sa.Column("moved", sa.JSON, nullable=False, default=dict),  # what moved, so undo is exact
    info=owned_by("customers"),
)

erased_keys = sa.Table(
    "erased_keys",
    metadata,
    # keyed hash (opencx.core.tombstone) of a key that named an erased person: no personal data
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),  # external, email, phone
    sa.Column("erased_at", UtcDateTime, nullable=False),
    info=owned_by("customers"),
)

customer_keys = sa.Table(
    "customer_keys",
    metadata,
    # crypto-shredding (customers.domain.sealing): a customer's data key, wrapped by the master
    # key; deleted on erasure. No foreign key: an import seals a row before inserting it.
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("wrapped", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    info=owned_by("customers"),
)

# --- commerce (owner: ingest) --------------------------------------------------------------
products = sa.Table(
    "products",
    metadata,
    sa.Column("id", ID, primary_key=True),
    *_sourced(),  # external_id is the SKU
    sa.Column("name", sa.String(500)),
    sa.Column("category", sa.String(200)),
    sa.Column("list_price", MONEY),
    sa.Column("currency", sa.String(3)),
    sa.Column("is_merchandise", sa.Boolean, nullable=False, default=True),
    sa.UniqueConstraint("source", "external_id", name="uq_products_source_external_id"),
    info=owned_by("ingest", loaded_by=("demo",)),
)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", ID, primary_key=True),
    *_sourced(),
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), index=True),  # null = anonymous
    sa.Column("placed_at", UtcDateTime, nullable=False, index=True),
    sa.Column("channel", sa.String(20), nullable=False, default="web"),
    sa.Column("status", sa.String(20), nullable=False, default="completed"),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("discount_total", MONEY, nullable=False, default=0),
    # the status is the one the order's file or event gave, not computed from its lines: the
    # returns linked to it later, or moved away, leave it alone (docs/import.md)
    sa.Column("status_given", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("source", "external_id", name="uq_orders_source_external_id"),
    info=owned_by("ingest", loaded_by=("demo",)),
)

order_lines = sa.Table(
    "order_lines",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("order_id", ID, sa.ForeignKey("orders.id"), nullable=False),
    sa.Column("line_no", sa.Integer, nullable=False),
    sa.Column("product_id", ID, sa.ForeignKey("products.id")),
    sa.Column("sku", sa.String(200)),
    sa.Column("quantity", sa.Integer, nullable=False),  # negative for a return
    sa.Column("unit_price", MONEY, nullable=False),
    sa.Column("discount", MONEY, nullable=False, default=0),
    sa.Column("returns_line_id", ID, sa.ForeignKey("order_lines.id")),
    sa.UniqueConstraint("order_id", "line_no", name="uq_order_lines_order_id"),
    # a return line finds the line it reverses; partial: most lines are not returns
    sa.Index(
        "ix_order_lines_returns_line_id",
        "returns_line_id",
        sqlite_where=sa.text("returns_line_id IS NOT NULL"),
        postgresql_where=sa.text("returns_line_id IS NOT NULL"),
    ),
    info=owned_by("ingest", loaded_by=("demo",)),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", ID, primary_key=True),
    *_sourced(),
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("plan", sa.String(200)),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("ended_at", UtcDateTime),
    sa.Column("mrr", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("cancel_reason", sa.String(500)),
    sa.UniqueConstraint("source", "external_id", name="uq_subscriptions_source_external_id"),
    info=owned_by("ingest", loaded_by=("demo",)),
)

# --- touchpoints (owner: ingest) and cases (owner: helpdesk) ------------------------------
interactions = sa.Table(
    "interactions",
    metadata,
    sa.Column("id", ID, primary_key=True),
    *_sourced(),
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), index=True),
    sa.Column("occurred_at", UtcDateTime, nullable=False, index=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("touchpoint", sa.String(60)),
    sa.Column("session_id", sa.String(100)),
    sa.Column("campaign", sa.String(200)),
    sa.Column("properties", sa.JSON, nullable=False, default=dict),
    sa.UniqueConstraint("source", "external_id", name="uq_interactions_source_external_id"),
    info=owned_by("ingest", loaded_by=("demo",)),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", ID, primary_key=True),
    *_sourced(),
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), index=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("queue", sa.String(100)),
    sa.Column("category", sa.String(100)),
    sa.Column("priority", sa.String(20), nullable=False, default="normal"),
    sa.Column("status", sa.String(20), nullable=False, default="open"),
    sa.Column("subject", sa.String(500)),
    sa.Column("opened_at", UtcDateTime, nullable=False, index=True),
    sa.Column("first_response_at", UtcDateTime),
    sa.Column("resolved_at", UtcDateTime),
    sa.Column("closed_at", UtcDateTime),
    sa.Column("assignee", sa.String(200)),
    sa.Column("sla_policy", sa.String(100)),
    sa.UniqueConstraint("source", "external_id", name="uq_cases_source_external_id"),
    info=owned_by("helpdesk", loaded_by=("ingest", "demo")),
)

case_events = sa.Table(
    "case_events",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("case_id", ID, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(200)),
    sa.Column("body", sa.Text),
    sa.Column("properties", sa.JSON, nullable=False, default=dict),
    info=owned_by("helpdesk", loaded_by=("ingest", "demo")),
)

# --- feedback (owner: feedback) ------------------------------------------------------------
surveys = sa.Table(
    "surveys",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("key", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # nps, csat, ces, enps, custom
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("languages", sa.JSON, nullable=False, default=list),
    sa.Column("definition", sa.JSON, nullable=False, default=dict),
    sa.UniqueConstraint("key", "version", name="uq_surveys_key_version"),
    info=owned_by("feedback", loaded_by=("ingest", "demo")),
)

survey_questions = sa.Table(
    "survey_questions",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("survey_id", ID, sa.ForeignKey("surveys.id"), nullable=False),
    sa.Column("key", sa.String(100), nullable=False),
    # nps, csat, ces, rating, number, single, multi, text
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("scale_min", sa.Integer),
    sa.Column("scale_max", sa.Integer),
    sa.UniqueConstraint("survey_id", "key", name="uq_survey_questions_survey_id"),
    info=owned_by("feedback", loaded_by=("ingest", "demo")),
)

invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("survey_id", ID, sa.ForeignKey("surveys.id"), nullable=False),
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), index=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("trigger", sa.String(60)),
    sa.Column("trigger_ref", sa.String(100)),
    sa.Column("token_hash", sa.String(128), unique=True),
    sa.Column("scheduled_at", UtcDateTime, index=True),  # recontact rules read by time
    sa.Column("sent_at", UtcDateTime),
    sa.Column("opened_at", UtcDateTime),
    sa.Column("responded_at", UtcDateTime),
    sa.Column("status", sa.String(20), nullable=False, default="scheduled"),
    info=owned_by("feedback", loaded_by=("ingest", "demo")),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("id", ID, primary_key=True),
    *_sourced(),
    sa.Column("survey_id", ID, sa.ForeignKey("surveys.id"), nullable=False, index=True),
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), index=True),
    sa.Column("invitation_id", ID, sa.ForeignKey("invitations.id"), index=True),
    sa.Column("submitted_at", UtcDateTime, nullable=False, index=True),
    sa.Column("channel", sa.String(20)),
    sa.Column("language", sa.String(35)),
    sa.Column("touchpoint", sa.String(60)),
    sa.Column("context_kind", sa.String(20)),
    sa.Column("context_id", sa.String(100)),
    sa.Column("completed", sa.Boolean, nullable=False, default=True),
    sa.Column("submission", sa.JSON, nullable=False, default=dict),
    sa.UniqueConstraint("source", "external_id", name="uq_responses_source_external_id"),
    info=owned_by("feedback", loaded_by=("ingest", "demo")),
)

answers = sa.Table(
    "answers",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("response_id", ID, sa.ForeignKey("responses.id"), nullable=False, index=True),
    sa.Column("question_key", sa.String(100), nullable=False),
    sa.Column("question_type", sa.String(20), nullable=False),
    sa.Column("score", sa.Integer),
    sa.Column("choices", sa.JSON),
    sa.Column("text", sa.Text),
    sa.Column("language", sa.String(35)),
    sa.UniqueConstraint("response_id", "question_key", name="uq_answers_response_id"),
    info=owned_by("feedback", loaded_by=("ingest", "demo")),
)

# --- platform (owners: outbox, ingest, access, modeling) -----------------------------------
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),  # email, sms, webhook
    sa.Column("dedupe_key", sa.String(300), nullable=False, unique=True),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False, index=True),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("sent_at", UtcDateTime),
    sa.Column("locked_until", UtcDateTime),
    info=owned_by("outbox"),
)

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("file_name", sa.String(1000), nullable=False),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("status", sa.String(20), nullable=False, default="running"),
    sa.Column("rows_read", sa.Integer, nullable=False, default=0),
    sa.Column("rows_loaded", sa.Integer, nullable=False, default=0),
    sa.Column("rows_rejected", sa.Integer, nullable=False, default=0),
    sa.Column("reject_file", sa.String(1000)),
    sa.Column("message", sa.Text),
    info=owned_by("ingest"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("name", sa.String(300)),
    sa.Column("role", sa.String(20), nullable=False),  # admin, analyst, agent
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    # sessions issued before this instant are void (password change, sign-out everywhere)
    sa.Column("sessions_since", UtcDateTime),
    sa.Column("disabled_at", UtcDateTime),  # cannot log in; its sessions are void
    info=owned_by("access"),
)

user_sessions = sa.Table(
    "user_sessions",
    metadata,
    sa.Column("id", ID, primary_key=True),  # public handle: listing and ending one session
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # SHA-256 of the token
    sa.Column("user_id", ID, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_seen_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),  # absolute end: created + max age
    sa.Column("revoked_at", UtcDateTime),  # logout, "end this session", sign-out everywhere
    sa.Column("ip", sa.String(64)),
    sa.Column("user_agent", sa.String(300)),
    info=owned_by("access"),
)

login_throttle = sa.Table(
    "login_throttle",
    metadata,
    # "ip:<address>", "acct:<digest of the email>" or "pair:<digest of account and client>"
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("account", sa.String(40), index=True),  # the account digest (unlock clears it)
    sa.Column("level", sa.Float, nullable=False, server_default="0"),  # a bucket's fill
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),  # a pair's streak
    sa.Column("at", sa.Float, nullable=False, index=True),  # unix seconds of the last charge
    sa.Column("previous_at", sa.Float),  # unix seconds of the charge before
    info=owned_by("access"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("key_hash", sa.String(128), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime),
    info=owned_by("access"),
)

model_runs = sa.Table(
    "model_runs",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("model", sa.String(60), nullable=False),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("config", sa.JSON, nullable=False, default=dict),
    sa.Column("data_fingerprint", sa.String(64), nullable=False),
    sa.Column("fitted_at", UtcDateTime, nullable=False),
    sa.Column("metrics", sa.JSON, nullable=False, default=dict),
    sa.Column("params", sa.JSON, nullable=False, default=dict),
    info=owned_by("modeling"),
)

customer_scores = sa.Table(
    "customer_scores",
    metadata,
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("model_run_id", ID, sa.ForeignKey("model_runs.id"), primary_key=True),
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("value", sa.Float),
    sa.Column("details", sa.JSON, nullable=False, default=dict),
    info=owned_by("modeling"),
)

CANONICAL_TABLES = (
    "customers",
    "identities",
    "products",
    "orders",
    "order_lines",
    "subscriptions",
    "interactions",
    "cases",
    "case_events",
    "surveys",
    "invitations",
    "responses",
    "answers",
)
