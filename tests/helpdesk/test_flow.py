"""The demo company's service end to end: a case arrives by email, is routed and assigned,
answered within SLA and resolved; the CSAT invitation goes out (feedback, through CaseResolved);
a detractor's follow-up opens a closed-loop case."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import Services
from opencx.core import FixedClock
from opencx.db.schema import customers, invitations, responses
from opencx.feedback.domain.events import FollowUpRequested
from opencx.helpdesk.domain import Target, TimerState
from opencx.metrics.domain.request import MetricRequest

from .conftest import MON, H, configure_demo_desk, outbox_rows

MAIL = (
    b"From: Ana Jansen <ana@example.org>\r\nTo: help@shop.nl\r\nSubject: Kettle leaks\r\n"
    b"Message-ID: <k1@example.org>\r\nContent-Language: nl\r\n\r\nIt leaks since Monday.\r\n"
)


def test_email_case_is_answered_in_sla_resolved_and_invited_to_csat(
    services: Services, hclock: FixedClock, engine: Engine
) -> None:
    configure_demo_desk(services)
    services.feedback.create_from_template("csat", "csat-case", "Service", ["nl", "en"])
    services.feedback.add_trigger(event="case_resolved", survey_key="csat-case")
    case = services.helpdesk.receive_email(MAIL)
    assert (case.queue, case.assignee) == ("support", "cy@shop.nl")
    with engine.begin() as conn:  # the customer agreed to surveys when they signed up
        conn.execute(
            customers.update()
            .where(customers.c.id == case.customer_id)
            .values(consent_surveys=True)
        )
    hclock.advance(H)
    services.helpdesk.reply(
        case.id, "cy@shop.nl", body="A new one is on its way", status="resolved"
    )
    view = services.helpdesk.case(case.id)
    first = view.sla.latest(Target.FIRST_RESPONSE)
    assert first is not None and first.state is TimerState.MET
    with engine.connect() as conn:
        sent = conn.execute(sa.select(invitations.c.customer_id, invitations.c.trigger_ref)).all()
    assert [(r.customer_id, r.trigger_ref) for r in sent] == [(case.customer_id, case.id)]
    # the customer answers; CSAT is then measured per agent, queue and channel of the case
    [mail] = [r for r in outbox_rows(engine) if r.kind == "email" and "/r/" in str(r.payload)]
    token = re.search(r"/r/([A-Za-z0-9_.-]+)", str(mail.payload))
    assert token
    services.feedback.respond(token.group(1), {"csat": 5}, finish=True)
    for by, key in (
        ("case_agent", "cy@shop.nl"),
        ("case_queue", "support"),
        ("case_channel", "email"),
    ):
        result = services.metrics.compute(MetricRequest("csat", by=[by], min_n=1))
        assert [(r.keys[by], r.n, r.value) for r in result.rows] == [(key, 1, 100.0)]


def test_a_follow_up_opens_a_closed_loop_case(services: Services, hclock: FixedClock) -> None:
    event = FollowUpRequested(
        followup_id="f1",
        response_id="r1",
        customer_id=None,
        survey_key="nps",
        rule="detractor",
        reason="detractor",
        score=3,
        comment="Slow delivery",
        due_at=MON + 24 * H,
        owner=None,
    )
    with services.engine.begin() as conn:
        services.bus.publish(event, conn)
    [case] = services.helpdesk.cases()
    assert (case.channel, case.category, case.priority, case.source) == (
        "feedback",
        "closed_loop",
        "high",
        "feedback",
    )
    assert case.external_id == "f1"


def test_agents_get_an_anonymous_enps_pulse_once_per_period(
    services: Services, hclock: FixedClock, engine: Engine
) -> None:
    configure_demo_desk(services)
    services.feedback.create_from_template("enps", "agent-pulse", "How is work?", ["en"])
    services.feedback.add_trigger(event="staff_pulse", survey_key="agent-pulse", every_days=30)
    services.feedback.run_jobs()
    services.feedback.run_jobs()  # the same period again: nothing more
    mails = [r for r in outbox_rows(engine) if r.kind == "email"]
    assert sorted(m.payload["to"] for m in mails) == ["ann@shop.nl", "bob@shop.nl", "cy@shop.nl"]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(invitations)).mappings().all()
    assert len(rows) == 3 and all(r["customer_id"] is None for r in rows)
    assert not any("shop.nl" in str(v) for r in rows for v in r.values())  # names no one
    token = re.search(r"/r/([A-Za-z0-9_.-]+)", mails[0].payload["text"])
    assert token
    services.feedback.respond(token.group(1), {"enps": 9}, finish=True)
    with engine.connect() as conn:
        answer = conn.execute(sa.select(responses)).mappings().one()
    assert answer["customer_id"] is None and answer["invitation_id"] is None
    assert answer["context_id"] is None  # nothing leads back to the invitation or the address
    hclock.advance(31 * 24 * H)
    services.feedback.run_jobs()
    assert len([r for r in outbox_rows(engine) if r.kind == "email"]) == 6  # the next pulse
