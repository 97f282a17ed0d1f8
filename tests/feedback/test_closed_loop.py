"""The closed loop across slices, wired by the composition root: a resolved helpdesk case invites
to CSAT; an unhappy answer opens a follow-up case with owner and due time; resolving that case
closes the loop and the loop-closure rate and time are measured."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from opencx.app import Services
from opencx.core import FixedClock
from opencx.db.schema import cases, outbox
from opencx.helpdesk.service.deps import OpenCase

from .conftest import BASE, outbox_rows, run_tasks


def _token(text: str) -> str:
    found = re.search(re.escape(BASE) + r"/r/([A-Za-z0-9_.-]+)\?score=", text)
    assert found
    return found.group(1)


def test_resolved_case_invites_and_unhappy_answer_is_followed_up(
    services: Services, customer: Any, clock: FixedClock
) -> None:
    fb, desk = services.feedback, services.helpdesk
    fb.create_from_template("csat", "csat-case", "How did we help?", ["nl", "en"])
    fb.add_trigger(event="case_resolved", survey_key="csat-case")
    ann = customer(language="en")
    case = desk.open_case(
        OpenCase(channel="email", subject="Where is my parcel?", body="?", customer_id=ann)
    )
    clock.advance(timedelta(hours=2))
    desk.set_status(case.id, "resolved", "agent@x")
    [mail] = [m for m in outbox_rows(services.engine) if "invitation:" in m["dedupe_key"]]
    assert mail["payload"]["subject"] == "How did we do?"

    clock.advance(timedelta(hours=1))
    got = fb.respond(
        _token(mail["payload"]["text"]), {"csat": 1, "why_low": "Nobody called back"}, finish=True
    )
    assert got.follow_up == "csat-unhappy"
    assert fb.followups() == []  # the worker opens it, outside the respondent's request
    assert run_tasks(services).sent == 1
    [f] = fb.followups()
    assert f["case_id"] is not None and f["reason"] == "csat score 1 ≤ 2"
    with services.engine.connect() as conn:
        follow = conn.execute(sa.select(cases).where(cases.c.id == f["case_id"])).mappings().one()
    assert follow["category"] == "closed_loop" and follow["customer_id"] == ann
    assert "Nobody called back" in str(desk.case(follow["id"]))

    clock.advance(timedelta(hours=6))
    desk.set_status(follow["id"], "resolved", "agent@x")
    assert fb.followups() == []
    stats = fb.loop_stats()
    assert (stats.opened, stats.closed, stats.median_hours) == (1, 1, 6.0)
    # the follow-up case's resolution closed the loop; it sent no second survey
    assert len([m for m in outbox_rows(services.engine) if "invitation:" in m["dedupe_key"]]) == 1


def test_a_follow_up_task_delivered_twice_opens_one_case(
    services: Services, customer: Any, clock: FixedClock
) -> None:
    """The worker died after the task's transaction committed but before it recorded 'sent':
    the task runs again and opens nothing more."""
    fb = services.feedback
    fb.create_from_template("nps", "nps-x", "Shop", ["en"])
    fb.invite("nps-x", [customer(language="en")])
    token = _token(outbox_rows(services.engine)[0]["payload"]["text"])
    assert fb.respond(token, {"nps": 2, "why_low": "Late"}, finish=True).follow_up is not None
    assert fb.respond(token, {"nps": 2, "why_low": "Late"}, finish=True).follow_up is None
    [task] = [m for m in outbox_rows(services.engine) if m["kind"] == "task"]
    assert task["dedupe_key"].startswith("feedback.follow_up:")
    assert run_tasks(services).sent == 1
    with services.engine.begin() as conn:
        conn.execute(sa.update(outbox).values(status="pending", next_attempt_at=clock.now()))
    clock.advance(timedelta(minutes=1))
    assert run_tasks(services).sent == 1  # delivered again ...
    [f] = fb.followups()  # ... and still one follow-up, due 48 h after the answer
    assert f["due_at"] == clock.now() - timedelta(minutes=1) + timedelta(hours=48)
    with services.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one()
    assert n == 1
