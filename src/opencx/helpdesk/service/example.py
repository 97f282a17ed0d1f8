"""An example desk configuration (``opencx helpdesk setup-example``): enough to run the demo
company's service end to end — an office calendar, SLA policies, queues, routing, canned text.
Agents are the users given with ``--agent``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.engine import Connection

from opencx.helpdesk.domain.routing import Agent, RouteCondition, RoutingRule, Strategy
from opencx.helpdesk.domain.sla import Condition, SlaPolicy
from opencx.helpdesk.store import config

H = timedelta(hours=1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def setup_example(conn: Connection, agents: Sequence[str], tz: str = "Europe/Amsterdam") -> None:
    holidays = [date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)]
    config.save_calendar(conn, "office", tz, dict.fromkeys(WEEKDAYS, "09:00-17:00"), holidays)
    office = config.load_calendars(conn)["office"]
    urgent = Condition(priorities=frozenset({"urgent", "high"}))
    chat = Condition(channels=frozenset({"chat"}))
    policies = [
        SlaPolicy(
            "urgent",
            office,
            first_response=H,
            next_response=2 * H,
            resolution=8 * H,
            condition=urgent,
        ),
        SlaPolicy(
            "chat",
            office,
            first_response=H / 30,
            next_response=H / 12,
            resolution=4 * H,
            condition=chat,
        ),
        SlaPolicy("standard", office, first_response=4 * H, next_response=8 * H, resolution=24 * H),
    ]
    for position, policy in enumerate(policies):
        config.save_policy(conn, policy, position)
    config.save_queue(conn, "general", "Support", Strategy.MOST_FREE, None)
    config.save_queue(conn, "billing", "Finance", Strategy.ROUND_ROBIN, None)
    config.save_queue(conn, "returns", "Logistics", Strategy.MOST_FREE, None)
    rules = [
        RoutingRule(
            "billing",
            "billing",
            RouteCondition(categories=frozenset({"billing", "refund", "invoice"})),
        ),
        RoutingRule(
            "returns", "returns", RouteCondition(categories=frozenset({"return", "delivery"}))
        ),
    ]
    for position, rule in enumerate(rules):
        config.save_rule(conn, rule, position)
    queues = frozenset({"general", "billing", "returns"})
    for email in agents:
        config.save_agent(conn, Agent(email, email.split("@")[0], queues, capacity=10))
    config.save_canned(
        conn,
        "thanks",
        "Thanks, solved",
        "Hello {{customer.name}},\n\nThank you for your patience: this is solved now.\n\n"
        "{{agent.name}}",
    )
