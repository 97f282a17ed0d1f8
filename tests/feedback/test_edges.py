"""The feedback API, dashboard pages and public survey pages through the real app, and the CLI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.db.schema import invitations, responses
from opencx.settings import Settings

from .conftest import BASE, add_customer, outbox_rows, run_tasks

EVIL = "<script>alert('x')</script>"


@pytest.fixture
def services(sqlite_engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(database_url=str(sqlite_engine.url), secret_key="k", base_url=BASE)
    return build(settings, clock=clock, engine=sqlite_engine)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


@pytest.fixture
def keys(services: Services) -> dict[str, dict[str, str]]:
    access = AccessService(services.engine, services.clock)
    made = {"read": ["feedback:read"], "write": ["feedback:write", "feedback:read"]}
    return {
        name: {"Authorization": f"Bearer {access.create_api_key(name, s).secret}"}
        for name, s in made.items()
    }


def test_api_creates_edits_invites_and_imports(
    client: TestClient, keys: Any, services: Services, clock: FixedClock
) -> None:
    r = client.post(
        "/api/feedback/surveys",
        json={"key": "nps-x", "template": "nps", "name": "X"},
        headers=keys["read"],
    )
    assert r.status_code == 403
    r = client.post(
        "/api/feedback/surveys",
        json={"key": "nps-x", "template": "nps", "name": "X"},
        headers=keys["write"],
    )
    assert r.status_code == 201 and r.json()["version"] == 1
    definition = r.json()["definition"]
    definition["questions"][0]["text"]["da"] = "Ville du anbefale os?"
    r = client.put("/api/feedback/surveys/nps-x", json=definition, headers=keys["write"])
    assert r.status_code == 200 and r.json()["version"] == 2
    again = client.put("/api/feedback/surveys/nps-x", json=definition, headers=keys["write"])
    assert again.status_code == 200 and again.json()["version"] == 2  # no change, no version 3
    bad = client.post(
        "/api/feedback/surveys",
        json={"key": "s", "name": "S", "questions": [{"key": "q", "type": "rating", "text": "Q"}]},
        headers=keys["write"],
    )
    assert bad.status_code == 422 and "rating question needs" in bad.json()["detail"]

    ann = add_customer(services.engine, clock)
    r = client.post(
        "/api/feedback/surveys/nps-x/invitations",
        json={"customer_ids": [ann, ann + "x"], "channel": "link"},
        headers=keys["write"],
    )
    body = r.json()
    assert r.status_code == 200 and body["sent"] == 1
    assert body["invitations"][0]["url"].startswith(BASE + "/r/")
    assert body["invitations"][1]["reason"] == "not sent: no such customer"

    item = {
        "external_id": "qx-1",
        "survey": "nps-x",
        "customer_id": ann,
        "submitted_at": "2025-06-01T10:00:00Z",
        "answers": {"nps": 9, "why_high": "Snel"},
    }
    r = client.post(
        "/api/feedback/responses/import",
        json={"source": "qualtrics", "responses": [item]},
        headers=keys["write"],
    )
    assert r.status_code == 200 and r.json()[0]["changed"] is True
    again = client.post(
        "/api/feedback/responses/import",
        json={"source": "qualtrics", "responses": [item]},
        headers=keys["write"],
    )
    assert again.json()[0] == {**r.json()[0], "changed": False}
    bad = client.post(
        "/api/feedback/responses/import",
        json={"responses": [{**item, "external_id": "qx-2", "answers": {"nps": 11}}]},
        headers=keys["write"],
    )
    assert bad.status_code == 422 and "qx-2" in bad.json()["detail"]


def test_a_mail_scanner_following_the_score_links_records_nothing(
    client: TestClient, services: Services, clock: FixedClock
) -> None:
    services.feedback.create_from_template("csat", "csat-x", "Help", ["en"])
    services.feedback.invite("csat-x", [add_customer(services.engine, clock, language="en")])
    html = outbox_rows(services.engine)[0]["payload"]["html"]
    links = sorted(set(re.findall(r"https://cx\.example(/r/[^\"?]+\?score=\d)", html)))
    assert len(links) == 5
    for link in links:  # a link checker GETs every link of the mail, some twice
        for _ in range(2):
            page = client.get(link)
            assert page.status_code == 200 and "Press Send to save it" in page.text
    with services.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(responses)).scalar() == 0
        inv = conn.execute(sa.select(invitations)).mappings().one()
    assert (inv["status"], inv["opened_at"], inv["responded_at"]) == ("sent", None, None)
    assert [m["kind"] for m in outbox_rows(services.engine)] == ["email"]  # no webhook, no task
    # a person's browser runs the page, whose script posts the picked score: now it is saved
    page = client.get(links[0])
    assert 'data-picked-key="csat" data-picked-score="1"' in page.text
    token_path = links[0].split("?")[0]
    body = json.dumps({"answers": {"csat": 1}, "finish": False})
    assert client.post(token_path + "/answers", content=body).json()["completed"] is False
    assert services.feedback.open_survey(token_path.rsplit("/", 1)[1]).answers["csat"].score == 1


def test_public_pages_one_click_then_comment(
    client: TestClient, services: Services, clock: FixedClock
) -> None:
    services.feedback.create_from_template("nps", "nps-x", f"Shop {EVIL}", ["nl", "da", "en"])
    ann = add_customer(services.engine, clock, language="da")
    services.feedback.invite("nps-x", [ann])
    text = outbox_rows(services.engine)[0]["payload"]["text"]
    url = re.search(r"https://cx\.example(/r/[^\s?]+)\?score=4", text)
    assert url
    path = url.group(1)
    page = client.get(path + "?score=4")
    assert page.status_code == 200
    assert 'lang="da"' in page.text and "Din vurdering er valgt" in page.text
    assert 'data-saved="Din vurdering er gemt' in page.text  # what the page's script shows
    assert EVIL not in page.text and "&lt;script&gt;" in page.text
    assert 'value="4" checked' in page.text
    assert client.get(path + "?score=4").status_code == 200  # a double click
    # the page's script saves the picked score (what a browser does, a link checker does not)
    saved = client.post(
        path + "/answers", content=json.dumps({"answers": {"nps": 4}, "finish": False})
    )
    assert saved.status_code == 200 and saved.json()["completed"] is False
    done = client.post(path, data={"nps": "4", "why_low": "For dyrt"})
    assert done.status_code == 200 and "Tak for din feedback!" in done.text
    assert client.post(path, data={"nps": "4", "why_low": "For dyrt"}).status_code == 200
    assert run_tasks(services).sent == 1
    assert services.feedback.followups()[0]["reason"] == "nps score 4 ≤ 6"
    gone = client.get("/r/not.a-token.x")
    assert gone.status_code == 410
    confirm = client.get(path + "/opt-out")
    assert confirm.status_code == 200 and "<form" in confirm.text
    assert client.post(path + "/opt-out").status_code == 200


def test_dashboard_pages_need_a_role_and_escape(client: TestClient, services: Services) -> None:
    services.feedback.create_from_template("csat", "csat-x", EVIL, ["nl", "en"])
    assert client.get("/feedback", follow_redirects=False).status_code == 303
    AccessService(services.engine, services.clock).create_user(
        "a@x.nl", role="admin", password="correct-horse-9"
    )
    login = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
    client.post(
        "/login", data={"email": "a@x.nl", "password": "correct-horse-9", "csrf_token": token}
    )
    page = client.get("/feedback")
    assert page.status_code == 200 and "csat-x" in page.text and EVIL not in page.text
    # no follow-up yet: no rate and no median (before: "0%" and "0.0 h")
    assert '>–</div><div class="label">loop closure rate<' in page.text
    assert "median time to close (none closed)" in page.text and "0.0 h" not in page.text
    editor = client.get("/feedback/surveys/csat-x?lang=nl")
    assert editor.status_code == 200 and "Hoe tevreden" in editor.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', editor.text).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/feedback/surveys/csat-x",
        data={"csrf_token": csrf, "name": "Help", "text:csat:en": "Happy?"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert services.feedback.survey("csat-x").version == 2
    same = client.post(  # saved again unchanged: no version 3, the page says so
        "/feedback/surveys/csat-x",
        data={"csrf_token": csrf, "name": "Help", "text:csat:en": "Happy?"},
        follow_redirects=False,
    )
    assert same.status_code == 200 and 'id="survey-notice">No change: nothing to save' in same.text
    assert services.feedback.survey("csat-x").version == 2
    assert client.get("/feedback/responses?survey=csat-x").status_code == 200
    new = client.post(
        "/feedback/surveys",
        data={
            "csrf_token": csrf,
            "kind": "ces",
            "key": "ces-x",
            "name": "Effort",
            "languages": ["el", "en"],
        },
        follow_redirects=False,
    )
    assert new.status_code == 303 and services.feedback.survey("ces-x").languages == ("el", "en")


def test_cli_creates_shows_edits_and_invites(
    services: Services, sqlite_url: str, tmp_path: Any, monkeypatch: Any, clock: FixedClock
) -> None:
    from opencx.cli import _mount, app

    _mount()
    monkeypatch.setenv("OPENCX_DATABASE_URL", sqlite_url)
    runner = CliRunner()
    r = runner.invoke(
        app,
        ["feedback", "create", "csat-cli", "--template", "csat", "--lang", "en", "--lang", "nl"],
    )
    assert r.exit_code == 0, r.output
    shown = runner.invoke(app, ["feedback", "show", "csat-cli"])
    path = tmp_path / "def.json"
    path.write_text(shown.output.replace("How satisfied", "How happy"))
    assert (
        "version 2"
        in runner.invoke(app, ["feedback", "edit", "csat-cli", "--file", str(path)]).output
    )
    again = runner.invoke(app, ["feedback", "edit", "csat-cli", "--file", str(path)]).output
    assert "no change: csat-cli stays at version 2" in again
    ann = add_customer(services.engine, clock, consent_surveys=False)
    out = runner.invoke(app, ["feedback", "invite", "csat-cli", ann]).output
    assert "not sent: no consent to surveys" in out
    bad = runner.invoke(app, ["feedback", "create", "x", "--template", "poll"])
    assert bad.exit_code == 1 and "survey kind 'poll'" in bad.output


def test_widget_script_and_json_answers(
    client: TestClient, services: Services, clock: FixedClock
) -> None:
    services.feedback.create_from_template("csat", "csat-app", "In the app", ["nl", "en"])
    ann = add_customer(services.engine, clock, language="nl")
    [invited] = services.feedback.invite("csat-app", [ann], channel="link").invited
    token = (invited.url or "").rsplit("/", 1)[1]
    script = client.get("/feedback/widget.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    meta = client.get(f"/r/{token}/survey.json").json()
    assert meta["scale"] == [1, 5] and meta["followups"] == {
        "1": "why_low",
        "2": "why_low",
        "3": "why_low",
        "4": "why_high",
        "5": "why_high",
    }
    assert meta["question"].startswith("Hoe tevreden")
    first = client.post(
        f"/r/{token}/answers", content=json.dumps({"answers": {"csat": 2}, "finish": False})
    )
    assert first.status_code == 200 and first.json()["completed"] is False
    assert first.headers["access-control-allow-origin"] == "*"
    done = client.post(
        f"/r/{token}/answers", content=json.dumps({"answers": {"csat": 2, "why_low": "Traag"}})
    )
    assert done.json() == {**done.json(), "completed": True}
    again = client.post(
        f"/r/{token}/answers", content=json.dumps({"answers": {"csat": 2, "why_low": "Traag"}})
    )
    assert again.status_code == 200 and again.json()["changed"] is False
    assert client.post(f"/r/{token}/answers", content="nope").status_code == 422
    assert client.post("/r/x.1.y/answers", content='{"answers": {}}').status_code == 410
