"""customer_segments: modeling's published read model of each customer's latest segment

A view, one row per scored customer: ``rfm_segment`` and ``persona``, the *names* of the
customer's latest RFM segment and persona (the run fitted last that scored the customer;
``customer_scores`` keeps the name in ``details.name``; a persona without one reads
``persona <id>``). Metrics break down by them (``--by rfm_segment``, ``--by persona``) by
reading this view like any canonical table, without importing modeling; modeling stays the only
writer of the tables beneath it.

The first, empty ``SELECT`` of the ``UNION ALL`` gives the columns their types on SQLite (a
view's column has the declared type of a plain column reference in the first ``SELECT``, none for
an expression), which readers such as Ibis need when the view is empty.

A later migration that rebuilds ``customer_scores`` or ``model_runs`` on SQLite (batch mode
copies and renames the table) must drop this view first and create it again afterwards.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 02:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

NAME = {
    "postgresql": "s.details ->> 'name'",
    "sqlite": "json_extract(s.details, '$.name')",
}
VIEW = """
CREATE VIEW customer_segments AS
WITH named AS (
    SELECT s.customer_id, s.kind, r.fitted_at, r.id AS run_id,
           COALESCE({name}, CASE WHEN s.kind = 'persona'
               THEN 'persona ' || CAST(CAST(s.value AS INTEGER) AS VARCHAR(12)) END) AS name
    FROM customer_scores s JOIN model_runs r ON r.id = s.model_run_id
    WHERE s.kind IN ('rfm_segment', 'persona')
), latest AS (
    SELECT customer_id, kind, name,
           ROW_NUMBER() OVER (
               PARTITION BY customer_id, kind ORDER BY fitted_at DESC, run_id DESC
           ) AS nth
    FROM named
)
SELECT customer_id, kind AS rfm_segment, kind AS persona FROM customer_scores WHERE 1 = 0
UNION ALL
SELECT customer_id,
       MAX(CASE WHEN kind = 'rfm_segment' THEN name END) AS rfm_segment,
       MAX(CASE WHEN kind = 'persona' THEN name END) AS persona
FROM latest
WHERE nth = 1
GROUP BY customer_id
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect not in NAME:
        raise NotImplementedError(f"customer_segments: no JSON text function known for {dialect}")
    op.execute(VIEW.format(name=NAME[dialect]))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS customer_segments")
