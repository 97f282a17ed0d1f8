"""SLA policies and canned responses from the admin pages.

Each writer checks its input against what the SLA clock and the reply path accept (a calendar
that exists, priorities, channels and queues that exist, the pause statuses, placeholders a
reply fills in) and refuses with :class:`InvalidInput` naming the field; each publishes a
:class:`~opencx.core.audit.PrivilegedActDone` (``helpdesk.policy_saved`` …) in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy.engine import Connection

from opencx.core import InvalidInput
from opencx.helpdesk.domain.cases import (
    CHANNELS,
    PENDING,
    PRIORITIES,
    REPLY_PLACEHOLDERS,
    placeholders,
)
from opencx.helpdesk.domain.sla import Condition, SlaPolicy
from opencx.helpdesk.service.deps import Deps
from opencx.helpdesk.service.desk import audit_act, checked_name, desk, listed
from opencx.helpdesk.store import config

PAUSE_STATUSES = tuple(sorted(s.value for s in PENDING))
MAX_TARGET_MINUTES = 365 * 24 * 60  # a year of business time
MAX_CANNED_BODY = 10_000


def _chosen(values: Iterable[str], known: Iterable[str], what: str, where: str) -> frozenset[str]:
    chosen = listed(values)
    unknown = [v for v in chosen if v not in set(known)]
    if unknown:
        raise InvalidInput(f"{where}: unknown {what} {unknown}")
    return frozenset(chosen)


def _target(minutes: int | None, what: str, where: str) -> timedelta | None:
    if minutes is None:
        return None
    if not 1 <= minutes <= MAX_TARGET_MINUTES:
        raise InvalidInput(f"{where}: the {what} target is 1-{MAX_TARGET_MINUTES} minutes")
    return timedelta(minutes=minutes)


def save_policy(
    conn: Connection,
    deps: Deps,
    *,
    name: str,
    position: int,
    calendar: str,
    first_response: int | None = None,
    next_response: int | None = None,
    resolution: int | None = None,
    warn_percent: int = 75,
    pause_on: Iterable[str] = ("pending_customer",),
    priorities: Iterable[str] = (),
    channels: Iterable[str] = (),
    categories: str = "",
    queues: Iterable[str] = (),
    min_customer_value: float | None = None,
) -> str:
    """Add or change a policy; targets in minutes of business time of ``calendar``."""
    name = checked_name(name, "SLA policy")
    where = f"SLA policy {name!r}"
    known = desk(conn)
    hours = known.calendars.get(calendar)
    if hours is None:
        raise InvalidInput(f"{where}: calendar {calendar!r} is not a calendar")
    targets = (
        _target(first_response, "first response", where),
        _target(next_response, "next response", where),
        _target(resolution, "resolution", where),
    )
    if all(t is None for t in targets):
        raise InvalidInput(f"{where}: set at least one target (first response, next, resolution)")
    if not 1 <= warn_percent <= 100:
        raise InvalidInput(f"{where}: the warning comes at 1-100 % of a target")
    if not 0 <= position <= 10_000:
        raise InvalidInput(f"{where}: the position is 0-10000")
    if min_customer_value is not None and min_customer_value < 0:
        raise InvalidInput(f"{where}: the minimum customer value is not negative")
    cats = frozenset(listed(categories))
    if any(len(c) > 100 for c in cats):
        raise InvalidInput(f"{where}: a category is at most 100 characters")
    condition = Condition(
        _chosen(priorities, PRIORITIES, "priority(ies)", where),
        _chosen(channels, CHANNELS, "channel(s)", where),
        cats,
        _chosen(queues, known.queue_names, "queue(s)", where),
        min_customer_value,
    )
    policy = SlaPolicy(
        name,
        hours,
        *targets,
        condition=condition,
        warn_ratio=warn_percent / 100,
        pause_on=_chosen(pause_on, PAUSE_STATUSES, "pause status(es)", where),
    )
    config.save_policy(conn, policy, position)
    audit_act(conn, deps, "policy_saved", name, calendar=calendar, position=position)
    return name


def delete_policy(conn: Connection, deps: Deps, name: str) -> None:
    """Remove a policy: new cases no longer get it; cases under it keep their stored times."""
    if not config.delete_policy(conn, name):
        raise InvalidInput(f"SLA policy {name!r} does not exist")
    audit_act(conn, deps, "policy_deleted", name)


def save_canned(conn: Connection, deps: Deps, *, key: str, title: str, body: str) -> str:
    """Add or change a canned response; it may use only the placeholders a reply fills in."""
    key = checked_name(key, "canned response")
    title = title.strip()
    if not 0 < len(title) <= 300:
        raise InvalidInput(f"canned response {key!r}: the title is 1-300 characters")
    if not body.strip() or len(body) > MAX_CANNED_BODY:
        raise InvalidInput(f"canned response {key!r}: the text is 1-{MAX_CANNED_BODY} characters")
    unknown = placeholders(body) - set(REPLY_PLACEHOLDERS)
    if unknown:
        raise InvalidInput(
            f"canned response {key!r}: unknown placeholder(s) {sorted(unknown)}; use "
            + ", ".join("{{" + p + "}}" for p in REPLY_PLACEHOLDERS)
        )
    config.save_canned(conn, key, title, body.replace("\r\n", "\n"))
    audit_act(conn, deps, "canned_saved", key)
    return key


def delete_canned(conn: Connection, deps: Deps, key: str) -> None:
    if not config.delete_canned(conn, key):
        raise InvalidInput(f"canned response {key!r} does not exist")
    audit_act(conn, deps, "canned_deleted", key)
