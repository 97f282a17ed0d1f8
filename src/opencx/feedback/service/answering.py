"""Answering: open a survey by its token, record (partial) answers idempotently, opt out,
import responses from other tools; and the closed loop each recorded answer goes through."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core.errors import InvalidInput, NotFound
from opencx.core.events import EventBus
from opencx.core.ids import new_id
from opencx.core.keys import FEEDBACK_ANONYMOUS, purpose_key
from opencx.feedback.domain.events import (
    FOLLOW_UP_TASK,
    WEBHOOK_TASK,
    FollowUpRequested,
    ResponseRecorded,
)
from opencx.feedback.domain.loop import FollowUp, follow_up
from opencx.feedback.domain.responses import (
    Answer,
    merge,
    missing_required,
    parse_answers,
    submission,
)
from opencx.feedback.domain.surveys import Survey
from opencx.feedback.domain.tokens import BadToken, token_hash, verify
from opencx.feedback.domain.webhooks import Subscription
from opencx.feedback.service.config import FeedbackConfig
from opencx.feedback.service.surveys import get_survey
from opencx.feedback.store import invitations as invites
from opencx.feedback.store import loop as loop_store
from opencx.feedback.store import responses as store
from opencx.feedback.store.surveys import by_id
from opencx.outbox import queue


class LinkInvalid(NotFound):
    """The survey link is forged, expired, cancelled or already fully answered."""


@dataclass(frozen=True, slots=True)
class Opened:
    """A survey opened by its link: the questions, the language and what is answered so far."""

    survey: Survey
    invitation_id: str
    language: str | None
    answers: Mapping[str, Answer]
    completed: bool
    response_id: str | None


def _anonymous_ref(config: FeedbackConfig, invitation_id: str) -> str:
    """The external id of an anonymous response: keyed, so the row names no invitation."""
    key = purpose_key(config.secret_key, FEEDBACK_ANONYMOUS)
    return hmac.new(key, invitation_id.encode(), hashlib.sha256).hexdigest()[:40]


def _invitation(
    conn: Connection, config: FeedbackConfig, token: str, now: datetime
) -> dict[str, Any]:
    """The invitation behind a verified token, with its customer's language and its response
    so far (one query: see ``invitations.answering``)."""
    try:
        claims = verify(config.secret_key, token, now)
    except BadToken as exc:
        raise LinkInvalid(f"survey link refused: {exc}") from None
    row = invites.answering(conn, claims.invitation_id)
    if row is None or row["token_hash"] != token_hash(token) or row["status"] == "cancelled":
        raise LinkInvalid("survey link refused: unknown or cancelled invitation")
    return row


def _existing(
    conn: Connection, config: FeedbackConfig, survey: Survey, invitation: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The response already given through ``invitation`` (``id`` and ``completed``), or None."""
    if survey.anonymous:  # nothing links an anonymous response to its invitation but a keyed id
        return store.by_external(conn, "opencx", _anonymous_ref(config, invitation["id"]))
    if invitation["response_id"] is None:
        return None
    return {"id": invitation["response_id"], "completed": invitation["response_completed"]}


def open_survey(
    conn: Connection,
    config: FeedbackConfig,
    token: str,
    now: datetime,
    cache: dict[str, Survey] | None = None,
    *,
    mark_opened: bool = True,
) -> Opened:
    """The survey behind ``token`` with the answers given so far; marks the invitation opened
    unless ``mark_opened`` is False (then nothing is written)."""
    row = _invitation(conn, config, token, now)
    survey = _survey(conn, row["survey_id"], cache)
    if mark_opened and row["opened_at"] is None:
        invites.update(conn, row["id"], opened_at=now)
    found = _existing(conn, config, survey, row)
    given = store.answers_of(conn, found["id"]) if found else {}
    done = bool(found and found["completed"])
    rid = found["id"] if found else None
    return Opened(survey, row["id"], row["customer_language"], given, done, rid)


@dataclass(frozen=True, slots=True)
class Recorded:
    response_id: str
    completed: bool
    changed: bool
    follow_up: str | None  # the loop rule that matched: the worker opens its follow-up
    dropped: bool = False  # an erased person's response: not stored (nor restored)


def _survey(conn: Connection, survey_id: str, cache: dict[str, Survey] | None) -> Survey:
    """A survey version by id; versions never change, so the service may cache them."""
    found = cache.get(survey_id) if cache is not None else None
    if found is None:
        found = by_id(conn, survey_id)
        if found is None:
            raise LinkInvalid("survey link refused: the survey is gone")
        if cache is not None:
            cache[survey_id] = found
    return found


def respond(
    conn: Connection,
    config: FeedbackConfig,
    bus: EventBus,
    token: str,
    values: Mapping[str, Any],
    *,
    finish: bool,
    now: datetime,
    cache: dict[str, Survey] | None = None,
    hooks: Sequence[Subscription] = (),
) -> Recorded:
    """Record answers given through a survey link (``hooks``: the active webhook subscriptions).

    A one-click score (``finish=False``) is stored at once; the page then asks for the rest.
    Submitting again merges; once complete, the link answers nothing more, and the same
    submission again (a double click) changes nothing and is no error.
    """
    row = _invitation(conn, config, token, now)
    survey = _survey(conn, row["survey_id"], cache)
    given = parse_answers(survey, values)
    found = _existing(conn, config, survey, row)
    earlier = store.answers_of(conn, found["id"]) if found else {}
    if found is not None and found["completed"]:
        if all(earlier.get(k) == a for k, a in given.items()):
            return Recorded(str(found["id"]), True, False, None)
        raise LinkInvalid("survey link refused: this survey was already answered")
    context = {"channel": row["channel"], "trigger": row["trigger"], "ref": row["trigger_ref"]}
    return record(
        conn,
        config,
        bus,
        survey,
        given,
        finish=finish,
        now=now,
        invitation=row,
        language=row["customer_language"],
        context=context,
        known=(found, earlier),
        hooks=hooks,
    )


def record(
    conn: Connection,
    config: FeedbackConfig,
    bus: EventBus,
    survey: Survey,
    given: Mapping[str, Answer],
    *,
    finish: bool,
    now: datetime,
    invitation: Mapping[str, Any],
    language: str | None,
    context: Mapping[str, Any],
    known: tuple[dict[str, Any] | None, Mapping[str, Answer]],
    hooks: Sequence[Subscription] = (),
) -> Recorded:
    """Merge ``given`` into the invitation's response (creating it) and queue the closed loop.

    ``known`` is the response and answers the caller already read. A complete answer that a
    loop rule matches queues a ``feedback.follow_up`` task in the outbox (same transaction):
    the worker opens the follow-up and its case, once, outside the respondent's request.
    """
    inv_id = str(invitation.get("id") or "")
    found, earlier = known
    merged = merge(earlier, given, overwrite_scores=True)
    if not merged:
        raise InvalidInput(f"survey {survey.key!r}: no answer given")
    complete = finish and not missing_required(survey, merged)
    if finish and not complete:
        missing = ", ".join(missing_required(survey, merged))
        raise InvalidInput(f"survey {survey.key!r}: please answer {missing}")
    changed = {k: a for k, a in merged.items() if earlier.get(k) != a}
    anonymous = survey.anonymous
    change: dict[str, Any] | None = None  # the invitation's state after this answer
    if inv_id and not anonymous:
        change = {"responded_at": now, "status": "responded" if complete else "sent"}
    elif inv_id and complete:
        change = {"status": "responded"}
    if found is None:
        rid = store.create_response(
            conn,
            {
                "source": "opencx",
                "external_id": _anonymous_ref(config, inv_id)
                if anonymous
                else (inv_id or new_id()),
                "survey_id": survey.id,
                "customer_id": None if anonymous else invitation.get("customer_id"),
                "invitation_id": None if anonymous else (inv_id or None),
                "submitted_at": now,
                "channel": context.get("channel"),
                "language": language,
                "touchpoint": context.get("trigger"),
                "context_kind": _context_kind(context.get("trigger")),
                # an anonymous answer keeps nothing that names its invitation (a staff pulse's
                # reference would lead to the address the link was mailed to)
                "context_id": None if anonymous else context.get("ref"),
                "completed": complete,
                "submission": submission(merged),
            },
            changed,
            invitation=(inv_id, change) if change is not None else None,
        )
    else:
        rid = str(found["id"])
        store.revise_response(
            conn,
            rid,
            {"completed": complete, "submission": submission(merged), "submitted_at": now},
            changed,
            language,
            invitation=(inv_id, change) if change is not None else None,
        )
    customer = None if anonymous else invitation.get("customer_id")
    bus.publish(ResponseRecorded(rid, survey.key, customer, complete, found is None), conn)
    body = {
        "response_id": rid,
        "survey": survey.key,
        "version": survey.version,
        "customer_id": customer,
        "completed": complete,
        "answers": submission(merged),
    }
    _webhooks(conn, hooks, body, created=found is None, completed=complete, now=now)
    # the loop waits for the comment: a partial (score only) is followed up by the
    # distribute job once it has stayed partial for an hour (follow_up_partials)
    rule = _queue_follow_up(conn, config, survey, rid, merged, now) if complete else None
    return Recorded(rid, complete, bool(changed) or found is None, rule)


def _wanted(
    config: FeedbackConfig, survey: Survey, answers: Mapping[str, Answer], now: datetime
) -> FollowUp | None:
    """The loop rule these answers match, if any; none for an anonymous survey (nobody can be
    followed up without being identified)."""
    return None if survey.anonymous else follow_up(config.rules, answers, now)


def _queue_follow_up(
    conn: Connection,
    config: FeedbackConfig,
    survey: Survey,
    response_id: str,
    answers: Mapping[str, Answer],
    now: datetime,
) -> str | None:
    """Queue the follow-up a loop rule asks for (one task per response); the matching rule."""
    wanted = _wanted(config, survey, answers, now)
    if wanted is None:
        return None
    queue(
        conn,
        kind="task",
        dedupe_key=f"{FOLLOW_UP_TASK}:{response_id}",
        payload={"task": FOLLOW_UP_TASK, "response_id": response_id, "at": now.isoformat()},
        now=now,
    )
    return wanted.rule


def follow_up_response(
    conn: Connection,
    config: FeedbackConfig,
    bus: EventBus,
    response_id: str,
    at: datetime,
    cache: dict[str, Survey] | None = None,
) -> str | None:
    """The queued closed loop of one response (the worker's ``feedback.follow_up`` task): open
    its follow-up, due from the time of the answer, and hand it to the helpdesk. Idempotent: a
    response has at most one follow-up, so a task delivered twice opens nothing the second
    time. None when nothing was opened (already followed up, erased meanwhile, no rule)."""
    row = store.by_id(conn, response_id)
    if row is None or row["customer_id"] is None:
        return None  # erased or anonymised since it was queued
    survey = _survey(conn, row["survey_id"], cache)
    given = store.answers_of(conn, response_id)
    return _close_the_loop(conn, config, bus, survey, response_id, row["customer_id"], given, at)


def _context_kind(trigger: object) -> str | None:
    kinds = {
        "case_resolved": "case",
        "order_delivered": "order",
        "chat_ended": "chat",
        "days_after_purchase": "order",
    }
    return kinds.get(str(trigger)) if trigger else None


def _close_the_loop(
    conn: Connection,
    config: FeedbackConfig,
    bus: EventBus,
    survey: Survey,
    response_id: str,
    customer_id: str | None,
    answers: Mapping[str, Answer],
    now: datetime,
) -> str | None:
    """Open one follow-up per response when a rule matches; publish it for the helpdesk."""
    wanted = _wanted(config, survey, answers, now)
    if wanted is None:
        return None
    fid = new_id()
    fresh = loop_store.insert_followup(
        conn,
        {
            "id": fid,
            "response_id": response_id,
            "customer_id": customer_id,
            "survey_key": survey.key,
            "rule": wanted.rule,
            "reason": wanted.reason,
            "opened_at": now,
            "due_at": wanted.due_at,
            "owner": wanted.owner,
        },
    )
    if not fresh:
        return None
    score = next((a.score for a in answers.values() if a.score is not None), None)
    comment = " ".join(a.text for a in answers.values() if a.text) or None
    bus.publish(
        FollowUpRequested(
            fid,
            response_id,
            customer_id,
            survey.key,
            wanted.rule,
            wanted.reason,
            score,
            comment,
            wanted.due_at,
            wanted.owner,
        ),
        conn,
    )
    return fid


def opt_out(conn: Connection, config: FeedbackConfig, token: str, now: datetime) -> bool:
    """The customer behind ``token`` gets no more surveys; their pending invitations cancel."""
    try:
        claims = verify(config.secret_key, token, now)
    except BadToken as exc:
        raise LinkInvalid(f"opt-out link refused: {exc}") from None
    row = invites.get(conn, claims.invitation_id)
    if row is None or row["token_hash"] != token_hash(token) or not row["customer_id"]:
        raise LinkInvalid("opt-out link refused: unknown invitation")
    invites.cancel_for(conn, row["customer_id"])
    return invites.opt_out(conn, row["customer_id"], now, "link")


def _erased(config: FeedbackConfig, conn: Connection, customer_id: str | None) -> bool:
    """Whether ``customer_id`` names an erased person (the customers slice's published read)."""
    if customer_id is None:
        return False
    found = config.contacts(conn, [customer_id]).get(customer_id)
    return found is not None and found.erased


def import_response(
    conn: Connection,
    config: FeedbackConfig,
    bus: EventBus,
    *,
    source: str,
    external_id: str,
    survey_key: str,
    customer_id: str | None,
    values: Mapping[str, Any],
    submitted_at: datetime,
    language: str | None,
    completed: bool,
) -> Recorded:
    """A response from another tool (API): idempotent on ``(source, external_id)``."""
    survey = get_survey(conn, survey_key)
    given = parse_answers(survey, values)
    found = store.by_external(conn, source, external_id)
    owner = found["customer_id"] if found is not None else customer_id
    if _erased(config, conn, owner) or _erased(config, conn, customer_id):
        return Recorded(str(found["id"]) if found else "", False, False, None, dropped=True)
    if found is not None:
        earlier = store.answers_of(conn, found["id"])
        if all(earlier.get(k) == a for k, a in given.items()):
            return Recorded(str(found["id"]), bool(found["completed"]), False, None)
        store.update_response(
            conn,
            found["id"],
            submission=submission(merge(earlier, given, overwrite_scores=True)),
            completed=completed,
        )
        store.write_answers(conn, found["id"], given, language)
        return Recorded(str(found["id"]), completed, True, None)
    rid = store.insert_response(
        conn,
        {
            "source": source,
            "external_id": external_id,
            "survey_id": survey.id,
            "customer_id": None if survey.anonymous else customer_id,
            "submitted_at": submitted_at,
            "channel": "api",
            "language": language,
            "completed": completed,
            "submission": submission(given),
        },
    )
    store.write_answers(conn, rid, given, language)
    customer = None if survey.anonymous else customer_id
    bus.publish(ResponseRecorded(rid, survey.key, customer, completed, True), conn)
    return Recorded(rid, completed, True, None)


def follow_up_partials(
    conn: Connection,
    config: FeedbackConfig,
    bus: EventBus,
    now: datetime,
    after: timedelta = timedelta(hours=1),
) -> int:
    """Run the closed loop for responses left partial (a score, no comment) for ``after``."""
    opened = 0
    for row in store.stale_partials(conn, now - after):
        survey = by_id(conn, row["survey_id"])
        if survey is None:
            continue
        given = store.answers_of(conn, row["id"])
        fid = _close_the_loop(conn, config, bus, survey, row["id"], row["customer_id"], given, now)
        opened += fid is not None
    return opened


def _webhooks(
    conn: Connection,
    hooks: Sequence[Subscription],
    body: dict[str, Any],
    *,
    created: bool,
    completed: bool,
    now: datetime,
) -> None:
    """Each response event to each subscription that wants it, once, through the outbox (a
    ``feedback.webhook`` task: signed with the subscription's secret, retried with backoff,
    replayable with ``opencx outbox retry``)."""
    events = [
        e for e, on in (("response.created", created), ("response.completed", completed)) if on
    ]
    for hook in hooks:
        for event in events:
            if hook.wants(event):
                queue(
                    conn,
                    kind="task",
                    dedupe_key=f"{WEBHOOK_TASK}:{event}:{body['response_id']}:{hook.id}",
                    payload={
                        "task": WEBHOOK_TASK,
                        "subscription": hook.id,
                        "body": {"event": event, **body},
                    },
                    now=now,
                )
