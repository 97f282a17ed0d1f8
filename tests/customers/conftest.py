"""Set-up for customers tests: canonical rows inserted directly with SQLAlchemy Core."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import wire_customer_lifecycle
from opencx.core import EventBus
from opencx.db.schema import (
    answers,
    case_events,
    cases,
    customer_scores,
    customers,
    interactions,
    invitations,
    model_runs,
    order_lines,
    orders,
    products,
    responses,
    subscriptions,
    surveys,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def day(n: int, hours: int = 0) -> datetime:
    return T0 + timedelta(days=n, hours=hours)


@dataclass
class Seed:
    """Inserts canonical rows; ids are short readable strings (c1, o1, ...)."""

    engine: Engine
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    products: dict[bool, str] = field(default_factory=dict)

    day = staticmethod(day)

    def _id(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter):04d}"

    def _insert(self, table: sa.Table, row: dict[str, Any]) -> str:
        with self.engine.begin() as conn:
            conn.execute(table.insert(), row)
        return str(row.get("id", ""))

    def customer(self, created: int = 0, **values: Any) -> str:
        cid = values.pop("id", None) or self._id("c")
        row = {
            "id": cid,
            "source": "shop",
            "external_id": cid,
            "created_at": day(created),
            "attributes": {},
            "consent_email": False,
            "consent_sms": False,
            "consent_surveys": False,
            **values,
        }
        return self._insert(customers, row)

    def product(self, merchandise: bool = True) -> str:
        if merchandise not in self.products:
            pid = self._id("p")
            self._insert(
                products,
                {
                    "id": pid,
                    "source": "shop",
                    "external_id": "SKU" + pid if merchandise else "POST",
                    "name": "Mug" if merchandise else "Postage",
                    "is_merchandise": merchandise,
                },
            )
            self.products[merchandise] = pid
        return self.products[merchandise]

    def order(
        self,
        customer_id: str | None,
        at: datetime,
        lines: list[tuple[int, str, bool]],
        *,
        channel: str = "web",
        currency: str = "EUR",
        status: str = "completed",
    ) -> str:
        oid = self._id("o")
        self._insert(
            orders,
            {
                "id": oid,
                "source": "shop",
                "external_id": oid,
                "customer_id": customer_id,
                "placed_at": at,
                "channel": channel,
                "status": status,
                "currency": currency,
                "discount_total": Decimal(0),
            },
        )
        for n, (qty, price, merch) in enumerate(lines, 1):
            self._insert(
                order_lines,
                {
                    "id": self._id("l"),
                    "order_id": oid,
                    "line_no": n,
                    "product_id": self.product(merch),
                    "quantity": qty,
                    "unit_price": Decimal(price),
                    "discount": Decimal(0),
                },
            )
        return oid

    def interaction(self, customer_id: str, at: datetime, channel: str = "web", **kw: Any) -> str:
        iid = self._id("i")
        row = {
            "id": iid,
            "source": "web",
            "external_id": iid,
            "customer_id": customer_id,
            "occurred_at": at,
            "channel": channel,
            "kind": "visit",
            "properties": {},
            **kw,
        }
        return self._insert(interactions, row)

    def case(
        self,
        customer_id: str,
        at: datetime,
        *,
        status: str = "open",
        subject: str | None = "Where is my order?",
        events: list[tuple[datetime, str, str | None]] = (),  # type: ignore[assignment]
    ) -> str:
        cid = self._id("k")
        self._insert(
            cases,
            {
                "id": cid,
                "source": "desk",
                "external_id": cid,
                "customer_id": customer_id,
                "channel": "email",
                "status": status,
                "priority": "normal",
                "subject": subject,
                "opened_at": at,
            },
        )
        for when, kind, body in events:
            self._insert(
                case_events,
                {
                    "id": self._id("e"),
                    "case_id": cid,
                    "at": when,
                    "kind": kind,
                    "actor": "agent",
                    "body": body,
                    "properties": {},
                },
            )
        return cid

    def survey(self, kind: str = "nps") -> str:
        sid = self._id("s")
        return self._insert(
            surveys,
            {
                "id": sid,
                "key": sid,
                "kind": kind,
                "name": f"{kind.upper()} survey",
                "version": 1,
                "languages": ["en"],
                "definition": {},
            },
        )

    def response(
        self,
        customer_id: str | None,
        at: datetime,
        answered: list[tuple[str, int | None, str | None]],
        *,
        submission: dict[str, Any] | None = None,
    ) -> str:
        rid = self._id("r")
        self._insert(
            responses,
            {
                "id": rid,
                "source": "survey",
                "external_id": rid,
                "survey_id": self.survey(),
                "customer_id": customer_id,
                "submitted_at": at,
                "channel": "email",
                "completed": True,
                "submission": submission or {},
            },
        )
        for qtype, score, text in answered:
            self._insert(
                answers,
                {
                    "id": self._id("a"),
                    "response_id": rid,
                    "question_key": f"q_{qtype}",
                    "question_type": qtype,
                    "score": score,
                    "text": text,
                },
            )
        return rid

    def subscription(self, customer_id: str, at: datetime, **kw: Any) -> str:
        sid = self._id("u")
        return self._insert(
            subscriptions,
            {
                "id": sid,
                "source": "billing",
                "external_id": sid,
                "customer_id": customer_id,
                "plan": "gold",
                "started_at": at,
                "mrr": Decimal("9.99"),
                "currency": "EUR",
                "status": "active",
                **kw,
            },
        )

    def invitation(self, customer_id: str) -> str:
        iid = self._id("v")
        return self._insert(
            invitations,
            {
                "id": iid,
                "survey_id": self.survey(),
                "customer_id": customer_id,
                "channel": "email",
                "status": "sent",
            },
        )

    def model_run(self, at: datetime, model: str = "bgnbd") -> str:
        mid = self._id("m")
        return self._insert(
            model_runs,
            {
                "id": mid,
                "model": model,
                "version": "1",
                "config": {},
                "data_fingerprint": "x",
                "fitted_at": at,
                "metrics": {},
                "params": {},
            },
        )

    def score(self, customer_id: str, run_id: str, kind: str, value: float) -> None:
        self._insert(
            customer_scores,
            {
                "customer_id": customer_id,
                "model_run_id": run_id,
                "kind": kind,
                "value": value,
                "details": {},
            },
        )


@pytest.fixture
def seed(engine: Engine) -> Seed:
    return Seed(engine)


@pytest.fixture
def snap(engine: Engine) -> Any:
    return lambda: snapshot(engine)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a merge touches, sorted, to compare states exactly."""
    names = (
        "customers",
        "identities",
        "orders",
        "subscriptions",
        "interactions",
        "cases",
        "responses",
        "invitations",
        "customer_scores",
    )
    from opencx.db.schema import metadata

    state = {}
    with engine.connect() as conn:
        for name in names:
            table = metadata.tables[name]
            rows = conn.execute(sa.select(table)).all()
            state[name] = sorted(tuple(map(repr, r)) for r in rows)
    return state


@pytest.fixture
def bus() -> EventBus:
    """The event bus as the app wires it for the customer lifecycle: every slice moves and
    erases its own rows on a merge, an undo and an erasure."""
    wired = EventBus()
    wire_customer_lifecycle(wired)
    return wired
