"""History loads in bulk through the slice's rules: surveys checked and stored as version 1 with
their questions, answers typed from the values, an invitation responded exactly when answered,
anonymous answers unlinked; a broken rule refuses the whole load and names the row."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from opencx.app import Services
from opencx.core import Conflict, FixedClock, InvalidInput
from opencx.db.schema import answers, invitations, responses, survey_questions, surveys

from .conftest import add_customer

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
CSAT = {
    "key": "csat-past",
    "kind": "csat",
    "name": "How did we help?",
    "languages": ["nl", "en"],
    "questions": [
        {"key": "csat", "type": "csat", "text": {"nl": "Tevreden?", "en": "Satisfied?"}},
        {"key": "why", "type": "text", "text": {"nl": "Waarom?", "en": "Why?"}},
    ],
}
PULSE = {
    "key": "pulse-past",
    "kind": "enps",
    "name": "Pulse",
    "questions": [{"key": "enps", "type": "nps", "text": {"en": "Recommend working here?"}}],
}


def _history(customers: list[str]) -> dict[str, Any]:
    a, b = customers
    return {
        "surveys": copy.deepcopy([CSAT, PULSE]),
        "invitations": {
            "id": ["i1", "i2"],
            "survey": ["csat-past", "csat-past"],
            "customer_id": [a, b],
            "channel": ["email", "email"],
            "trigger": ["case_resolved", "case_resolved"],
            "trigger_ref": ["k1", "k2"],
            "sent_at": [T0, T0],
            "opened_at": [T0 + timedelta(hours=1), None],
        },
        "responses": {
            "id": ["r1", "r2"],
            "survey": ["csat-past", "pulse-past"],
            "source": ["old-tool", "old-tool"],
            "external_id": ["x1", "x2"],
            "invitation_id": ["i1", None],
            "customer_id": [a, a],
            "submitted_at": [T0 + timedelta(hours=2), T0 + timedelta(days=3)],
            "language": ["nl", "en"],
            "values": [{"csat": "2", "why": " Te traag "}, {"enps": 9}],
        },
    }


def _rows(services: Services, table: sa.Table, order: sa.ColumnElement[Any]) -> list[Any]:
    with services.engine.connect() as conn:
        return list(conn.execute(sa.select(table).order_by(order)).mappings())


def test_history_goes_through_the_slices_rules(
    services: Services, clock: FixedClock, customer: Any
) -> None:
    people = [customer(), customer()]
    with services.engine.begin() as conn:
        counts = services.feedback.load_history(conn, **_history(people))
    assert counts == {
        "surveys": 2,
        "survey_questions": 3,
        "invitations": 2,
        "responses": 2,
        "answers": 3,
    }
    stored = _rows(services, surveys, surveys.c.key)
    assert [(s["key"], s["version"]) for s in stored] == [("csat-past", 1), ("pulse-past", 1)]
    assert services.feedback.survey("pulse-past").anonymous  # eNPS is anonymous by design
    scales = {
        q["key"]: (q["scale_min"], q["scale_max"])
        for q in _rows(services, survey_questions, survey_questions.c.key)
    }
    assert scales == {"csat": (1, 5), "enps": (0, 10), "why": (None, None)}
    i1, i2 = _rows(services, invitations, invitations.c.id)
    assert (i1["status"], i1["responded_at"]) == ("responded", T0 + timedelta(hours=2))
    assert (i2["status"], i2["responded_at"]) == ("sent", None)
    assert i1["token_hash"] and i1["token_hash"] != i2["token_hash"]
    r1, r2 = _rows(services, responses, responses.c.id)
    assert r1["submission"] == {"csat": 2, "why": "Te traag"} and r1["completed"]
    assert (r1["customer_id"], r1["invitation_id"]) == (people[0], "i1")
    assert (r2["customer_id"], r2["invitation_id"]) == (None, None)  # nothing links it back
    typed = [
        (a["response_id"], a["question_key"], a["question_type"], a["score"], a["text"])
        for a in _rows(services, answers, answers.c.question_key)
    ]
    assert sorted(typed) == [
        ("r1", "csat", "csat", 2, None),
        ("r1", "why", "text", None, "Te traag"),
        ("r2", "enps", "nps", 9, None),
    ]


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        (
            lambda h: h["responses"]["values"].__setitem__(0, {"csat": 7}),
            "response 1 (old-tool/x1): survey 'csat-past' question 'csat': 7 is outside",
        ),
        (lambda h: h["responses"]["values"].__setitem__(1, {"nope": 1}), "no question 'nope'"),
        (lambda h: h["responses"]["survey"].__setitem__(0, "gone"), "no survey 'gone'"),
        (lambda h: h["responses"]["invitation_id"].__setitem__(1, "i1"), "answered twice"),
        (lambda h: h["responses"]["invitation_id"].__setitem__(1, "i9"), "not in this history"),
        (lambda h: h["invitations"]["channel"].__setitem__(1, "pigeon"), "channel 'pigeon'"),
        (lambda h: h["surveys"][1].__setitem__("kind", "mood"), "kind 'mood'"),
        (lambda h: h["invitations"].pop("sent_at"), "column 'sent_at' is missing"),
        (
            lambda h: h["responses"]["submitted_at"].__setitem__(1, datetime(2025, 3, 4, 9)),
            "response 2 (old-tool/x2): submitted_at 2025-03-04T09:00:00 has no time zone",
        ),
        (
            lambda h: h["invitations"]["opened_at"].__setitem__(1, "2025-03-01"),
            "invitation 2: opened_at '2025-03-01' is not a time",
        ),
    ],
)
def test_a_broken_rule_refuses_the_whole_load(
    services: Services, clock: FixedClock, customer: Any, change: Any, refusal: str
) -> None:
    history = _history([customer(), customer()])
    change(history)
    with pytest.raises(InvalidInput, match=re.escape(refusal)), services.engine.begin() as conn:
        services.feedback.load_history(conn, **history)
    for table in (surveys, invitations, responses, answers):
        with services.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0


def test_a_stored_survey_is_not_created_again_but_can_be_answered(
    services: Services, clock: FixedClock
) -> None:
    services.feedback.create_from_template("csat", "csat-past", "Live", ["en"])
    someone = add_customer(services.engine, clock)
    history = _history([someone, someone])
    with pytest.raises(Conflict), services.engine.begin() as conn:
        services.feedback.load_history(conn, **history)
    history["surveys"] = [copy.deepcopy(PULSE)]
    history["responses"]["values"][0] = {"csat": 4, "why_high": "Snel"}  # the live template's
    with services.engine.begin() as conn:
        counts = services.feedback.load_history(conn, **history)
    assert counts["surveys"] == 1 and counts["responses"] == 2
