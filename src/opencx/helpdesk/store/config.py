"""Helpdesk configuration: calendars, SLA policies, queues, routing rules, agents, canned text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.helpdesk.domain.calendar import BusinessCalendar
from opencx.helpdesk.domain.routing import Agent, RouteCondition, RoutingRule, Strategy
from opencx.helpdesk.domain.sla import Condition, SlaPolicy
from opencx.helpdesk.store.tables import (
    agents,
    calendars,
    canned,
    queues,
    routing_rules,
    sla_policies,
)


def _upsert(conn: Connection, table: sa.Table, key: str, row: dict[str, Any]) -> None:
    column = table.c[key]
    if conn.execute(sa.select(column).where(column == row[key])).first():
        conn.execute(table.update().where(column == row[key]).values(**row))
    else:
        conn.execute(table.insert(), row)


def save_calendar(
    conn: Connection, name: str, tz: str, hours: dict[str, str], holidays: list[date]
) -> None:
    BusinessCalendar.from_spec(name, tz, hours, holidays)  # validates
    row = {"name": name, "tz": tz, "hours": hours, "holidays": [d.isoformat() for d in holidays]}
    _upsert(conn, calendars, "name", row)


def load_calendars(conn: Connection) -> dict[str, BusinessCalendar]:
    found = {"24x7": BusinessCalendar.always()}
    for r in conn.execute(sa.select(calendars)):
        holidays = [date.fromisoformat(d) for d in r.holidays]
        found[r.name] = BusinessCalendar.from_spec(r.name, r.tz, r.hours, holidays)
    return found


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def _delta(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


def save_policy(conn: Connection, policy: SlaPolicy, position: int) -> None:
    c = policy.condition
    row = {
        "name": policy.name,
        "position": position,
        "calendar": policy.calendar.name,
        "first_response_s": _seconds(policy.first_response),
        "next_response_s": _seconds(policy.next_response),
        "resolution_s": _seconds(policy.resolution),
        "warn_ratio": policy.warn_ratio,
        "pause_on": sorted(policy.pause_on),
        "condition": {
            "priorities": sorted(c.priorities),
            "channels": sorted(c.channels),
            "categories": sorted(c.categories),
            "queues": sorted(c.queues),
            "min_customer_value": c.min_customer_value,
        },
    }
    _upsert(conn, sla_policies, "name", row)


def load_policies(conn: Connection, cals: dict[str, BusinessCalendar]) -> list[SlaPolicy]:
    rows = conn.execute(
        sa.select(sla_policies).order_by(sla_policies.c.position, sla_policies.c.name)
    )
    found = []
    for r in rows:
        c = r.condition
        condition = Condition(
            frozenset(c.get("priorities", ())),
            frozenset(c.get("channels", ())),
            frozenset(c.get("categories", ())),
            frozenset(c.get("queues", ())),
            c.get("min_customer_value"),
        )
        found.append(
            SlaPolicy(
                r.name,
                cals.get(r.calendar) or BusinessCalendar.always(),
                _delta(r.first_response_s),
                _delta(r.next_response_s),
                _delta(r.resolution_s),
                condition,
                r.warn_ratio,
                frozenset(r.pause_on),
            )
        )
    return found


def policy_positions(conn: Connection) -> dict[str, int]:
    p = sla_policies.c
    return {name: position for name, position in conn.execute(sa.select(p.name, p.position))}


def delete_policy(conn: Connection, name: str) -> bool:
    query = sla_policies.delete().where(sla_policies.c.name == name)
    return conn.execute(query).rowcount == 1


def save_queue(
    conn: Connection, name: str, team: str, strategy: Strategy, email: str | None
) -> None:
    row = {"name": name, "team": team, "strategy": strategy.value, "email": email}
    _upsert(conn, queues, "name", row)


def load_queues(conn: Connection) -> list[Any]:
    return list(conn.execute(sa.select(queues).order_by(queues.c.name)))


def set_last_assigned(conn: Connection, queue: str, agent: str) -> None:
    conn.execute(queues.update().where(queues.c.name == queue).values(last_assigned=agent))


def save_rule(conn: Connection, rule: RoutingRule, position: int) -> None:
    c = rule.condition
    row = {
        "name": rule.name,
        "position": position,
        "queue": rule.queue,
        "skills": sorted(rule.skills),
        "condition": {
            "channels": sorted(c.channels),
            "categories": sorted(c.categories),
            "languages": sorted(c.languages),
            "min_customer_value": c.min_customer_value,
        },
    }
    _upsert(conn, routing_rules, "name", row)


def load_rules(conn: Connection) -> list[RoutingRule]:
    rows = conn.execute(
        sa.select(routing_rules).order_by(routing_rules.c.position, routing_rules.c.name)
    )
    return [
        RoutingRule(
            r.name,
            r.queue,
            RouteCondition(
                frozenset(r.condition.get("channels", ())),
                frozenset(r.condition.get("categories", ())),
                frozenset(r.condition.get("languages", ())),
                r.condition.get("min_customer_value"),
            ),
            frozenset(r.skills),
        )
        for r in rows
    ]


def rule_positions(conn: Connection) -> dict[str, int]:
    r = routing_rules.c
    return {name: position for name, position in conn.execute(sa.select(r.name, r.position))}


def delete_rule(conn: Connection, name: str) -> bool:
    query = routing_rules.delete().where(routing_rules.c.name == name)
    return conn.execute(query).rowcount == 1


def save_agent(conn: Connection, agent: Agent) -> None:
    row = {
        "email": agent.email,
        "name": agent.name,
        "queues": sorted(agent.queues),
        "skills": sorted(agent.skills),
        "capacity": agent.capacity,
        "calendar": agent.calendar.name if agent.calendar else None,
        "active": agent.active,
    }
    _upsert(conn, agents, "email", row)


def load_agents(conn: Connection, cals: dict[str, BusinessCalendar]) -> list[Agent]:
    return [
        Agent(
            r.email,
            r.name,
            frozenset(r.queues),
            frozenset(r.skills),
            r.capacity,
            cals.get(r.calendar) if r.calendar else None,
            r.active,
        )
        for r in conn.execute(sa.select(agents).order_by(agents.c.email))
    ]


def save_canned(conn: Connection, key: str, title: str, body: str) -> None:
    _upsert(conn, canned, "key", {"key": key, "title": title, "body": body})


def canned_response(conn: Connection, key: str) -> Any:
    return conn.execute(sa.select(canned).where(canned.c.key == key)).first()


def load_canned(conn: Connection) -> list[Any]:
    return list(conn.execute(sa.select(canned).order_by(canned.c.key)))


def delete_canned(conn: Connection, key: str) -> bool:
    return conn.execute(canned.delete().where(canned.c.key == key)).rowcount == 1


@dataclass(frozen=True, slots=True)
class DeskConfig:
    """Everything routing, assignment and SLA clocks read, loaded in one go."""

    calendars: dict[str, BusinessCalendar]
    policies: list[SlaPolicy]
    rules: list[RoutingRule]
    agents: list[Agent]
    queues: dict[str, Any]

    def policy(self, name: str | None) -> SlaPolicy | None:
        return next((p for p in self.policies if p.name == name), None)


def load_config(conn: Connection) -> DeskConfig:
    cals = load_calendars(conn)
    return DeskConfig(
        cals,
        load_policies(conn, cals),
        load_rules(conn),
        load_agents(conn, cals),
        {q.name: q for q in load_queues(conn)},
    )


def last_assigned(conn: Connection, queue: str) -> str | None:
    return conn.execute(sa.select(queues.c.last_assigned).where(queues.c.name == queue)).scalar()
