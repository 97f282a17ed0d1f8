"""What every helpdesk use case needs: its collaborators, the open-case command, case lookup."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import Clock, EventBus, NotFound
from opencx.core.contacts import ContactsOf, no_contacts
from opencx.helpdesk.domain.cases import (
    Attachment,
    Case,
)
from opencx.helpdesk.store import cases as store
from opencx.helpdesk.store import config

Identify = Callable[[Connection, str | None, str | None, str | None], str | None]


ValueOf = Callable[[str], float | None]


DEFAULT_QUEUE = "general"


@dataclass(frozen=True, slots=True)
class OpenCase:
    """A request to open a case, from any channel."""

    channel: str
    subject: str
    body: str
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    customer_id: str | None = None
    priority: str = "normal"
    category: str | None = None
    queue: str | None = None
    language: str | None = None
    actor: str | None = None  # the agent who logged it (phone), else the customer
    attachments: tuple[Attachment, ...] = ()
    source: str = "opencx"
    external_id: str | None = None


CONFIG_TTL = 5.0  # seconds a service reuses the desk configuration it read


class DeskConfigCache:
    """The desk configuration, read at most every :data:`CONFIG_TTL` seconds.

    One per service instance, so two services (two tests, two apps in one process) never share
    a reading; the service forgets it after every configuration change it makes itself, and
    another process's change shows within the TTL."""

    def __init__(self) -> None:
        self._read: tuple[float, config.DeskConfig] | None = None

    def get(self, conn: Connection) -> config.DeskConfig:
        now = time.monotonic()
        if self._read is not None and now - self._read[0] < CONFIG_TTL:
            return self._read[1]
        found = config.load_config(conn)
        self._read = (now, found)
        return found

    def forget(self) -> None:
        self._read = None


@dataclass
class Deps:
    clock: Clock
    bus: EventBus | None = None
    identify: Identify | None = None
    value_of: ValueOf | None = None
    sender: str = "support@opencx.local"
    contacts: ContactsOf = no_contacts  # the customers slice's read of names and emails
    desk_cache: DeskConfigCache = field(default_factory=DeskConfigCache)

    def desk(self, conn: Connection) -> config.DeskConfig:
        """The desk configuration (queues, agents, rules, policies), cached per service."""
        return self.desk_cache.get(conn)

    def customer_name(self, conn: Connection, customer_id: str | None) -> str | None:
        """The customer's name, through the customers slice (for canned-response placeholders)."""
        if customer_id is None:
            return None
        found = self.contacts(conn, [customer_id]).get(customer_id)
        return found.name if found else None

    def publish(self, event: Any, conn: Connection) -> None:
        if self.bus is not None:
            self.bus.publish(event, conn)


def get_case(conn: Connection, case_id: str, *, lock: bool = True) -> Case:
    case = store.get_case(conn, case_id, lock=lock)
    if case is None:
        raise NotFound(f"case {case_id} does not exist")
    return case
