"""Agent quality: scoring rules (weights, N/A, critical items), calibration, coaching; reviews
of worked cases through the API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from opencx.access.service import AccessService
from opencx.app import Services, create_app
from opencx.core import InvalidInput
from opencx.helpdesk.domain.quality import (
    calibrate,
    coaching_needs,
    score,
    scorecard_from_dict,
)
from opencx.helpdesk.service import OpenCase

CARD: dict[str, Any] = {
    "key": "email-qa",
    "name": "Email quality",
    "sections": [
        {"name": "Opening", "questions": [{"key": "greet", "text": "Greets by name", "weight": 1}]},
        {
            "name": "Solution",
            "questions": [
                {"key": "solved", "text": "Solves the problem", "weight": 3, "max_points": 4},
                {"key": "identity", "text": "Verifies identity", "weight": 2, "critical": True},
            ],
        },
    ],
}
card = scorecard_from_dict(CARD)


def test_weights_not_applicable_and_critical_items() -> None:
    assert score(card, {"greet": 1, "solved": 4, "identity": 1}) == 100.0
    assert score(card, {"greet": 0, "solved": 2, "identity": 1}) == pytest.approx(100 * 3.5 / 6)
    assert score(card, {"greet": None, "solved": 4, "identity": 1}) == 100.0  # N/A leaves out
    assert score(card, {"greet": 1, "solved": 4, "identity": 0}) == 0.0
    with pytest.raises(InvalidInput, match="critical question"):
        score(card, {"greet": 1, "solved": 4})
    with pytest.raises(InvalidInput, match=r"solved = 5 is outside 0\.\.4"):
        score(card, {"greet": 1, "solved": 5, "identity": 1})


answers = st.fixed_dictionaries(
    {
        "greet": st.one_of(st.none(), st.integers(0, 1)),
        "solved": st.one_of(st.none(), st.integers(0, 4)),
        "identity": st.integers(0, 1),
    }
)


@given(answers)
def test_a_score_is_between_0_and_100_and_more_points_never_lower_it(a: dict[str, Any]) -> None:
    value = score(card, a)
    assert 0 <= value <= 100
    if a["solved"] is not None and a["solved"] < 4:
        assert score(card, {**a, "solved": a["solved"] + 1}) >= value


def test_calibration_and_coaching() -> None:
    a = {"greet": 1, "solved": 4, "identity": 1}
    b = {"greet": 0, "solved": 2, "identity": 1}
    c = calibrate(card, [a, b])
    assert c.reviews == 2 and c.spread == pytest.approx(100 - 100 * 3.5 / 6)
    assert c.disagreements == ("greet", "solved")
    assert [n[0] for n in coaching_needs(card, [a, b, b])] == ["greet", "solved"]


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def test_reviews_of_a_worked_case_through_the_api(client: TestClient, services: Services) -> None:
    case = services.helpdesk.open_case(
        OpenCase(channel="email", subject="Hi", body="?", email="a@b.nl")
    )
    services.helpdesk.reply(case.id, "cy@shop.nl", body="Hello", status="resolved")
    access = AccessService(services.engine, services.clock)
    writer = {"Authorization": f"Bearer {access.create_api_key('lead', ['helpdesk:*']).secret}"}
    assert client.put("/api/helpdesk/qa/scorecards", json=CARD, headers=writer).status_code == 200
    for answers in (
        {"greet": 1, "solved": 4, "identity": 1},
        {"greet": 0, "solved": 2, "identity": 1},
    ):
        r = client.post(
            f"/api/helpdesk/cases/{case.id}/reviews",
            json={"scorecard": "email-qa", "answers": answers},
            headers=writer,
        )
        assert r.status_code == 201 and r.json()["agent"] == "cy@shop.nl"
    cal = client.get(
        f"/api/helpdesk/cases/{case.id}/calibration?scorecard=email-qa", headers=writer
    ).json()
    assert cal["reviews"] == 2 and cal["disagreements"] == ["greet", "solved"]
    coach = client.get(
        "/api/helpdesk/agents/cy@shop.nl/coaching?scorecard=email-qa", headers=writer
    ).json()
    assert [n["question"] for n in coach["needs"]] == ["greet", "solved"]
    bad = client.post(
        f"/api/helpdesk/cases/{case.id}/reviews",
        json={"scorecard": "email-qa", "answers": {"nope": 1}},
        headers=writer,
    )
    assert bad.status_code == 422 and "nope" in bad.json()["detail"]


def test_the_quality_pages_define_review_calibrate_and_coach(
    client: TestClient, services: Services
) -> None:
    case = services.helpdesk.open_case(
        OpenCase(channel="email", subject="Hi", body="?", email="a@b.nl")
    )
    services.helpdesk.reply(case.id, "cy@shop.nl", body="Hello", status="resolved")
    access = AccessService(services.engine, services.clock)
    for email in ("lead@shop.nl", "coach@shop.nl"):
        access.create_user(email, role="admin", password="correct-horse-9")
    csrf = re.compile(r'name="csrf_token" value="([^"]+)"')

    def log_in(email: str) -> str:
        client.cookies.clear()
        token = csrf.search(client.get("/login").text)
        assert token
        client.post(
            "/login",
            data={"email": email, "password": "correct-horse-9", "csrf_token": token.group(1)},
        )
        page = csrf.search(client.get("/helpdesk/quality").text)
        assert page
        return page.group(1)

    token = log_in("lead@shop.nl")
    assert "No scorecards yet" in client.get("/helpdesk/quality").text
    bad = client.post(
        "/helpdesk/quality/scorecards",
        data={"definition": json.dumps({**CARD, "sections": []}), "csrf_token": token},
    )
    assert bad.status_code == 422 and "has no questions" in bad.text
    saved = client.post(
        "/helpdesk/quality/scorecards",
        data={"definition": json.dumps(CARD), "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    console = client.get(f"/helpdesk/cases/{case.id}").text
    assert "Review this conversation" in console
    form = client.get(f"/helpdesk/cases/{case.id}/review").text
    assert 'name="q:identity"' in form and 'value="na"' in form
    missing = client.post(
        f"/helpdesk/cases/{case.id}/review",
        data={"card": "email-qa", "q:greet": "1", "q:solved": "4", "csrf_token": token},
    )
    assert missing.status_code == 422 and "critical question" in missing.text
    for email, answers in (
        ("lead@shop.nl", {"q:greet": "1", "q:solved": "4", "q:identity": "1"}),
        ("coach@shop.nl", {"q:greet": "0", "q:solved": "2", "q:identity": "1"}),
    ):
        token = log_in(email)
        r = client.post(
            f"/helpdesk/cases/{case.id}/review",
            data={"card": "email-qa", **answers, "comment": "ok", "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 303
    page = client.get("/helpdesk/quality?card=email-qa").text
    agents = page.split('id="qa-agents"')[1].split("</table>")[0]
    assert "cy@shop.nl" in agents and "greet" in agents and "solved" in agents
    calibration = page.split('id="qa-calibration"')[1].split("</table>")[0]
    assert case.id in calibration and "greet, solved" in calibration
