"""Rewards, causes and partners, with the donation and partner settlement ledgers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import metadata
from opencx.db.types import ID, MONEY, UtcDateTime
from opencx.loyalty.domain import Cause, Donation, Partner, Reward, SettlementLine
from opencx.loyalty.store.ledger import entries

rewards = sa.Table(
    "loyalty_rewards",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.String(1000), nullable=False, default=""),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("stock", sa.BigInteger),  # BIGINT: migration 0035
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("name", name="uq_loyalty_rewards_name"),
)

causes = sa.Table(
    "loyalty_causes",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("money_per_point", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.UniqueConstraint("name", name="uq_loyalty_causes_name"),
)

donations = sa.Table(
    "loyalty_donations",
    metadata,
    sa.Column("entry_id", ID, sa.ForeignKey("loyalty_entries.id"), primary_key=True),
    sa.Column("cause_id", ID, sa.ForeignKey("loyalty_causes.id"), nullable=False, index=True),
    sa.Column("member_id", ID, nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
)

partners = sa.Table(
    "loyalty_partners",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("cost_per_point", MONEY, nullable=False),
    sa.Column("value_per_point", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.UniqueConstraint("name", name="uq_loyalty_partners_name"),
)

settlements = sa.Table(
    "loyalty_settlements",
    metadata,
    sa.Column("entry_id", ID, sa.ForeignKey("loyalty_entries.id"), primary_key=True),
    sa.Column("partner_id", ID, sa.ForeignKey("loyalty_partners.id"), nullable=False, index=True),
    sa.Column("direction", sa.String(12), nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
)


def _upsert(
    conn: Connection,
    table: sa.Table,
    row_id: str,
    values: dict[str, Any],
    *,
    on_insert: dict[str, Any] | None = None,
) -> None:
    """Set ``values`` on the row ``row_id`` of ``table``, inserting it (with ``on_insert``
    besides, e.g. a creation time) if there is none."""
    done = conn.execute(table.update().where(table.c.id == row_id).values(**values))
    if done.rowcount == 0:
        conn.execute(table.insert().values(id=row_id, **values, **(on_insert or {})))


def _reward(r: Any) -> Reward:
    return Reward(r.id, r.name, int(r.points), r.stock, bool(r.active), r.description or "")


def reward(conn: Connection, reward_id: str, *, lock: bool = False) -> Reward | None:
    q = sa.select(rewards).where(rewards.c.id == reward_id)
    if lock and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).first()
    return None if row is None else _reward(row)


def all_rewards(conn: Connection) -> list[tuple[Reward, int]]:
    """Every reward with the units redeemed so far."""
    redeemed = redemptions(conn)
    rows = conn.execute(sa.select(rewards).order_by(rewards.c.points, rewards.c.name))
    return [(_reward(r), redeemed.get(r.id, 0)) for r in rows]


def redemptions(conn: Connection, reward_id: str | None = None) -> dict[str, int]:
    ref = sa.func.substr(entries.c.ref, 8)
    q = (
        sa.select(ref.label("rid"), sa.func.count().label("n"))
        .where(entries.c.kind == "redeem", entries.c.ref.like("reward:%"))
        .group_by(ref)
    )
    if reward_id is not None:
        q = q.where(entries.c.ref == f"reward:{reward_id}")
    return {r.rid: int(r.n) for r in conn.execute(q)}


def put_reward(conn: Connection, reward: Reward, at: Any) -> None:
    values = {
        "name": reward.name,
        "description": reward.description,
        "points": reward.points,
        "stock": reward.stock,
        "active": reward.active,
    }
    _upsert(conn, rewards, reward.id, values, on_insert={"created_at": at})


def cause(conn: Connection, cause_id: str) -> Cause | None:
    r = conn.execute(sa.select(causes).where(causes.c.id == cause_id)).first()
    if r is None:
        return None
    return Cause(r.id, r.name, Decimal(r.money_per_point), r.currency, bool(r.active))


def all_causes(conn: Connection) -> list[Cause]:
    rows = conn.execute(sa.select(causes).order_by(causes.c.name))
    return [
        Cause(r.id, r.name, Decimal(r.money_per_point), r.currency, bool(r.active)) for r in rows
    ]


def put_cause(conn: Connection, c: Cause) -> None:
    values = {
        "name": c.name,
        "money_per_point": c.money_per_point,
        "currency": c.currency,
        "active": c.active,
    }
    _upsert(conn, causes, c.id, values)


def add_donation(conn: Connection, d: Donation) -> None:
    conn.execute(
        donations.insert().values(
            entry_id=d.entry_id,
            cause_id=d.cause_id,
            member_id=d.member_id,
            points=d.points,
            amount=d.amount,
            currency=d.currency,
            at=d.at,
        )
    )


def donations_of(conn: Connection, cause_ids: Sequence[str]) -> list[Donation]:
    rows = conn.execute(sa.select(donations).where(donations.c.cause_id.in_(list(cause_ids))))
    return [
        Donation(
            r.entry_id, r.cause_id, r.member_id, int(r.points), Decimal(r.amount), r.currency, r.at
        )
        for r in rows
    ]


def _partner(r: Any) -> Partner:
    return Partner(
        r.id,
        r.name,
        Decimal(r.cost_per_point),
        Decimal(r.value_per_point),
        r.currency,
        bool(r.active),
    )


def partner(conn: Connection, partner_id: str) -> Partner | None:
    r = conn.execute(sa.select(partners).where(partners.c.id == partner_id)).first()
    return None if r is None else _partner(r)


def all_partners(conn: Connection) -> list[Partner]:
    return [_partner(r) for r in conn.execute(sa.select(partners).order_by(partners.c.name))]


def put_partner(conn: Connection, p: Partner) -> None:
    values = {
        "name": p.name,
        "cost_per_point": p.cost_per_point,
        "value_per_point": p.value_per_point,
        "currency": p.currency,
        "active": p.active,
    }
    _upsert(conn, partners, p.id, values)


def add_settlement(conn: Connection, s: SettlementLine) -> None:
    conn.execute(
        settlements.insert().values(
            entry_id=s.entry_id,
            partner_id=s.partner_id,
            direction=s.direction,
            points=s.points,
            amount=s.amount,
            currency=s.currency,
            at=s.at,
        )
    )


def settlement_lines(conn: Connection, partner_ids: Sequence[str]) -> list[SettlementLine]:
    rows = conn.execute(
        sa.select(settlements).where(settlements.c.partner_id.in_(list(partner_ids)))
    )
    return [
        SettlementLine(
            r.partner_id,
            r.entry_id,
            r.direction,
            int(r.points),
            Decimal(r.amount),
            r.currency,
            r.at,
        )
        for r in rows
    ]
