"""The demo company's loyalty program: every program type, written through the use cases.

Runs when the demo company is generated (``DemoGenerated``, wired in ``opencx.app``), in the
demo's transaction: a program with earning rules, category multipliers, event rules with caps,
three tiers and a paid plan; a reward catalog with stock; two causes; two partners; a streak
challenge and a draw. About one customer in five with orders enrolls (at most 500, a random
sample), at a point of their history; from then on their orders earn (the same code as live
orders), some redeem rewards, donate, transfer, pay for the plan, write reviews and earn partner
points; a few return goods.
Finally the expiry and tier jobs run as of now. Deterministic for a seed.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import Conflict
from opencx.loyalty.domain import Cause, Challenge, Partner, Reward, parse_program
from opencx.loyalty.domain import program_document as document_of
from opencx.loyalty.service import earning, ledger, status
from opencx.loyalty.store import catalog
from opencx.loyalty.store import ledger as store
from opencx.loyalty.store import orders as order_store

PROGRAM: dict[str, Any] = {
    "name": "Demo Rewards",
    "currency": "EUR",
    "expiry_months": 12,
    "pending_days": 30,
    "floor": -500,
    "point_value": "0.01",
    "earning": {
        "points_per_unit": 1,
        "categories": {"shoes": 2, "outdoor": "1.5"},
        "events": {
            "review": {"points": 50, "cap": 2, "period": "month"},
            "referral": {"points": 500, "cap": 5, "period": "year"},
            "survey": {"points": 20, "cap": 4, "period": "month"},
            "birthday": {"points": 200, "cap": 1, "period": "year"},
            "app_download": {"points": 100, "cap": 1, "period": "year"},
        },
    },
    "tiers": {
        "basis": "points",
        "window": "rolling_12m",
        "downgrade": "one_level",
        "levels": [
            {"key": "silver", "name": "Silver", "entry": 300, "retain": 250, "multiplier": "1.25"},
            {
                "key": "gold",
                "name": "Gold",
                "entry": 1000,
                "retain": 800,
                "re_entry": 900,
                "multiplier": "1.5",
                "benefits": ["free shipping"],
            },
            {
                "key": "platinum",
                "name": "Platinum",
                "entry": 2500,
                "retain": 2000,
                "multiplier": 2,
                "benefits": ["free shipping", "personal shopper"],
            },
        ],
    },
    "plans": [
        {
            "key": "plus",
            "name": "Plus",
            "fee": "49.00",
            "term_months": 12,
            "multiplier": "1.5",
            "welcome_points": 250,
            "benefits": ["free returns"],
        }
    ],
}

REWARDS = (
    Reward("voucher-5", "€5 voucher", 500),
    Reward("voucher-15", "€15 voucher", 1400),
    Reward("tote", "Canvas tote bag", 800, stock=150),
    Reward("masterclass", "Styling masterclass seat", 3000, stock=20),
)


def _pick(customer_id: str, seed: int) -> float:
    digest = hashlib.sha256(f"{seed}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _setup(conn: Connection, now: datetime) -> None:
    if store.program_document(conn) is None:
        store.save_program(conn, document_of(parse_program(PROGRAM)), now)
    for reward in REWARDS:
        catalog.put_reward(conn, reward, now)
    catalog.put_cause(conn, Cause("trees", "Plant a tree", Decimal("0.01"), "EUR"))
    catalog.put_cause(conn, Cause("foodbank", "Local food bank", Decimal("0.008"), "EUR"))
    catalog.put_partner(
        conn, Partner("airline", "SkyMiles Air", Decimal("0.012"), Decimal("0.008"), "EUR")
    )
    catalog.put_partner(
        conn, Partner("cafe", "Corner Café", Decimal("0.010"), Decimal("0.009"), "EUR")
    )


def run_demo_program(
    conn: Connection, now: datetime, *, seed: int = 7, share: float = 0.2, limit: int = 500
) -> dict[str, int]:
    """Enroll a share of customers and live their history through the loyalty use cases.

    At most ``limit`` customers enroll, a random sample (by a hash of the seed and the id):
    every write goes through the use cases one member at a time, so the sample, not the
    company's size, sets the cost (500 members show every program type; 1,500 took 34 s of
    CPU on a 20,000-customer demo).
    """
    if _has_members(conn):  # once: a second demo run leaves the program as it is
        return {"members": 0}
    _setup(conn, now)
    rng = random.Random(seed)
    history = order_store.purchases_by_customer(conn)
    drawn = sorted((_pick(c, seed), c) for c in history)
    chosen = sorted(c for u, c in drawn[:limit] if u < share)
    members = 0
    for customer_id in chosen:
        rows = history[customer_id]
        first = rows[0][1]
        # enrolment is a moment after the first purchase, blind to what comes later
        enrolled = first + timedelta(days=rng.uniform(0, 365))
        if enrolled >= now:
            continue
        try:
            member_id = ledger.enroll(conn, customer_id, enrolled, source="demo")
        except Conflict:  # erased in the demo
            continue
        members += 1
        _live(conn, rng, member_id, [oid for oid, at in rows if at >= enrolled], enrolled, now)
    _games(conn, rng, now)
    return {"members": members}


def _has_members(conn: Connection) -> bool:
    import sqlalchemy as sa

    return conn.execute(sa.select(store.members.c.id).limit(1)).first() is not None


def _live(
    conn: Connection,
    rng: random.Random,
    member: str,
    order_ids: list[str],
    enrolled: datetime,
    now: datetime,
) -> None:
    if rng.random() < 0.15:
        status.join_plan(conn, member, "plus", f"demo:plan:{member}", enrolled)
    earning.earn_orders(conn, order_ids, now)
    if rng.random() < 0.5:
        earning.record_event(conn, member, "app_download", f"demo:app:{member}", enrolled)
    if rng.random() < 0.3:
        at = enrolled + timedelta(days=rng.randint(1, 360))
        kind = rng.choice(["birthday", "referral", "survey"])
        if at < now:
            earning.record_event(conn, member, kind, f"demo:{kind}:{member}", at)
    for i in range(rng.choice([0, 0, 1, 2, 3])):
        at = enrolled + timedelta(days=rng.randint(1, 300))
        if at < now:
            earning.record_event(conn, member, "review", f"demo:rev:{member}:{i}", at)
    if rng.random() < 0.2:
        at = min(enrolled + timedelta(days=rng.randint(10, 200)), now)
        ledger.partner_points(
            conn,
            "airline",
            member,
            rng.choice([300, 500, 1000]),
            f"demo:air:{member}",
            at,
            award=True,
        )
    _spend(conn, rng, member, now)


def _spend(conn: Connection, rng: random.Random, member: str, now: datetime) -> None:
    at = now - timedelta(days=rng.randint(0, 60))
    state = store.open_state(conn, member)
    spendable = state.spendable(at)
    for reward in sorted(REWARDS, key=lambda r: -r.points):
        if spendable >= reward.points and rng.random() < 0.6:
            try:
                ledger.redeem(conn, member, reward.id, f"demo:redeem:{member}:{reward.id}", at)
                spendable -= reward.points
            except Conflict:
                pass
    if spendable >= 200 and rng.random() < 0.15:
        cause = rng.choice(["trees", "foodbank"])
        ledger.donate(conn, member, cause, 200, f"demo:donate:{member}", at)
    elif spendable >= 300 and rng.random() < 0.1:
        ledger.partner_points(conn, "cafe", member, 300, f"demo:cafe:{member}", at, award=False)


def _games(conn: Connection, rng: random.Random, now: datetime) -> None:
    start = now - timedelta(days=20)
    status.add_challenge(
        conn,
        Challenge(
            "demo-streak",
            "Visit 5 days in a row",
            "streak",
            "visit",
            5,
            start,
            start + timedelta(days=60),
            150,
            "Regular",
        ),
    )
    status.add_challenge(
        conn,
        Challenge(
            "demo-reviews",
            "Write 3 reviews",
            "count",
            "review",
            3,
            now - timedelta(days=365),
            now + timedelta(days=30),
            300,
            "Critic",
        ),
    )
    import sqlalchemy as sa

    ids = [r.id for r in conn.execute(sa.select(store.members.c.id).order_by(store.members.c.id))]
    for member in ids[: max(len(ids) // 10, 1)]:
        for d in range(rng.randint(2, 7)):
            earning.record_event(
                conn,
                member,
                "visit",
                f"demo:visit:{member}:{d}",
                start + timedelta(days=d, hours=10),
            )
    for member_id in store.expiring_members(conn, now):
        ledger.expire_member(conn, member_id, now)
    status.evaluate_tiers(conn, now)
    draw_id, seed = status.create_draw(conn, "Spring draw", "City bike", 3, 500, now)
    status.run_draw(conn, draw_id, seed, now)
