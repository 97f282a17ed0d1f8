"""Set-up for helpdesk tests: the real composition root on SQLite and PostgreSQL, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.db.schema import outbox
from opencx.helpdesk.domain import SlaPolicy
from opencx.helpdesk.domain.routing import Agent, RouteCondition, RoutingRule, Strategy
from opencx.helpdesk.store import config
from opencx.settings import Settings

MON = datetime(2026, 1, 19, 9, 0, tzinfo=UTC)  # Monday 09:00 UTC (10:00 in Amsterdam)
H = timedelta(hours=1)


@pytest.fixture
def hclock() -> FixedClock:
    return FixedClock(MON)


@pytest.fixture
def services(engine: Engine, hclock: FixedClock) -> Services:
    url = engine.url.render_as_string(hide_password=False)
    return build(Settings(database_url=url), clock=hclock, engine=engine)


def configure_demo_desk(services: Services) -> None:
    """Two queues (billing round robin, support most-free), an office calendar, two policies."""

    def apply(conn: Any) -> None:
        config.save_calendar(
            conn,
            "office",
            "Europe/Amsterdam",
            dict.fromkeys(["mon", "tue", "wed", "thu", "fri"], "09:00-17:00"),
            [],
        )
        office = config.load_calendars(conn)["office"]
        config.save_policy(
            conn,
            SlaPolicy(
                "standard", office, first_response=4 * H, next_response=8 * H, resolution=16 * H
            ),
            position=10,
        )
        config.save_queue(conn, "billing", "Finance", Strategy.ROUND_ROBIN, "billing-leads@shop.nl")
        config.save_queue(conn, "support", "Support", Strategy.MOST_FREE, "support-leads@shop.nl")
        config.save_rule(
            conn,
            RoutingRule("invoices", "billing", RouteCondition(categories=frozenset({"billing"}))),
            position=1,
        )
        config.save_rule(
            conn,
            RoutingRule(
                "dutch", "support", RouteCondition(languages=frozenset({"nl"})), frozenset({"nl"})
            ),
            position=2,
        )
        for email, queues, skills, capacity in [
            ("ann@shop.nl", {"billing"}, set(), 5),
            ("bob@shop.nl", {"billing", "support"}, {"nl"}, 2),
            ("cy@shop.nl", {"support"}, {"nl", "de"}, 4),
        ]:
            config.save_agent(
                conn, Agent(email, email[:3], frozenset(queues), frozenset(skills), capacity)
            )
        config.save_canned(
            conn,
            "thanks",
            "Thanks",
            "Hello {{customer.name}}, case {{case.id}} is with {{agent.name}}.",
        )

    services.helpdesk.configure(apply)


def outbox_rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(outbox).order_by(outbox.c.created_at, outbox.c.id)))
