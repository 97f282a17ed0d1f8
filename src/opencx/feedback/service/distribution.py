"""Distribution: invite customers (recontact rules first), send what is due, remind, and turn
live events and schedules into invitations. Messages go out only through the outbox, written in
the same transaction as the invitation, so an invitation is sent exactly when it is committed."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core.errors import InvalidInput
from opencx.core.ids import new_id
from opencx.core.keys import FEEDBACK_STAFF_PULSE, purpose_key
from opencx.feedback.domain.messages import invitation as message
from opencx.feedback.domain.messages import survey_url
from opencx.feedback.domain.recontact import Contact, Decision, Reachability, decide
from opencx.feedback.domain.surveys import Survey
from opencx.feedback.domain.tokens import issue, token_hash
from opencx.feedback.domain.triggers import Trigger, due_at, sampled, schedule_due
from opencx.feedback.service.config import FeedbackConfig
from opencx.feedback.service.surveys import get_survey
from opencx.feedback.store import happenings
from opencx.feedback.store import invitations as store
from opencx.feedback.store import loop as loop_store
from opencx.feedback.store.surveys import by_id, version_ids
from opencx.outbox import enqueue

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Invited:
    customer_id: str
    invitation_id: str | None
    decision: Decision
    url: str | None = None  # the survey link (channel "link")


@dataclass
class InviteResult:
    sent: int = 0
    scheduled: int = 0
    skipped: list[Invited] = field(default_factory=list)
    invited: list[Invited] = field(default_factory=list)


def token_for(config: FeedbackConfig, invitation_id: str, created: datetime) -> str:
    """The invitation's token: deterministic, so a reminder carries the same link."""
    return issue(config.secret_key, invitation_id, created + config.token_days * DAY)


def _reach(person: store.Person | None, channel: str) -> Reachability:
    if person is None:
        return Reachability(consent=False, known=False)
    address = {"email": person.email, "sms": person.phone}.get(channel, "link")
    return Reachability(person.consent, person.opted_out, person.erased, bool(address))


def _send(
    conn: Connection,
    config: FeedbackConfig,
    row: dict[str, Any],
    survey: Survey,
    person: store.Person,
    now: datetime,
) -> None:
    """Write the invitation's message to the outbox and mark it sent."""
    token = token_for(config, row["id"], row["scheduled_at"])
    text = message(survey, person.language, config.base_url, token)
    if row["channel"] == "email" and person.email:
        payload = {
            "to": person.email,
            "subject": text.subject,
            "text": text.text,
            "html": text.html,
        }
        enqueue(
            conn, kind="email", dedupe_key=f"invitation:{row['id']}:email", payload=payload, now=now
        )
    elif row["channel"] == "sms" and person.phone:
        enqueue(
            conn,
            kind="sms",
            dedupe_key=f"invitation:{row['id']}:sms",
            payload={"to": person.phone, "text": text.sms},
            now=now,
        )
    store.update(conn, row["id"], status="sent", sent_at=now)


def invite(
    conn: Connection,
    config: FeedbackConfig,
    survey_key: str,
    customer_ids: Iterable[str],
    *,
    now: datetime,
    channel: str = "email",
    trigger: str = "manual",
    ref: str | None = None,
    at: datetime | None = None,
) -> InviteResult:
    """Invite each customer to the latest version of ``survey_key`` unless a rule says no.

    The invitation goes out at ``at`` (default now): at once through the outbox, or later by
    :func:`send_due`. A refused invitation is recorded in ``survey_skips`` with its reason.
    """
    survey = get_survey(conn, survey_key)
    policy = config.policy.for_survey(dict(survey.recontact))
    when = max(at or now, now)
    ids = list(dict.fromkeys(customer_ids))
    people = store.people(conn, ids, config.contacts)
    window = max(policy.quiet_days, policy.survey_period_days) * DAY
    past = store.history(conn, ids, when - window)
    versions = version_ids(conn, survey_key)
    result = InviteResult()
    for cid in ids:
        if ref is not None and store.exists(conn, versions, cid, trigger, ref):
            continue  # the same event again: it invited already
        decision = decide(
            policy, survey.key, when, past.get(cid, []), _reach(people.get(cid), channel), channel
        )
        if not decision.send:
            store.record_skip(
                conn,
                {
                    "id": new_id(),
                    "customer_id": cid if cid in people else None,
                    "survey_key": survey.key,
                    "trigger": trigger,
                    "trigger_ref": ref,
                    "rule": decision.rule,
                    "reason": decision.reason,
                    "at": now,
                },
            )
            result.skipped.append(Invited(cid, None, decision))
            continue
        row: dict[str, Any] = {
            "id": new_id(),
            "survey_id": survey.id,
            "customer_id": cid,
            "channel": channel,
            "trigger": trigger,
            "trigger_ref": ref,
            "scheduled_at": when,
            "status": "scheduled",
        }
        token = token_for(config, row["id"], when)
        store.insert(conn, {**row, "token_hash": token_hash(token)})
        past.setdefault(cid, []).append(Contact(survey.key, when))
        if when <= now:
            _send(conn, config, row, survey, people[cid], now)
            result.sent += 1
        else:
            result.scheduled += 1
        url = survey_url(config.base_url, token) if channel == "link" else None
        result.invited.append(Invited(cid, row["id"], decision, url))
    return result


def send_due(conn: Connection, config: FeedbackConfig, now: datetime, limit: int = 1000) -> int:
    """Send scheduled invitations whose time has come (the person may have opted out since)."""
    rows = store.due(conn, now, limit)
    people = store.people(
        conn, [r["customer_id"] for r in rows if r["customer_id"]], config.contacts
    )
    surveys: dict[str, Survey] = {}
    sent = 0
    for row in rows:
        person = people.get(row["customer_id"] or "")
        reach = _reach(person, row["channel"])
        if person is None or reach.erased or reach.opted_out or not reach.consent:
            store.update(conn, row["id"], status="cancelled")
            continue
        survey = surveys.get(row["survey_id"]) or by_id(conn, row["survey_id"])
        if survey is None:
            continue
        surveys[row["survey_id"]] = survey
        _send(conn, config, row, survey, person, now)
        sent += 1
    return sent


def send_reminders(
    conn: Connection, config: FeedbackConfig, now: datetime, limit: int = 1000
) -> int:
    """One reminder per unanswered invitation, ``reminder_after`` after it was sent."""
    rows = store.unanswered(
        conn, now - config.reminder_after, now - 2 * config.reminder_after, limit
    )
    people = store.people(
        conn, [r["customer_id"] for r in rows if r["customer_id"]], config.contacts
    )
    sent = 0
    for row in rows:
        person = people.get(row["customer_id"] or "")
        survey = by_id(conn, row["survey_id"])
        if person is None or survey is None or person.opted_out or person.erased:
            continue
        token = token_for(config, row["id"], row["scheduled_at"])
        text = message(survey, person.language, config.base_url, token)
        if row["channel"] == "email" and person.email:
            enqueue(
                conn,
                kind="email",
                dedupe_key=f"invitation:{row['id']}:reminder",
                payload={
                    "to": person.email,
                    "subject": text.subject,
                    "text": text.text,
                    "html": text.html,
                },
                now=now,
            )
            store.update(conn, row["id"], status="reminded")
            sent += 1
    return sent


# --- live events and schedules -------------------------------------------------------------


def _fire(
    conn: Connection,
    config: FeedbackConfig,
    trigger: Trigger,
    events: Sequence[tuple[str, str | None, datetime]],
    now: datetime,
) -> int:
    """Invite for each ``(ref, customer_id, occurred_at)`` the trigger samples."""
    invited = 0
    for ref, cid, occurred in events:
        if cid is None or not sampled(trigger, ref):
            continue
        result = invite(
            conn,
            config,
            trigger.survey_key,
            [cid],
            now=now,
            channel=trigger.channel,
            trigger=trigger.event,
            ref=ref,
            at=due_at(trigger, occurred),
        )
        invited += result.sent + result.scheduled
    return invited


def on_cases(
    conn: Connection, config: FeedbackConfig, case_ids: Sequence[str], now: datetime
) -> int:
    """Resolved cases invite to the surveys of ``case_resolved`` triggers."""
    triggers = loop_store.triggers(conn, "case_resolved")
    if not triggers or not case_ids:
        return 0
    events = happenings.resolved_cases(conn, case_ids)
    return sum(_fire(conn, config, t, events, now) for t in triggers)


INTERACTION_EVENTS = {
    "chat_ended": "chat_ended",
    "delivered": "order_delivered",
    "order_delivered": "order_delivered",
}


def on_interactions(
    conn: Connection, config: FeedbackConfig, interaction_ids: Sequence[str], now: datetime
) -> int:
    """Interactions of kind ``chat_ended`` and ``delivered`` fire their triggers."""
    if not interaction_ids:
        return 0
    rows = happenings.interaction_kinds(conn, interaction_ids, INTERACTION_EVENTS)
    fired = 0
    for event in sorted({INTERACTION_EVENTS[r[3]] for r in rows}):
        events = [
            (ref, cid, at) for ref, cid, at, kind in rows if INTERACTION_EVENTS[kind] == event
        ]
        fired += sum(_fire(conn, config, t, events, now) for t in loop_store.triggers(conn, event))
    return fired


def on_orders(
    conn: Connection, config: FeedbackConfig, order_ids: Sequence[str], now: datetime
) -> int:
    """Completed orders schedule the surveys of ``days_after_purchase`` triggers."""
    triggers = loop_store.triggers(conn, "days_after_purchase")
    if not triggers or not order_ids:
        return 0
    events = happenings.completed_orders(conn, order_ids)
    return sum(_fire(conn, config, t, events, now) for t in triggers)


def _staff_key(config: FeedbackConfig, survey_key: str, period: str, email: str) -> str:
    """Names one person's pulse of one period without naming the person (keyed hash)."""
    key = purpose_key(config.secret_key, FEEDBACK_STAFF_PULSE)
    text = f"{survey_key}\x00{period}\x00{email}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()[:40]


def pulse(
    conn: Connection,
    config: FeedbackConfig,
    survey_key: str,
    emails: Iterable[str],
    *,
    period: str,
    now: datetime,
) -> int:
    """Mail each member of staff a link to the anonymous survey ``survey_key`` (eNPS), once per
    ``period``; returns how many were sent.

    Staff are not customers: the invitation names no one (no customer, and its reference is a
    keyed hash of survey, period and address, so a second run of the period sends nothing) and
    the answer is anonymous like every answer to the survey. The address is only in the outbox
    message that carries the link.
    """
    survey = get_survey(conn, survey_key)
    if not survey.anonymous:
        raise InvalidInput(
            f"survey {survey_key!r}: a staff pulse goes to employees, so its survey must be "
            "anonymous (an enps survey)"
        )
    versions = version_ids(conn, survey_key)
    sent = 0
    for email in dict.fromkeys(e.strip().lower() for e in emails if e and "@" in e):
        ref = _staff_key(config, survey.key, period, email)
        if store.exists(conn, versions, None, "staff_pulse", ref):
            continue
        invitation_id = new_id()
        row: dict[str, Any] = {
            "id": invitation_id,
            "survey_id": survey.id,
            "customer_id": None,
            "channel": "email",
            "trigger": "staff_pulse",
            "trigger_ref": ref,
            "scheduled_at": now,
            "sent_at": now,
            "status": "sent",
        }
        token = token_for(config, invitation_id, now)
        store.insert(conn, {**row, "token_hash": token_hash(token)})
        text = message(survey, survey.default_language, config.base_url, token)
        payload = {"to": email, "subject": text.subject, "text": text.text, "html": text.html}
        enqueue(conn, kind="email", dedupe_key=f"pulse:{ref}", payload=payload, now=now)
        sent += 1
    return sent


def run_schedules(
    conn: Connection,
    config: FeedbackConfig,
    now: datetime,
    staff: Callable[[], Sequence[str]] | None = None,
) -> int:
    """Run each due ``schedule`` trigger (relationship NPS) over every consenting customer, and
    each due ``staff_pulse`` over the addresses ``staff`` gives (the helpdesk's agents)."""
    runs = loop_store.last_runs(conn)
    invited = 0
    for trigger in loop_store.triggers(conn, "staff_pulse"):
        if staff is None or not schedule_due(trigger, runs.get(trigger.id), now):
            continue
        period = now.strftime("%Y-%m-%d")
        invited += pulse(conn, config, trigger.survey_key, staff(), period=period, now=now)
        loop_store.mark_run(conn, trigger.id, now)
    for trigger in loop_store.triggers(conn, "schedule"):
        if not schedule_due(trigger, runs.get(trigger.id), now):
            continue
        ids = happenings.reachable_customers(conn)
        period = now.strftime("%Y-%m-%d")
        wanted = [cid for cid in ids if sampled(trigger, f"{period}:{cid}")]
        result = invite(
            conn,
            config,
            trigger.survey_key,
            wanted,
            now=now,
            channel=trigger.channel,
            trigger="schedule",
            ref=period,
        )
        invited += result.sent + result.scheduled
        loop_store.mark_run(conn, trigger.id, now)
    return invited
