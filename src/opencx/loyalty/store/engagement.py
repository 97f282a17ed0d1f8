"""Activities (the events challenges count), challenges, badges, draws, tiers and paid terms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from opencx.db.schema import metadata
from opencx.db.types import ID, MONEY, UtcDateTime
from opencx.loyalty.domain import Activity, Challenge, Term

activities = sa.Table(
    "loyalty_activities",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("member_id", ID, nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("value", sa.Float, nullable=False, default=1.0),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("idempotency_key", sa.String(250), nullable=False),
    sa.UniqueConstraint("idempotency_key", name="uq_loyalty_activities_idempotency_key"),
    sa.Index("ix_loyalty_activities_member_kind", "member_id", "kind", "at"),
)

challenges = sa.Table(
    "loyalty_challenges",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("activity", sa.String(40), nullable=False),
    sa.Column("target", sa.BigInteger, nullable=False),  # BIGINT: migration 0036
    sa.Column("starts_at", UtcDateTime, nullable=False),
    sa.Column("ends_at", UtcDateTime, nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False, default=0),  # BIGINT: migration 0033
    sa.Column("badge", sa.String(100)),
)

badges = sa.Table(
    "loyalty_badges",
    metadata,
    sa.Column("member_id", ID, primary_key=True),
    sa.Column("challenge_id", ID, sa.ForeignKey("loyalty_challenges.id"), primary_key=True),
    sa.Column("badge", sa.String(100)),
    sa.Column("at", UtcDateTime, nullable=False),
)

draws = sa.Table(
    "loyalty_draws",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("prize", sa.String(200), nullable=False),
    sa.Column("winners", sa.BigInteger, nullable=False),  # BIGINT: migration 0036
    sa.Column("points_per_ticket", sa.BigInteger, nullable=False),  # balance per ticket
    sa.Column("commitment", sa.String(64), nullable=False),  # sha256 of the seed, published
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("seed", sa.String(200)),  # revealed at the draw
    sa.Column("drawn_at", UtcDateTime),
    sa.Column("result", sa.JSON),  # tickets and winners, for anyone to re-run
)

tier_changes = sa.Table(
    "loyalty_tier_changes",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("member_id", ID, nullable=False, index=True),
    sa.Column("tier", sa.String(40)),
    sa.Column("previous", sa.String(40)),
    sa.Column("value", MONEY, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
)

terms = sa.Table(
    "loyalty_terms",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("member_id", ID, nullable=False, index=True),
    sa.Column("plan", sa.String(40), nullable=False),
    sa.Column("starts_at", UtcDateTime, nullable=False),
    sa.Column("ends_at", UtcDateTime, nullable=False),
    sa.Column("fee", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("idempotency_key", sa.String(250), nullable=False),
    sa.UniqueConstraint("idempotency_key", name="uq_loyalty_terms_idempotency_key"),
)


@cache
def _add_activity(dialect: str) -> Any:
    """Built once per store (building a statement cost more than running it): the insert,
    nothing done when the key is there (both stores take ``ON CONFLICT ... DO NOTHING``), the
    id returned when a row was written (psycopg's row count is not kept: -1)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(activities)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(activities.c.id)
    )


def add_activity(conn: Connection, **values: Any) -> bool:
    """Record an activity once (False when its key was seen): one statement."""
    return conn.execute(_add_activity(conn.dialect.name), values).first() is not None


def member_activities(
    conn: Connection, member_ids: Sequence[str], kinds: Sequence[str] | None = None
) -> list[Activity]:
    q = sa.select(activities).where(activities.c.member_id.in_(list(member_ids)))
    if kinds is not None:
        q = q.where(activities.c.kind.in_(list(kinds)))
    return [
        Activity(r.kind, r.at, float(r.value)) for r in conn.execute(q.order_by(activities.c.at))
    ]


def count_activities(conn: Connection, member_id: str, kind: str, since: datetime) -> int:
    return int(
        conn.execute(
            sa.select(sa.func.count()).where(
                activities.c.member_id == member_id,
                activities.c.kind == kind,
                activities.c.at >= since,
            )
        ).scalar_one()
    )


def _challenge(r: Any) -> Challenge:
    return Challenge(
        r.id, r.name, r.kind, r.activity, r.target, r.starts_at, r.ends_at, r.points, r.badge
    )


def open_challenges(conn: Connection, activity: str | None, at: datetime) -> list[Challenge]:
    q = sa.select(challenges).where(challenges.c.starts_at <= at, challenges.c.ends_at > at)
    if activity is not None:
        q = q.where(challenges.c.activity == activity)
    return [_challenge(r) for r in conn.execute(q)]


def all_challenges(conn: Connection) -> list[Challenge]:
    return [
        _challenge(r) for r in conn.execute(sa.select(challenges).order_by(challenges.c.starts_at))
    ]


def put_challenge(conn: Connection, c: Challenge) -> None:
    conn.execute(
        challenges.insert().values(
            id=c.id,
            name=c.name,
            kind=c.kind,
            activity=c.activity,
            target=c.target,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            points=c.points,
            badge=c.badge,
        )
    )


def has_badge(conn: Connection, member_id: str, challenge_id: str) -> bool:
    q = sa.select(badges.c.at).where(
        badges.c.member_id == member_id, badges.c.challenge_id == challenge_id
    )
    return conn.execute(q).first() is not None


def add_badge(conn: Connection, **values: Any) -> None:
    conn.execute(badges.insert().values(**values))


def member_badges(conn: Connection, member_ids: Sequence[str]) -> list[Any]:
    return list(conn.execute(sa.select(badges).where(badges.c.member_id.in_(list(member_ids)))))


def current_tiers(
    conn: Connection, member_ids: Sequence[str] | None = None
) -> dict[str, str | None]:
    """Each member's tier: the latest change (ids are time-ordered)."""
    latest_q = sa.select(
        tier_changes.c.member_id, sa.func.max(tier_changes.c.id).label("id")
    ).group_by(tier_changes.c.member_id)
    if member_ids is not None:
        latest_q = latest_q.where(tier_changes.c.member_id.in_(list(member_ids)))
    latest = latest_q.subquery()
    q = sa.select(tier_changes.c.member_id, tier_changes.c.tier).join(
        latest, latest.c.id == tier_changes.c.id
    )
    return {r.member_id: r.tier for r in conn.execute(q)}


def tiers_held(conn: Connection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    q = sa.select(tier_changes.c.member_id, tier_changes.c.tier).distinct()
    for r in conn.execute(q):
        if r.tier is not None:
            out.setdefault(r.member_id, set()).add(r.tier)
    return out


def tier_history(conn: Connection, member_id: str) -> list[Any]:
    q = sa.select(tier_changes).where(tier_changes.c.member_id == member_id)
    return list(conn.execute(q.order_by(tier_changes.c.id)))


def add_tier_change(conn: Connection, **values: Any) -> None:
    conn.execute(tier_changes.insert().values(**values))


def member_terms(conn: Connection, member_id: str) -> list[Term]:
    q = sa.select(terms).where(terms.c.member_id == member_id).order_by(terms.c.starts_at)
    return [
        Term(r.member_id, r.plan, r.starts_at, r.ends_at, Decimal(r.fee), r.currency)
        for r in conn.execute(q)
    ]


def term_by_key(conn: Connection, key: str) -> Any:
    return conn.execute(sa.select(terms).where(terms.c.idempotency_key == key)).first()


def add_term(conn: Connection, **values: Any) -> None:
    conn.execute(terms.insert().values(**values))


def active_terms(
    conn: Connection, at: datetime, member_ids: Sequence[str] | None = None
) -> dict[str, str]:
    q = sa.select(terms.c.member_id, terms.c.plan).where(
        terms.c.starts_at <= at, terms.c.ends_at > at
    )
    if member_ids is not None:
        q = q.where(terms.c.member_id.in_(list(member_ids)))
    return {r.member_id: r.plan for r in conn.execute(q)}


def draw(conn: Connection, draw_id: str) -> Any:
    return conn.execute(sa.select(draws).where(draws.c.id == draw_id)).first()


def all_draws(conn: Connection) -> list[Any]:
    return list(conn.execute(sa.select(draws).order_by(draws.c.created_at.desc())))


def add_draw(conn: Connection, **values: Any) -> None:
    conn.execute(draws.insert().values(**values))


def finish_draw(conn: Connection, draw_id: str, **values: Any) -> None:
    conn.execute(draws.update().where(draws.c.id == draw_id).values(**values))
