"""The demo company runs a loyalty program of every type, written through the use cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from opencx.demo import DemoSettings


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_demo_company_runs_every_program_type(services, clock):
    clock.at = DemoSettings().end + timedelta(days=1)  # the day after the demo's history
    with services.engine.begin() as conn:  # the demo brings its own program
        conn.execute(sa.text("DELETE FROM loyalty_programs"))
    services.demo.generate(DemoSettings(customers=400, seed=3))
    o = services.loyalty.overview()
    assert o.program == "Demo Rewards" and o.members > 20
    with services.engine.connect() as conn:
        kinds = {r[0] for r in conn.execute(sa.text("SELECT DISTINCT kind FROM loyalty_entries"))}
        members = [r[0] for r in conn.execute(sa.text("SELECT id FROM loyalty_members"))]
        badges = conn.execute(sa.text("SELECT count(*) FROM loyalty_badges")).scalar_one()
        drawn = conn.execute(sa.text("SELECT result FROM loyalty_draws")).scalar_one()
    # points (orders, events), partners, value-based, game-based; returns and expiry
    assert {"earn", "bonus", "partner_earn", "redeem", "expire"} <= kinds
    assert sum(o.tiers.values()) == o.members and o.plans  # tiers and paid membership
    assert services.loyalty.cause_statements() and services.loyalty.partner_statements()
    assert badges > 0 and drawn is not None
    assert all(services.loyalty.audit(m)[2] for m in members)
    with services.engine.begin() as conn:  # the handler runs once per store
        services.loyalty.on_demo_generated(type("E", (), {"command": "opencx demo"})(), conn)
    assert services.loyalty.overview().members == o.members
