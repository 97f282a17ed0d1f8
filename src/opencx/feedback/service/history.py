"""History: surveys that were sent and answered before (the demo company's two years, another
tool's past), loaded in bulk through this slice's own rules, in the caller's transaction.

Loading history is not living it, as for imported orders: no invitation is mailed, no
recontact rule is applied (what happened, happened), no closed loop opens and no webhook fires.
What does hold, by the same code as a live survey:

- each survey is checked as if created (:func:`~opencx.feedback.domain.surveys.parse_definition`)
  and stored as version 1 with one question row per key (a key already stored is a conflict);
- each response's values are checked against its survey (:func:`parse_answers`: known question,
  score on the scale, choice offered, text length) and kept twice, as the submission and as one
  typed answer per question; it is complete when no required question is left;
- an anonymous survey keeps neither the customer nor the invitation of a response;
- an invitation carries the hash of its signed link and is ``responded`` exactly when one of
  the responses answers it, with that response's time.

Rows are written set-based: one ``executemany`` per table and batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core.errors import Conflict, InvalidInput
from opencx.core.ids import new_id
from opencx.feedback.domain.responses import missing_required, parse_answers, submission
from opencx.feedback.domain.surveys import Survey, parse_definition
from opencx.feedback.domain.tokens import token_hash
from opencx.feedback.service.config import FeedbackConfig
from opencx.feedback.service.distribution import token_for
from opencx.feedback.store import history as store
from opencx.feedback.store import surveys as survey_store
from opencx.feedback.store.responses import answer_rows

CHANNELS = ("email", "sms", "link", "web", "app", "api")

INVITATION_COLUMNS = ("survey", "customer_id", "channel", "trigger", "trigger_ref", "sent_at")
"""Required columns of ``invitations`` (optional: ``id``, ``opened_at``)."""
RESPONSE_COLUMNS = ("survey", "source", "external_id", "submitted_at", "values")
"""Required columns of ``responses`` (optional: ``id``, ``invitation_id``, ``customer_id``,
``channel``, ``language``, ``touchpoint``, ``context_kind``, ``context_id``)."""


def load_history(
    conn: Connection,
    config: FeedbackConfig,
    *,
    surveys: Sequence[Mapping[str, Any]],
    invitations: Mapping[str, Sequence[Any]],
    responses: Mapping[str, Sequence[Any]],
) -> dict[str, int]:
    """Store past ``surveys``, ``invitations`` and ``responses``; rows written per table.

    ``surveys`` are definitions as the API takes them, each with an optional ``id``.
    ``invitations`` and ``responses`` are columns of equal length (see
    :data:`INVITATION_COLUMNS`, :data:`RESPONSE_COLUMNS`): ``survey`` is a survey key (of
    these surveys or stored ones), times are tz-aware, ``values`` maps question keys to raw
    answers, ``invitation_id`` names one of these invitations.

    Raises
    ------
    InvalidInput
        A survey, invitation or response breaks a rule (the message names which one).
    Conflict
        A survey key is already stored.
    """
    made = _surveys(conn, surveys)
    by_key = dict(made)
    for key in {*invitations.get("survey", ()), *responses.get("survey", ())} - set(made):
        stored = survey_store.latest(conn, str(key))
        if stored is not None:
            by_key[str(key)] = stored
    inv = _invitations(config, invitations, by_key)
    resp, answered = _responses(responses, by_key, inv)
    for i, iid in enumerate(inv["id"]):
        if iid in answered:
            inv["responded_at"][i] = answered[iid]
            inv["status"][i] = "responded"
    store.insert_invitations(conn, inv)
    store.insert_responses(conn, resp["rows"])
    store.insert_answers(conn, resp["answers"])
    return {
        "surveys": len(made),
        "survey_questions": sum(len(s.questions) for s in made.values()),
        "invitations": len(inv["id"]),
        "responses": len(resp["rows"]),
        "answers": len(resp["answers"]),
    }


def _surveys(conn: Connection, definitions: Sequence[Mapping[str, Any]]) -> dict[str, Survey]:
    """The given surveys, checked and stored, and the stored ones they may refer to."""
    made: dict[str, Survey] = {}
    for raw in definitions:
        survey = parse_definition(raw, version=1, id=str(raw.get("id") or new_id()))
        if survey.key in made or survey_store.latest(conn, survey.key) is not None:
            raise Conflict(f"survey {survey.key!r} exists: history cannot create it again")
        made[survey.key] = survey
    store.insert_surveys(conn, list(made.values()))
    return made


def _survey(surveys: dict[str, Survey], key: Any, where: str) -> Survey:
    found = surveys.get(str(key))
    if found is None:
        raise InvalidInput(f"{where}: no survey {key!r} in this history")
    return found


def _columns(data: Mapping[str, Sequence[Any]], required: Sequence[str], what: str) -> int:
    missing = [c for c in required if c not in data]
    if missing:
        raise InvalidInput(f"{what}: column {missing[0]!r} is missing")
    sizes = {len(v) for v in data.values()}
    if len(sizes) > 1:
        raise InvalidInput(f"{what}: columns differ in length")
    return sizes.pop() if sizes else 0


def _when(value: Any, where: str, column: str, *, optional: bool = False) -> datetime | None:
    """``value`` if it is a time with a zone: a naive time would be read as UTC by one store
    and as local time by another, so history is refused rather than shifted."""
    if value is None and optional:
        return None
    if not isinstance(value, datetime):
        raise InvalidInput(f"{where}: {column} {value!r} is not a time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{where}: {column} {value.isoformat()} has no time zone")
    return value


def _invitations(
    config: FeedbackConfig, data: Mapping[str, Sequence[Any]], surveys: dict[str, Survey]
) -> dict[str, list[Any]]:
    n = _columns(data, INVITATION_COLUMNS, "invitations")
    ids = [str(i) for i in data["id"]] if "id" in data else [new_id() for _ in range(n)]
    survey_ids, hashes = [], []
    for i in range(n):
        where = f"invitation {i + 1}"
        survey = _survey(surveys, data["survey"][i], where)
        if data["channel"][i] not in CHANNELS:
            raise InvalidInput(f"{where}: channel {data['channel'][i]!r} is not one of {CHANNELS}")
        _when(data["sent_at"][i], where, "sent_at")
        if "opened_at" in data:
            _when(data["opened_at"][i], where, "opened_at", optional=True)
        survey_ids.append(survey.id)
        # the hash of the signed link it was sent with, as for a live invitation
        hashes.append(token_hash(token_for(config, ids[i], data["sent_at"][i])))
    return {
        "id": ids,
        "survey_id": survey_ids,
        "customer_id": list(data["customer_id"]),
        "channel": list(data["channel"]),
        "trigger": list(data["trigger"]),
        "trigger_ref": list(data["trigger_ref"]),
        "token_hash": hashes,
        "scheduled_at": list(data["sent_at"]),
        "sent_at": list(data["sent_at"]),
        "opened_at": list(data.get("opened_at") or [None] * n),
        "responded_at": [None] * n,
        "status": ["sent"] * n,
    }


def _responses(
    data: Mapping[str, Sequence[Any]],
    surveys: dict[str, Survey],
    invitations: Mapping[str, Sequence[Any]],
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, datetime]]:
    """Response rows and typed answer rows; the time each answered invitation was answered."""
    n = _columns(data, RESPONSE_COLUMNS, "responses")
    invited = dict(zip(invitations["id"], invitations["customer_id"], strict=True))
    optional = ("channel", "language", "touchpoint", "context_kind", "context_id")
    rows: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    answered: dict[str, datetime] = {}
    for i in range(n):
        where = f"response {i + 1} ({data['source'][i]}/{data['external_id'][i]})"
        survey = _survey(surveys, data["survey"][i], where)
        _when(data["submitted_at"][i], where, "submitted_at")
        try:
            given = parse_answers(survey, data["values"][i])
        except InvalidInput as exc:
            raise InvalidInput(f"{where}: {exc}") from None
        if not given:
            raise InvalidInput(f"{where}: no answer given")
        inv = data["invitation_id"][i] if "invitation_id" in data else None
        customer = data["customer_id"][i] if "customer_id" in data else None
        if inv is not None:
            if inv not in invited:
                raise InvalidInput(f"{where}: invitation {inv!r} is not in this history")
            if inv in answered:
                raise InvalidInput(f"{where}: invitation {inv!r} is answered twice")
            if invited[inv] != customer:
                raise InvalidInput(f"{where}: answered by someone else than invited")
            answered[inv] = data["submitted_at"][i]
        rid = str(data["id"][i]) if "id" in data else new_id()
        language = data["language"][i] if "language" in data else None
        row = {
            "id": rid,
            "source": str(data["source"][i]),
            "external_id": str(data["external_id"][i]),
            "survey_id": survey.id,
            "customer_id": None if survey.anonymous else customer,
            "invitation_id": None if survey.anonymous else inv,
            "submitted_at": data["submitted_at"][i],
            "completed": not missing_required(survey, given),
            "submission": submission(given),
        }
        row.update({c: (data[c][i] if c in data else None) for c in optional})
        rows.append(row)
        answers += answer_rows(rid, given, language)
    return {"rows": rows, "answers": answers}, answered
