"""Domain events: handlers run in the publisher's transaction and match by event class or base."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from opencx.core import DomainEvent, EventBus, FixedClock
from opencx.db.schema import customers, outbox
from opencx.outbox import enqueue


@dataclass(frozen=True, slots=True)
class CustomerEvent(DomainEvent):
    customer_id: str


@dataclass(frozen=True, slots=True)
class CustomerJoined(CustomerEvent):
    email: str


@dataclass(frozen=True, slots=True)
class OrderPlaced(DomainEvent):
    order_id: str


def add_customer(conn: Connection, customer_id: str, email: str, clock: FixedClock) -> None:
    conn.execute(
        customers.insert(),
        {
            "id": customer_id,
            "source": "shop",
            "external_id": customer_id,
            "email": email,
            "created_at": clock.now(),
            "attributes": {},
            "consent_email": True,
            "consent_sms": False,
            "consent_surveys": True,
        },
    )


def welcome_bus(clock: FixedClock) -> EventBus:
    """A bus wired like app.wire_events: joining sends a welcome email through the outbox."""

    def send_welcome(event: CustomerJoined, conn: Connection) -> None:
        enqueue(
            conn,
            kind="email",
            dedupe_key=f"welcome:{event.customer_id}",
            payload={"to": event.email, "subject": "Welkom", "text": "Fijn dat je er bent."},
            now=clock.now(),
        )

    bus = EventBus()
    bus.subscribe(CustomerJoined, send_welcome)
    return bus


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        n_customers = conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar()
        n_outbox = conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar()
    return n_customers, n_outbox


def test_handler_writes_the_outbox_in_the_publishers_transaction(
    engine: Engine, clock: FixedClock
) -> None:
    bus = welcome_bus(clock)
    with engine.begin() as conn:
        add_customer(conn, "c1", "ann@example.nl", clock)
        bus.publish(CustomerJoined("c1", "ann@example.nl"), conn)
    assert counts(engine) == (1, 1)
    with engine.connect() as conn:
        message = conn.execute(sa.select(outbox)).one()
    assert (message.dedupe_key, message.payload["to"]) == ("welcome:c1", "ann@example.nl")


def test_a_failure_after_publish_rolls_back_change_and_message(
    engine: Engine, clock: FixedClock
) -> None:
    bus = welcome_bus(clock)
    with pytest.raises(RuntimeError, match="later step failed"), engine.begin() as conn:
        add_customer(conn, "c1", "ann@example.nl", clock)
        bus.publish(CustomerJoined("c1", "ann@example.nl"), conn)
        assert conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar() == 1
        raise RuntimeError("later step failed")
    assert counts(engine) == (0, 0)


def test_a_failing_handler_rolls_back_the_change(engine: Engine, clock: FixedClock) -> None:
    bus = welcome_bus(clock)

    def refuse(event: CustomerJoined, conn: Connection) -> None:
        raise ValueError(f"no points program for {event.customer_id}")

    bus.subscribe(CustomerJoined, refuse)
    with pytest.raises(ValueError, match="no points program for c1"), engine.begin() as conn:
        add_customer(conn, "c1", "ann@example.nl", clock)
        bus.publish(CustomerJoined("c1", "ann@example.nl"), conn)
    assert counts(engine) == (0, 0)


def test_subscribing_to_a_base_class_receives_every_subclass() -> None:
    seen: list[tuple[str, Any]] = []
    bus = EventBus()
    bus.subscribe(DomainEvent, lambda e, uow: seen.append(("any", e)))
    bus.subscribe(CustomerEvent, lambda e, uow: seen.append(("customer", e)))
    bus.subscribe(CustomerJoined, lambda e, uow: seen.append(("joined", e)))
    bus.subscribe(CustomerJoined, lambda e, uow: seen.append(("joined-2", e)))

    joined, base, order = CustomerJoined("c1", "a@b.nl"), CustomerEvent("c2"), OrderPlaced("o1")
    for event in (joined, base, order):
        bus.publish(event, uow=None)

    assert seen == [
        # most specific class first, then up the MRO; per class in subscription order
        ("joined", joined),
        ("joined-2", joined),
        ("customer", joined),
        ("any", joined),
        # a base-class event does not reach subclass handlers
        ("customer", base),
        ("any", base),
        ("any", order),
    ]


def test_each_handler_gets_the_unit_of_work_it_was_published_with() -> None:
    received: list[object] = []
    bus = EventBus()
    bus.subscribe(OrderPlaced, lambda e, uow: received.append(uow))
    first, second = object(), object()
    bus.publish(OrderPlaced("o1"), first)
    bus.publish(OrderPlaced("o2"), second)
    assert received == [first, second]
    assert bus.handlers(CustomerJoined) == []
    assert len(bus.handlers(OrderPlaced)) == 1
