"""Rewards, causes and partners are put by id: a second put changes the row, never adds one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from opencx.loyalty.domain import Cause, Partner, Reward
from opencx.loyalty.store import catalog


def test_putting_again_updates_in_place_and_keeps_the_creation_time(services, clock):
    loyalty = services.loyalty
    loyalty.put_reward(Reward("mug", "Mug", 100, stock=5))
    loyalty.put_cause(Cause("trees", "Trees", Decimal("0.01"), "EUR"))
    loyalty.put_partner(Partner("air", "Air", Decimal("0.02"), Decimal("0.01"), "EUR"))
    with services.engine.connect() as conn:
        created = conn.execute(sa.select(catalog.rewards.c.created_at)).scalar_one()
    clock.advance(timedelta(days=1))

    loyalty.put_reward(Reward("mug", "Big mug", 150, stock=None, active=False))
    loyalty.put_cause(Cause("trees", "Forests", Decimal("0.02"), "EUR", active=False))
    loyalty.put_partner(Partner("air", "Airline", Decimal("0.03"), Decimal("0.01"), "EUR"))

    assert loyalty.rewards() == [(Reward("mug", "Big mug", 150, None, False), 0)]
    assert loyalty.causes() == [Cause("trees", "Forests", Decimal("0.02"), "EUR", False)]
    with services.engine.connect() as conn:
        assert catalog.all_partners(conn) == [
            Partner("air", "Airline", Decimal("0.03"), Decimal("0.01"), "EUR")
        ]
        assert conn.execute(sa.select(catalog.rewards.c.created_at)).scalar_one() == created
