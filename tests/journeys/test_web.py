"""``/journeys`` and ``/api/journeys/...`` on a small store: what an analyst sees, downloads
and may ask, and who may not."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.journeys import pages
from opencx.journeys.domain import (
    FRICTION_OUTCOMES,
    GOALS,
    LEVELS,
    PATH_OUTCOMES,
    PERIOD_DAYS,
    WINDOW_DAYS,
)
from opencx.journeys.service import FRICTION_FIELDS, PATH_FIELDS
from opencx.journeys.service.experiments import RESULT_FIELDS
from opencx.journeys.store.tables import exposures
from opencx.settings import Settings
from tests.journeys.data import load

PASSWORD = "pass-word-1"


@pytest.fixture
def services(sqlite_engine: Engine, clock: FixedClock) -> Services:
    load(sqlite_engine)
    settings = Settings(database_url=str(sqlite_engine.url), secret_key="journeys-web")
    return build(settings, clock=clock, engine=sqlite_engine)


def _client(services: Services, role: str) -> Iterator[TestClient]:
    email = f"{role}@example.org"
    services.access.create_user(email, role=role, password=PASSWORD)
    with TestClient(create_app(services.settings, services=services)) as client:
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
        assert token
        data = {"email": email, "password": PASSWORD, "csrf_token": token[1]}
        client.post("/login", data=data)
        yield client


@pytest.fixture
def analyst(services: Services) -> Iterator[TestClient]:
    yield from _client(services, "analyst")


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]+)"', select[0])


def test_the_page_offers_exactly_what_the_code_accepts(analyst: TestClient) -> None:
    paths = analyst.get("/journeys?tab=paths&outcome=case&days=30")
    assert paths.status_code == 200
    assert _options(paths.text, "outcome") == list(PATH_OUTCOMES)
    assert _options(paths.text, "days") == [str(d) for d in PERIOD_DAYS]
    assert _options(paths.text, "level") == list(LEVELS)
    assert 'id="paths"' in paths.text and "Most common paths to case opened" in paths.text
    friction = analyst.get("/journeys?tab=friction")
    assert _options(friction.text, "outcome") == list(FRICTION_OUTCOMES)
    assert 'id="friction"' in friction.text and 'name="steps"' not in friction.text


def test_a_typed_link_out_of_the_choices_is_refused_by_name(analyst: TestClient) -> None:
    bad = analyst.get("/journeys?tab=friction&outcome=purchase")
    assert bad.status_code == 422 and "friction outcome" in bad.text
    assert analyst.get("/journeys?days=45").status_code == 422
    assert "expected a date" in analyst.get("/journeys?until=soon").text
    assert analyst.get("/journeys?tab=map").status_code == 422


def test_the_csv_is_the_table(analyst: TestClient) -> None:
    got = analyst.get("/journeys/paths.csv?outcome=low_score&days=30&steps=2")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "attachment" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert tuple(rows[0]) == PATH_FIELDS and all(int(r["steps"]) <= 2 for r in rows)
    api = analyst.get("/api/journeys/paths?outcome=low_score&days=30&steps=2&limit=500").json()
    assert [r["path"] for r in api["rows"]] == [r["path"] for r in rows]
    assert api["query"]["steps"] == 2 and api["customers"] == sum(int(r["customers"]) for r in rows)
    friction = analyst.get("/journeys/friction.csv?outcome=no_return&level=touchpoint")
    assert friction.status_code == 200 and friction.text.startswith("touchpoint,exposed")
    assert tuple(friction.text.splitlines()[0].split(",")) == FRICTION_FIELDS


def test_the_friction_tab_says_how_the_flag_is_adjusted(
    analyst: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "MIN_EXPOSED", 1)  # the small data set's touchpoints: 4-20 each
    page = analyst.get("/journeys?tab=friction&outcome=case&level=touchpoint")
    api = analyst.get("/api/journeys/friction?outcome=case&level=touchpoint&min_exposed=1").json()
    m = api["comparisons"]
    assert m == len(api["rows"]) > 1
    shown = re.search(r'<span id="friction-adjustment">(.*?)</span>', page.text, re.S)
    assert shown and "Bonferroni-adjusted" in shown.group(1) and f"m = {m})" in shown.group(1)
    assert f"{100 * (1 - 0.05 / max(m, 1)):.2f}%" in shown.group(1)
    assert "<th>95% interval</th><th>Adjusted interval</th>" in page.text
    flagged = re.findall(r'<tr class="flag"><td>([^<]*)</td>', page.text)
    assert flagged == [r["touchpoint"] for r in api["rows"] if r["real"]]


def test_the_api_answers_and_refuses(analyst: TestClient) -> None:
    body = analyst.get("/api/journeys/friction?outcome=case&min_exposed=1").json()
    assert body["query"]["outcome"] == "case" and body["rows"]
    lows = [r["adjusted_lower"] for r in body["rows"] if r["adjusted_lower"] is not None]
    assert lows == sorted(lows, reverse=True)
    m = len(lows)
    assert body["adjustment"] == "bonferroni" and body["comparisons"] == m
    assert body["adjusted_confidence"] == pytest.approx(1 - 0.05 / max(m, 1))
    for r in body["rows"]:
        assert r["real"] == (r["adjusted_lower"] is not None and r["adjusted_lower"] > 0)
        if r["real"]:  # flagged after the adjustment: its plain 95% interval is above 0 too
            assert r["difference_lower"] > 0 and r["adjusted_lower"] <= r["difference_lower"]
    refused = analyst.get("/api/journeys/paths?outcome=no_purchase")
    assert refused.status_code == 422 and "path outcome" in refused.text


def test_agents_do_not_see_journeys(services: Services) -> None:
    for client in _client(services, "agent"):
        assert 'href="/journeys"' not in client.get("/data").text
        assert client.get("/journeys").status_code == 403
        assert client.get("/api/journeys/paths").status_code == 403
        assert client.get("/api/journeys/experiments").status_code == 403


EXPERIMENT = {
    "key": "free-ship",
    "name": "Free shipping banner",
    "hypothesis": "Showing free shipping lifts conversion",
    "goal": "conversion",
    "window_days": 60,
    "start": "2026-01-01",
    "stop": "2026-03-01",
    "variants": [{"key": "control"}, {"key": "banner", "weight": 1}],
}


def test_experiments_through_the_api_and_the_tab(analyst: TestClient, services: Services) -> None:
    """The API defines, starts, assigns and analyses; the tab offers what the code accepts,
    names a refused field, creates, starts, warns of a sample-ratio mismatch, downloads."""
    key = services.access.create_api_key("experiments", ["journeys:*"]).secret
    analyst.headers["Authorization"] = f"Bearer {key}"  # an API key, as the site's would be
    bad = analyst.post("/api/journeys/experiments", json={**EXPERIMENT, "window_days": 10})
    assert bad.status_code == 422 and "window_days 10: one of 7, 14" in bad.text
    made = analyst.post("/api/journeys/experiments", json=EXPERIMENT)
    assert made.status_code == 201 and made.json()["status"] == "draft"
    assert analyst.post("/api/journeys/experiments", json=EXPERIMENT).status_code == 409
    assert (
        analyst.post(
            "/api/journeys/experiments/free-ship/assignments", json={"customer_id": "c0001"}
        ).status_code
        == 409
    )  # a draft assigns nobody
    assert analyst.post("/api/journeys/experiments/free-ship/start").json()["status"] == "running"
    first = analyst.post(
        "/api/journeys/experiments/free-ship/assignments", json={"customer_id": "c0001"}
    ).json()
    again = analyst.post(
        "/api/journeys/experiments/free-ship/assignments", json={"customer_id": "c0001"}
    ).json()
    assert first["new"] and not again["new"] and first["variant"] == again["variant"]
    services.journeys.experiments.expose("free-ship", [f"c{i:04d}" for i in range(30)])
    got = analyst.get("/api/journeys/experiments/free-ship/analysis").json()
    assert got["exposed"] == 24 and got["comparisons"] == 1  # 30 ids, 6 merged into others
    assert [r["variant"] for r in got["rows"]] == ["control", "banner"]
    assert got["srm_mismatch"] is False and got["rows"][1]["p_value"] is not None
    del analyst.headers["Authorization"]  # the page, as the signed-in analyst
    page = analyst.get("/journeys?tab=experiments")
    assert _options(page.text, "goal") == list(GOALS)
    assert _options(page.text, "window_days") == [str(w) for w in WINDOW_DAYS]
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert csrf
    form = {
        **{k: v for k, v in EXPERIMENT.items() if k != "variants"},
        "key": "by-form",
        "variant_key": ["control", "banner", "", ""],
        "variant_weight": ["1", "0", "1", "1"],
        "csrf_token": csrf[1],
    }
    bad = analyst.post("/journeys/experiments", data=form)
    assert bad.status_code == 422 and "variants[1].weight 0.0" in bad.text
    assert 'value="by-form"' in bad.text  # the form comes back filled
    form["variant_weight"] = ["1", "1", "1", "1"]
    made = analyst.post("/journeys/experiments", data=form, follow_redirects=False)
    assert made.status_code == 303
    started = analyst.post("/journeys/experiments/by-form/start", data={"csrf_token": csrf[1]})
    assert started.status_code == 200 and 'id="experiment-stop"' in started.text
    experiment = services.journeys.experiments.get("by-form")
    with services.engine.begin() as conn:  # every exposure recorded in the control: broken
        conn.execute(
            exposures.insert(),
            [
                {
                    "id": f"x{i}",
                    "experiment_id": experiment.id,
                    "customer_id": f"c{i:04d}",
                    "variant": "control",
                    "exposed_at": services.clock.now(),
                }
                for i in range(24)
            ],
        )
    shown = analyst.get("/journeys?tab=experiments&experiment=by-form")
    assert 'id="srm-warning"' in shown.text and "do not trust these results" in shown.text
    got = analyst.get("/journeys/experiments/by-form.csv")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert tuple(rows[0]) == RESULT_FIELDS and [r["exposed"] for r in rows] == ["24", "0"]
