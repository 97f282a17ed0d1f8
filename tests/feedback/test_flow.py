"""The feedback loop through the real services on SQLite and PostgreSQL: invite (recontact
rules first), the email in the outbox with one-click links, a one-click score stored at once,
the comment completing it, idempotent double clicks, the follow-up event, anonymous surveys."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from opencx.app import Services
from opencx.core import Conflict, FixedClock, InvalidInput
from opencx.db.schema import answers, invitations, responses
from opencx.feedback.domain import FollowUpRequested, template
from opencx.feedback.service import LinkInvalid

from .conftest import BASE, outbox_rows, run_tasks


def _token(payload: dict[str, Any]) -> str:
    match = re.search(re.escape(BASE) + r"/r/([A-Za-z0-9_.-]+)\?score=", payload["text"])
    assert match, payload["text"]
    return match.group(1)


def test_invite_send_answer_and_close_the_loop(
    services: Services, customer: Any, clock: FixedClock
) -> None:
    fb = services.feedback
    fb.create_from_template("nps", "nps-order", "After your order", ["nl", "en"])
    ann, bob = customer(language="nl"), customer(consent_surveys=False)
    heard: list[FollowUpRequested] = []
    services.bus.subscribe(FollowUpRequested, lambda e, conn: heard.append(e))

    result = fb.invite("nps-order", [ann, bob])
    assert result.sent == 1
    assert [str(s.decision) for s in result.skipped] == ["not sent: no consent to surveys"]
    [mail] = outbox_rows(services.engine)
    assert mail["kind"] == "email" and mail["payload"]["to"].endswith("@example.nl")
    assert "Hoe waarschijnlijk" in mail["payload"]["text"]  # the customer's language
    assert "score=0" in mail["payload"]["html"] and "score=10" in mail["payload"]["html"]
    token = _token(mail["payload"])

    clock.advance(timedelta(days=12))
    again = fb.invite("nps-order", [ann])
    assert str(again.skipped[0].decision) == "not sent: surveyed 12 days ago (quiet period 30 days)"
    assert [s["rule"] for s in fb.skips(ann)] == ["quiet"]

    first = fb.respond(token, {"nps": 3}, finish=False)  # the one-click score
    assert not first.completed and first.follow_up is None  # the loop waits for the comment
    assert fb.respond(token, {"nps": 3}, finish=False).changed is False  # a double click
    opened = fb.open_survey(token)
    assert opened.answers["nps"].score == 3 and opened.language == "nl"
    done = fb.respond(token, {"nps": 3, "why_low": "De levering was te laat"}, finish=True)
    assert done.completed and done.response_id == first.response_id
    assert done.follow_up == "nps-detractor"
    assert (
        fb.respond(token, {"nps": 3, "why_low": "De levering was te laat"}, finish=True).changed
        is False
    )  # resubmission: no error, no change
    with pytest.raises(LinkInvalid, match="already answered"):
        fb.respond(token, {"nps": 10}, finish=True)

    with services.engine.connect() as conn:
        rows = conn.execute(
            sa.select(answers.c.question_key, answers.c.score, answers.c.text).order_by(
                answers.c.question_key
            )
        ).all()
        response = conn.execute(sa.select(responses)).mappings().one()
        inv = conn.execute(sa.select(invitations)).mappings().one()
    assert [tuple(r) for r in rows] == [
        ("nps", 3, None),
        ("why_low", None, "De levering was te laat"),
    ]
    assert response["submission"] == {"nps": 3, "why_low": "De levering was te laat"}
    assert response["completed"] and response["customer_id"] == ann
    assert inv["status"] == "responded" and inv["responded_at"] is not None

    assert heard == []  # the worker opens the follow-up, after the answer committed
    assert run_tasks(services).sent == 1
    assert [e.reason for e in heard] == ["nps score 3 ≤ 6"]
    [f] = fb.followups()
    assert f["customer_id"] == ann and f["due_at"] == clock.now() + timedelta(hours=48)
    clock.advance(timedelta(hours=5))
    assert fb.close_followup(f["id"])
    stats = fb.loop_stats()
    assert (stats.opened, stats.closed, stats.rate, stats.median_hours) == (1, 1, 1.0, 5.0)


def test_forged_expired_and_cancelled_links_are_refused(
    services: Services, customer: Any, clock: FixedClock
) -> None:
    fb = services.feedback
    fb.create_from_template("csat", "csat-case", "Help", ["en"])
    fb.invite("csat-case", [customer()])
    token = _token(outbox_rows(services.engine)[0]["payload"])
    head, _, sig = token.rpartition(".")
    with pytest.raises(LinkInvalid, match="bad signature"):
        fb.open_survey(f"{head}.{'A' * len(sig)}")
    with pytest.raises(InvalidInput, match="outside the 1–5 scale"):
        fb.respond(token, {"csat": 9}, finish=False)
    clock.advance(timedelta(days=31))
    with pytest.raises(LinkInvalid, match="expired"):
        fb.open_survey(token)


def test_opt_out_cancels_and_stops_invitations(services: Services, customer: Any) -> None:
    fb = services.feedback
    fb.create_from_template("nps", "nps-rel", "Relationship", ["en"])
    fb.create_from_template("ces", "ces-case", "Effort", ["en"])
    ann = customer()
    fb.invite("nps-rel", [ann])
    token = _token(outbox_rows(services.engine)[0]["payload"])
    assert fb.opt_out(token) is True and fb.opt_out(token) is False
    later = fb.invite("ces-case", [ann], at=None)
    assert later.skipped[0].decision.rule == "opted_out"


def test_anonymous_survey_keeps_no_link_to_the_person(services: Services, customer: Any) -> None:
    fb = services.feedback
    fb.create_from_template("enps", "pulse", "Pulse", ["en"])
    staff = customer()
    fb.invite("pulse", [staff])
    token = _token(outbox_rows(services.engine)[0]["payload"])
    got = fb.respond(token, {"enps": 2, "why_low": "Too much overtime"}, finish=True)
    assert got.follow_up is None  # nobody can be followed up anonymously
    with services.engine.connect() as conn:
        row = conn.execute(sa.select(responses)).mappings().one()
    assert row["customer_id"] is None and row["invitation_id"] is None
    assert staff not in str(dict(row)) and "inv" not in row["external_id"]


def test_versions_keep_answered_keys(services: Services, customer: Any) -> None:
    fb = services.feedback
    fb.create_from_template("csat", "csat-case", "Help", ["en"])
    with pytest.raises(Conflict, match="exists"):
        fb.create_survey(template("csat", "csat-case", "Again", ["en"]))
    fb.invite("csat-case", [customer()])
    fb.respond(_token(outbox_rows(services.engine)[0]["payload"]), {"csat": 4}, finish=False)
    from opencx.feedback.domain import parse_definition, to_definition

    raw = to_definition(fb.survey("csat-case"))
    raw["questions"][0]["text"]["en"] = "Happy?"
    assert fb.edit_survey("csat-case", parse_definition(raw)).version == 2
    assert fb.edit_survey("csat-case", parse_definition(raw)).version == 2  # no change: none made
    raw["kind"], raw["questions"][0] = "custom", {"key": "csat", "type": "text", "text": "?"}
    raw["questions"] = [raw["questions"][0]]
    with pytest.raises(InvalidInput):
        fb.edit_survey("csat-case", parse_definition(raw))
    assert fb.survey("csat-case").question("csat").text["en"] == "Happy?"


def test_a_score_left_without_comment_is_followed_up_after_an_hour(
    services: Services, customer: Any, clock: FixedClock
) -> None:
    fb = services.feedback
    fb.create_from_template("csat", "csat-case", "Help", ["en"])
    fb.invite("csat-case", [customer()])
    fb.respond(_token(outbox_rows(services.engine)[0]["payload"]), {"csat": 1}, finish=False)
    assert fb.run_jobs()["follow-ups"] == 0 and fb.followups() == []
    clock.advance(timedelta(hours=1))
    assert fb.run_jobs()["follow-ups"] == 1
    assert fb.run_jobs()["follow-ups"] == 0
    assert [f["reason"] for f in fb.followups()] == ["csat score 1 ≤ 2"]
