"""Proactive service: an incident (an outage window and what it touched) and its compensation.

An incident names a window and what was affected: products (SKUs bought in the window) and/or
regions (countries of customers active in the window). Notifying is one audited action: each
affected customer gets the message once, with a personal voucher code when the incident grants
one, and a ``CompensationGranted`` event carries any loyalty points for the loyalty slice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from opencx.core import DomainEvent
from opencx.core.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    products: frozenset[str]
    regions: frozenset[str]
    message: str
    points: int = 0
    voucher_prefix: str | None = None

    def __post_init__(self) -> None:
        if self.ends_at <= self.starts_at:
            raise InvalidInput(f"incident {self.title!r}: the window must end after it starts")
        if not self.products and not self.regions:
            raise InvalidInput(f"incident {self.title!r}: name affected products or regions")
        if self.points < 0:
            raise InvalidInput(f"incident {self.title!r}: compensation points must not be negative")
        if not self.message.strip():
            raise InvalidInput(f"incident {self.title!r}: the message to customers is empty")


def voucher_code(incident: Incident, customer_id: str, secret: str) -> str | None:
    """A per-customer code that cannot be guessed from another customer's."""
    if not incident.voucher_prefix:
        return None
    digest = hashlib.sha256(f"{secret}:{incident.id}:{customer_id}".encode()).hexdigest()
    return f"{incident.voucher_prefix}-{digest[:10].upper()}"


@dataclass(frozen=True, slots=True)
class CompensationGranted(DomainEvent):
    """An incident compensated a customer (loyalty may credit ``points``)."""

    incident_id: str
    customer_id: str
    points: int
    voucher: str | None
    key: str  # idempotency key: incident:<id>:<customer>
