"""Cases arriving from the API, web form, phone, mailbox, chat and feedback; routing, assignment."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import InvalidInput
from opencx.core.ids import new_id
from opencx.helpdesk.domain.cases import (
    Attachment,
    Case,
    Status,
    after_customer_message,
    check_attachments,
    check_channel,
    check_priority,
)
from opencx.helpdesk.domain.events import CaseOpened
from opencx.helpdesk.domain.mail import InboundEmail, parse_email
from opencx.helpdesk.domain.routing import Strategy, assign, route
from opencx.helpdesk.domain.sla import CaseFacts, choose_policy
from opencx.helpdesk.service.deps import DEFAULT_QUEUE, Deps, OpenCase, get_case
from opencx.helpdesk.service.sla import refresh_sla
from opencx.helpdesk.service.working import set_status_now
from opencx.helpdesk.store import cases as store
from opencx.helpdesk.store import config


def open_case(conn: Connection, cmd: OpenCase, deps: Deps) -> Case:
    """Open a case: resolve the customer, route, pick the SLA policy, assign, record the message."""
    now = deps.clock.now()
    check_channel(cmd.channel)
    check_priority(cmd.priority)
    check_attachments(cmd.attachments)
    if cmd.email is not None and "@" not in cmd.email:
        raise InvalidInput(f"email address {cmd.email!r} has no @")
    if not cmd.subject.strip() and not cmd.body.strip():
        raise InvalidInput("a case needs a subject or a message")
    if cmd.external_id:  # a message delivered twice (mail retries, API retries) is one case
        known = store.case_by_external(conn, cmd.source, cmd.external_id)
        if known is not None:
            return known
    customer_id = cmd.customer_id
    if customer_id is None and deps.identify is not None:
        customer_id = deps.identify(conn, cmd.email, cmd.phone, cmd.name)
    value = deps.value_of(customer_id) if deps.value_of and customer_id else None
    facts = CaseFacts(cmd.priority, cmd.channel, cmd.category, cmd.queue, cmd.language, value)
    desk = deps.desk(conn)
    chosen = route(desk.rules, facts, DEFAULT_QUEUE)
    facts = replace(facts, queue=chosen.queue)
    policy = choose_policy(desk.policies, facts)
    case_id = new_id()
    case = Case(
        case_id,
        cmd.source,
        cmd.external_id or case_id,
        customer_id,
        cmd.channel,
        chosen.queue,
        cmd.category,
        cmd.priority,
        Status.NEW.value,
        cmd.subject.strip()[:500] or None,
        now,
        None,
        None,
        None,
        None,
        policy.name if policy else None,
        cmd.language,
    )
    store.insert_case(conn, case, contact_email=cmd.email, now=now)
    store.update_state(conn, case_id, skills=sorted(chosen.skills))
    event = store.insert_event(
        conn,
        case_id,
        at=now,
        kind="message_in",
        actor=cmd.actor or cmd.email or cmd.phone or "customer",
        body=cmd.body,
        properties={"channel": cmd.channel, "rule": chosen.rule},
    )
    store.insert_attachments(conn, case_id, event.id, cmd.attachments)
    case = auto_assign(conn, case, chosen.skills, now, deps) or case
    refresh_sla(conn, case_id, now, deps)
    deps.publish(CaseOpened(case_id, customer_id, case.channel, case.queue, now), conn)
    return case


def auto_assign(
    conn: Connection, case: Case, skills: frozenset[str], now: datetime, deps: Deps
) -> Case | None:
    """Give ``case`` to an agent of its queue by the queue's strategy; None when nobody may."""
    desk = deps.desk(conn)
    queue = desk.queues.get(case.queue or "")
    strategy = Strategy(queue.strategy) if queue else Strategy.MOST_FREE
    agents = desk.agents
    load = store.load_by_assignee(conn)
    last = config.last_assigned(conn, queue.name) if queue else None
    agent = assign(agents, case.queue or DEFAULT_QUEUE, skills, load, now, strategy, last)
    if agent is None:
        return None
    store.update_case(conn, case.id, assignee=agent.email)
    if queue is not None:
        config.set_last_assigned(conn, queue.name, agent.email)
    props = {"to": agent.email, "strategy": strategy.value}
    store.insert_event(
        conn, case.id, at=now, kind="assignment", actor="router", body=None, properties=props
    )
    return replace(case, assignee=agent.email)


def receive_email(conn: Connection, raw: bytes, deps: Deps) -> Case:
    """An email arrived at a helpdesk mailbox: a reply to its case, or a new case."""
    mail = parse_email(raw)
    if mail.case_id:
        case = store.get_case(conn, mail.case_id)
        if case is not None:
            return customer_message(conn, case.id, mail.text, deps, mail.attachments, mail.sender)
    return open_case(conn, _from_email(mail), deps)


def _from_email(mail: InboundEmail) -> OpenCase:
    return OpenCase(
        channel="email",
        subject=mail.subject,
        body=mail.text,
        email=mail.sender,
        name=mail.sender_name,
        language=mail.language,
        attachments=mail.attachments,
        source="email" if mail.message_id else "opencx",
        external_id=mail.message_id[:200] or None,
    )


def customer_message(
    conn: Connection,
    case_id: str,
    body: str,
    deps: Deps,
    attachments: tuple[Attachment, ...] = (),
    actor: str | None = None,
) -> Case:
    """The customer wrote on ``case_id``: reopen it if needed, or open a linked case if closed."""
    check_attachments(attachments)
    now = deps.clock.now()
    case = get_case(conn, case_id)
    status = after_customer_message(case.status)
    if status is None:
        state = store.state_of(conn, case.id)
        follow = OpenCase(
            channel=case.channel,
            subject=case.subject or "(follow-up)",
            body=body,
            email=state.contact_email if state else None,
            customer_id=case.customer_id,
            priority=case.priority,
            category=case.category,
            queue=case.queue,
            language=case.language,
            attachments=attachments,
        )
        new = open_case(conn, follow, deps)
        store.update_state(conn, new.id, split_from=case.id)
        return new
    event = store.insert_event(
        conn, case.id, at=now, kind="message_in", actor=actor or "customer", body=body
    )
    store.insert_attachments(conn, case.id, event.id, attachments)
    if status.value != case.status:
        set_status_now(conn, case, status, actor or "customer", now, deps)
    refresh_sla(conn, case.id, now, deps)
    return get_case(conn, case.id, lock=False)


def on_follow_up(conn: Connection, event: Any, deps: Deps) -> Case:
    """Feedback asked for a person to follow an answer up: open a closed-loop case."""
    score = f" (score {event.score})" if event.score is not None else ""
    body = f"{event.reason}{score}\n\n{event.comment or ''}".strip()
    case = open_case(
        conn,
        OpenCase(
            channel="feedback",
            subject=f"Follow up: {event.survey_key} answer{score}",
            body=body,
            customer_id=event.customer_id,
            priority="high" if (event.score is not None and event.score <= 6) else "normal",
            category="closed_loop",
            actor="feedback",
            source="feedback",
            external_id=event.followup_id,
        ),
        deps,
    )
    if event.owner:
        store.update_case(conn, case.id, assignee=event.owner)
    return case
