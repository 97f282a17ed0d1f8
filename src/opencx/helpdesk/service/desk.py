"""Desk configuration from the admin pages: queues, routing rules, agents, working hours
(SLA policies and canned responses: :mod:`~opencx.helpdesk.service.policies`).

Each writer checks its input against what routing and assignment accept (a strategy that
exists, a queue that is configured, channels the cases know, a calendar that exists) and
refuses with :class:`InvalidInput` naming the field; each publishes a
:class:`~opencx.core.audit.PrivilegedActDone` (``helpdesk.queue_saved`` …) in its transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import InvalidInput
from opencx.core.audit import PrivilegedActDone
from opencx.helpdesk.domain.calendar import DAYS, BusinessCalendar
from opencx.helpdesk.domain.cases import CHANNELS
from opencx.helpdesk.domain.catalog import EMAIL
from opencx.helpdesk.domain.routing import Agent, RouteCondition, RoutingRule, Strategy
from opencx.helpdesk.domain.sla import SlaPolicy
from opencx.helpdesk.service.deps import DEFAULT_QUEUE, Deps
from opencx.helpdesk.store import cases as case_store
from opencx.helpdesk.store import config

NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")  # queues, rules, calendars
SKILL = re.compile(r"^[a-z0-9][a-z0-9_.+-]{0,49}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")  # a primary subtag: nl-BE routes as nl
MAX_CAPACITY = 1000
ALWAYS = "24x7"  # the built-in calendar: every minute counts


@dataclass(frozen=True, slots=True)
class Desk:
    """The configuration the admin pages show, with each agent's open cases."""

    queues: list[Any]
    rules: list[tuple[int, RoutingRule]]
    agents: list[Agent]
    calendars: dict[str, BusinessCalendar]
    load: dict[str, int]
    policies: list[tuple[int, SlaPolicy]]
    canned: list[Any]

    @property
    def queue_names(self) -> list[str]:
        """The queues a rule or an agent may name (the default one always exists)."""
        return sorted({q.name for q in self.queues} | {DEFAULT_QUEUE})

    @property
    def skills(self) -> list[str]:
        """Every skill a rule asks for or an agent holds."""
        return sorted(
            {s for _, r in self.rules for s in r.skills}
            | {s for a in self.agents for s in a.skills}
        )


def desk(conn: Connection) -> Desk:
    calendars = config.load_calendars(conn)
    positions = config.rule_positions(conn)
    ranks = config.policy_positions(conn)
    return Desk(
        config.load_queues(conn),
        [(positions[rule.name], rule) for rule in config.load_rules(conn)],
        config.load_agents(conn, calendars),
        calendars,
        case_store.load_by_assignee(conn),
        [(ranks[p.name], p) for p in config.load_policies(conn, calendars)],
        config.load_canned(conn),
    )


def checked_name(value: str, what: str) -> str:
    name = value.strip()
    if not NAME.match(name):
        raise InvalidInput(
            f"{what} name {name[:60]!r}: 1-100 lower-case letters, digits, '_', '.' or '-',"
            " starting with a letter or digit"
        )
    return name


def listed(text: Iterable[str] | str) -> list[str]:
    items = text.replace("\n", ",").split(",") if isinstance(text, str) else text
    return sorted({i.strip() for i in items if i.strip()})


def audit_act(conn: Connection, deps: Deps, action: str, target: str | None, **detail: Any) -> None:
    deps.publish(PrivilegedActDone(f"helpdesk.{action}", target=target, detail=detail), conn)


def save_queue(
    conn: Connection, deps: Deps, *, name: str, team: str, strategy: str, email: str | None
) -> str:
    name, team = checked_name(name, "queue"), team.strip()
    if not 0 < len(team) <= 100:
        raise InvalidInput(f"queue {name!r}: the team is 1-100 characters")
    if strategy not in {s.value for s in Strategy}:
        raise InvalidInput(
            f"queue {name!r}: strategy {strategy!r} is not one of "
            + ", ".join(s.value for s in Strategy)
        )
    mailbox = (email or "").strip() or None
    if mailbox is not None and (len(mailbox) > 320 or not EMAIL.match(mailbox)):
        raise InvalidInput(f"queue {name!r}: {mailbox[:80]!r} is not an email address")
    config.save_queue(conn, name, team, Strategy(strategy), mailbox)
    audit_act(conn, deps, "queue_saved", name, strategy=strategy)
    return name


def save_rule(
    conn: Connection,
    deps: Deps,
    *,
    name: str,
    position: int,
    queue: str,
    channels: Iterable[str] = (),
    categories: str = "",
    languages: str = "",
    min_customer_value: float | None = None,
    skills: str = "",
) -> str:
    name = checked_name(name, "routing rule")
    known = desk(conn)
    if queue not in known.queue_names:
        raise InvalidInput(f"routing rule {name!r}: queue {queue!r} is not a configured queue")
    chosen = listed(channels)
    unknown = [c for c in chosen if c not in CHANNELS]
    if unknown:
        raise InvalidInput(f"routing rule {name!r}: unknown channel(s) {unknown}")
    langs = [lang.lower() for lang in listed(languages)]
    bad = [lang for lang in langs if not LANGUAGE.match(lang)]
    if bad:
        raise InvalidInput(
            f"routing rule {name!r}: language(s) {bad} are not primary language codes (nl, de)"
        )
    cats = listed(categories)
    if any(len(c) > 100 for c in cats):
        raise InvalidInput(f"routing rule {name!r}: a category is at most 100 characters")
    if min_customer_value is not None and min_customer_value < 0:
        raise InvalidInput(f"routing rule {name!r}: the minimum customer value is not negative")
    if not 0 <= position <= 10_000:
        raise InvalidInput(f"routing rule {name!r}: the position is 0-10000")
    rule = RoutingRule(
        name,
        queue,
        RouteCondition(frozenset(chosen), frozenset(cats), frozenset(langs), min_customer_value),
        frozenset(_skills(skills, f"routing rule {name!r}")),
    )
    config.save_rule(conn, rule, position)
    audit_act(conn, deps, "rule_saved", name, queue=queue, position=position)
    return name


def delete_rule(conn: Connection, deps: Deps, name: str) -> None:
    if not config.delete_rule(conn, name):
        raise InvalidInput(f"routing rule {name!r} does not exist")
    audit_act(conn, deps, "rule_deleted", name)


def _skills(text: str, where: str) -> list[str]:
    found = [s.lower() for s in listed(text)]
    bad = [s for s in found if not SKILL.match(s)]
    if bad:
        raise InvalidInput(
            f"{where}: skill(s) {bad}: 1-50 lower-case letters, digits, '_', '.', '+' or '-'"
        )
    return found


def save_agent(
    conn: Connection,
    deps: Deps,
    *,
    email: str,
    name: str,
    queues: Iterable[str],
    skills: str,
    capacity: int,
    calendar: str | None,
    active: bool,
    user_id: str | None = None,
) -> str:
    address = email.strip().lower()
    if len(address) > 320 or not EMAIL.match(address):
        raise InvalidInput(f"agent: {address[:80]!r} is not an email address")
    known = desk(conn)
    chosen = listed(queues)
    unknown = [q for q in chosen if q not in known.queue_names]
    if unknown:
        raise InvalidInput(f"agent {address}: queue(s) {unknown} are not configured")
    if not 0 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(f"agent {address}: capacity is 0-{MAX_CAPACITY} open cases")
    hours = None if calendar in (None, "", ALWAYS) else known.calendars.get(calendar)
    if calendar not in (None, "", ALWAYS) and hours is None:
        raise InvalidInput(f"agent {address}: working hours {calendar!r} is not a calendar")
    display = name.strip() or address.split("@")[0]
    if len(display) > 300:
        raise InvalidInput(f"agent {address}: the name is at most 300 characters")
    agent = Agent(
        address,
        display,
        frozenset(chosen),
        frozenset(_skills(skills, f"agent {address}")),
        capacity,
        hours,
        active,
    )
    config.save_agent(conn, agent)
    audit_act(conn, deps, "agent_saved", user_id, capacity=capacity, active=active)
    return address


def save_calendar(
    conn: Connection,
    deps: Deps,
    *,
    name: str,
    tz: str,
    hours: dict[str, str],
    holidays: str,
) -> str:
    name = checked_name(name, "calendar")
    if name == ALWAYS:
        raise InvalidInput(f"calendar {ALWAYS!r} is built in (always open) and cannot change")
    days: list[date] = []
    for text in listed(holidays):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            raise InvalidInput(
                f"calendar {name!r}: holiday {text[:40]!r} is not a date (YYYY-MM-DD)"
            ) from None
    spec = {d: hours[d].strip() for d in DAYS if hours.get(d, "").strip()}
    config.save_calendar(conn, name, tz, spec, days)  # validates zone and windows
    audit_act(conn, deps, "calendar_saved", name, tz=tz, holidays=len(days))
    return name
