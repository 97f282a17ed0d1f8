"""Export and erasure: everything out, nothing personal left, aggregates unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import EventBus
from opencx.core.tombstone import ERASED_KEYS, purpose_key
from opencx.customers import service
from opencx.db.schema import (
    answers,
    case_events,
    customers,
    identities,
    invitations,
    metadata,
    outbox,
)
from opencx.outbox.service import enqueue

KEY = purpose_key("test-secret", ERASED_KEYS)
NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)
NAME, EMAIL, PHONE = "Zoë Papadopoulou", "zoe.p@example.gr", "+30 210 123 4567"


@pytest.fixture
def zoe(engine: Engine, bus: EventBus, seed: Any) -> dict[str, str]:
    zoe = seed.customer(
        name=NAME, email=EMAIL, phone=PHONE, country="GR", attributes={"note": f"VIP {NAME}"}
    )
    alias = seed.customer(created=2, source="app", email=EMAIL.upper(), name=NAME.upper())
    bystander = seed.customer(name="Bo Jensen", email="bo@example.dk")
    seed.order(zoe, seed.day(3), [(2, "15.00", True)])
    seed.order(alias, seed.day(4), [(1, "10.00", True)])
    seed.order(bystander, seed.day(4), [(1, "7.00", True)])
    seed.case(
        alias,
        seed.day(5),
        subject=f"Order for {NAME}",
        events=[
            (seed.day(5, 1), "message_in", f"Hi, this is {NAME}, mail me at {EMAIL}"),
            (seed.day(5, 2), "message_out", f"Dear {NAME.split()[0]} {NAME.split()[1]}, done"),
            (seed.day(5, 3), "note", "called back"),
        ],
    )
    seed.response(
        zoe,
        seed.day(6),
        [("nps", 4, f"{NAME} says: too slow")],
        submission={"email": EMAIL, "answers": {"nps": 4}},
    )
    seed.response(bystander, seed.day(6), [("nps", 10, "great")])
    seed.interaction(zoe, seed.day(7), properties={"form": {"email": EMAIL}, "page": "/help"})
    seed.subscription(zoe, seed.day(1), cancel_reason=f"{NAME} moved abroad")
    with engine.begin() as conn:  # a survey invitation waiting in the outbox, and one sent
        for key, text in (("invite", f"Dear {NAME}"), ("sent", "Thanks!")):
            mail = {"to": EMAIL, "subject": "Hi", "text": text}
            enqueue(conn, kind="email", dedupe_key=key, payload=mail, now=NOW)
        conn.execute(outbox.update().where(outbox.c.dedupe_key == "sent").values(status="sent"))
    seed.score(zoe, seed.model_run(seed.day(8)), "clv", 50.0)
    with engine.begin() as conn:
        service.index_identities(conn, [zoe, alias, bystander], now=NOW, bus=bus)
    return {"zoe": zoe, "alias": alias, "bystander": bystander}


def test_export_holds_everything_about_the_person(engine: Engine, zoe: Any) -> None:
    with engine.connect() as conn:
        data = service.export(conn, zoe["alias"], now=NOW)
    json.dumps(data)  # JSON-able as it is
    assert data["customer_id"] == zoe["zoe"] and data["requested_id"] == zoe["alias"]
    assert {c["id"] for c in data["customers"]} == {zoe["zoe"], zoe["alias"]}
    assert len(data["orders"]) == 2 and all(o["lines"] for o in data["orders"])
    assert data["orders"][0]["lines"][0]["unit_price"] in {"15.0000", "15.00", "15"}
    assert [e["kind"] for e in data["cases"][0]["events"]] == ["message_in", "message_out", "note"]
    assert data["responses"][0]["answers"][0]["text"].endswith("too slow")
    assert {i["kind"] for i in data["identities"]} >= {"email", "phone", "external"}
    assert len(data["subscriptions"]) == 1 and len(data["scores"]) == 1
    assert len(data["merges"]) == 1 and len(data["interactions"]) == 1
    assert "bo@example.dk" not in json.dumps(data)


def test_export_lists_orders_by_when_they_were_placed(engine: Engine, zoe: Any, seed: Any) -> None:
    seed.order(zoe["zoe"], seed.day(1), [(1, "3.00", True)])  # placed first, stored last
    with engine.connect() as conn:
        data = service.export(conn, zoe["zoe"], now=NOW)
    prices = [o["lines"][0]["unit_price"].rstrip("0").rstrip(".") for o in data["orders"]]
    assert prices == ["3", "15", "10"]


def test_export_lists_everything_by_time_then_id(engine: Engine, zoe: Any, seed: Any) -> None:
    """Each list in a stable order, not the store's physical one (which PostgreSQL changes
    after deletes): each row below is stored after the fixture's, but comes before it."""
    me = zoe["zoe"]
    seed.subscription(me, seed.day(0), plan="first")
    seed.interaction(me, seed.day(2), kind="first")
    seed.interaction(me, seed.day(7), id="i0000", external_id="i0000")  # same time, lower id
    seed.case(me, seed.day(4), subject="first")
    first_response = seed.response(me, seed.day(2), [("nps", 9, None)])
    seed.score(me, seed.model_run(seed.day(2)), "clv", 1.0)
    survey = seed.survey()
    with engine.begin() as conn:
        for iid, at in (("v0002", seed.day(9)), ("v0001", seed.day(8)), ("v0000", None)):
            conn.execute(
                invitations.insert().values(
                    id=iid,
                    survey_id=survey,
                    customer_id=me,
                    channel="email",
                    status="scheduled",
                    scheduled_at=at,
                )
            )
        alias_case = conn.execute(
            sa.select(case_events.c.case_id).where(case_events.c.kind == "message_in")
        ).scalar_one()
        conn.execute(  # the same time as the case's first event, a lower id
            case_events.insert().values(
                id="e0000",
                case_id=alias_case,
                at=seed.day(5, 1),
                kind="note",
                actor="agent",
                body="same time",
                properties={},
            )
        )
        response = conn.execute(
            sa.select(answers.c.response_id).where(answers.c.text.like("%too slow"))
        ).scalar_one()
        conn.execute(
            answers.insert().values(
                id="a0000",
                response_id=response,
                question_key="q_a",
                question_type="text",
                text="asked first",
            )
        )
    with engine.connect() as conn:
        data = service.export(conn, me, now=NOW)
    assert [s["plan"] for s in data["subscriptions"]] == ["first", "gold"]
    assert [(i["kind"], i["id"] == "i0000") for i in data["interactions"]] == [
        ("first", False),
        ("visit", True),
        ("visit", False),
    ]
    assert [c["subject"] for c in data["cases"]] == ["first", f"Order for {NAME}"]
    events = data["cases"][1]["events"]
    assert [(e["id"] == "e0000", e["kind"]) for e in events][:2] == [
        (True, "note"),
        (False, "message_in"),
    ]
    assert [i["id"] for i in data["invitations"]] == ["v0001", "v0002", "v0000"]
    assert data["responses"][0]["id"] == first_response
    assert [a["question_key"] for a in data["responses"][1]["answers"]] == ["q_a", "q_nps"]
    assert [s["value"] for s in data["scores"]] == [1.0, 50.0]


def aggregates(engine: Engine, customer_id: str) -> tuple[Any, ...]:
    with engine.connect() as conn:
        p = service.profile(conn, customer_id).profile
        nps = conn.execute(
            sa.select(sa.func.count(), sa.func.sum(answers.c.score)).where(
                answers.c.question_type == "nps"
            )
        ).one()
    return (p.revenue, p.orders, tuple(p.latest), tuple(p.scores), tuple(nps))


def personal_hits(engine: Engine, needles: list[str]) -> list[str]:
    """Every text or JSON cell, in every table, that still contains a needle."""
    hits = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            cols = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text | sa.JSON)]
            for row in conn.execute(sa.select(*cols)) if cols else ():
                for col, value in zip(cols, row, strict=True):
                    text = json.dumps(value) if not isinstance(value, str) else value
                    if any(n.lower() in text.lower() for n in needles):
                        hits.append(f"{table.name}.{col.name}={text!r}")
    return hits


def test_erase_leaves_no_personal_value_and_keeps_aggregates(
    engine: Engine, bus: EventBus, zoe: Any
) -> None:
    before = aggregates(engine, zoe["zoe"])
    needles = [NAME, EMAIL, "210 123 4567", "2101234567", "Papadopoulou"]
    assert personal_hits(engine, needles)  # the probe finds them before erasure
    with engine.begin() as conn:
        erased = service.erase(conn, zoe["alias"], now=NOW, bus=bus, key=KEY)
    assert set(erased) == {zoe["zoe"], zoe["alias"]}
    assert personal_hits(engine, needles) == []
    assert aggregates(engine, zoe["zoe"]) == before
    with engine.connect() as conn:
        rows = conn.execute(sa.select(customers).where(customers.c.id.in_(erased))).all()
        assert {r.erased_at for r in rows} == {NOW}
        assert (
            conn.execute(
                sa.select(sa.func.count()).where(identities.c.customer_id.in_(erased))
            ).scalar_one()
            == 0
        )
        bo = conn.execute(sa.select(customers).where(customers.c.id == zoe["bystander"])).one()
    assert bo.name == "Bo Jensen" and bo.erased_at is None
    with engine.connect() as conn:
        mail = dict(conn.execute(sa.select(outbox.c.dedupe_key, outbox.c.status)).all())
    assert mail == {"invite": "dead", "sent": "sent"}  # never sent to an erased person
    with engine.connect() as conn:
        timeline = service.timeline(conn, zoe["zoe"]).entries
    events = [e for e in timeline if e.kind == "case_event"]  # kept, their text blanked
    assert len(events) == 3 and not any(e.detail == "called back" for e in events)


def test_erasing_twice_is_a_no_op(engine: Engine, bus: EventBus, zoe: Any) -> None:
    with engine.begin() as conn:
        assert service.erase(conn, zoe["zoe"], now=NOW, bus=bus, key=KEY)
    later = datetime(2026, 2, 1, tzinfo=UTC)
    with engine.begin() as conn:
        assert service.erase(conn, zoe["zoe"], now=later, bus=bus, key=KEY) == ()
    with engine.connect() as conn:
        got = conn.execute(sa.select(customers.c.erased_at).where(customers.c.id == zoe["zoe"]))
        assert got.scalar_one() == NOW
