"""Text analytics: language detection, sentiment learned from scores, themes, key drivers with a
planted effect recovered, trends, and the job that publishes ``answer_topics``."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import Services
from opencx.core import FixedClock
from opencx.feedback.domain.text import (
    ASPECTS,
    aspects_in,
    assign,
    detect,
    discover,
    fit,
    key_drivers,
    label_from_score,
    trending,
)
from opencx.feedback.store.tables import answer_topics

BAD = {
    "nl": [
        "de levering was veel te laat",
        "pakket kwam beschadigd aan",
        "niemand nam de telefoon op",
    ],
    "da": ["leveringen kom alt for sent", "pakken var i stykker", "ingen svarede telefonen"],
    "en": [
        "the delivery was far too late",
        "the parcel arrived damaged",
        "nobody answered the phone",
    ],
}
GOOD = {
    "nl": ["heel vriendelijk personeel", "snelle levering en goede prijs", "prima product"],
    "da": ["meget venligt personale", "hurtig levering og god pris", "fint produkt"],
    "en": ["very friendly staff", "fast delivery and a good price", "great product"],
}


def comments(n: int, seed: int = 3) -> list[tuple[str, str, int]]:
    """(language, comment, NPS score): unhappy comments with low scores and the other way."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lang = ["nl", "da", "en"][i % 3]
        good = rng.random() < 0.5
        text = " en " if lang == "nl" else (" og " if lang == "da" else " and ")
        phrases = rng.sample((GOOD if good else BAD)[lang], 2)
        out.append((lang, text.join(phrases), rng.choice([9, 10] if good else [0, 2, 4, 6])))
    return out


def test_language_is_detected_from_script_and_function_words() -> None:
    assert detect("Πολύ καλή εξυπηρέτηση") == "el"
    assert detect("de levering was heel snel") == "nl"
    assert detect("leveringen var meget hurtig og god") == "da"
    assert detect("the parcel was late and the staff was rude") == "en"
    assert detect("ok") is None


def test_scores_become_labels_leaving_the_middle_out() -> None:
    assert [label_from_score("nps", s, 0, 10) for s in (0, 6, 7, 8, 9)] == [0, 0, None, None, 1]
    assert [label_from_score("csat", s, 1, 5) for s in (1, 2, 3, 4, 5)] == [0, 0, None, 1, 1]
    assert [label_from_score("ces", s, 1, 7) for s in (1, 3, 4, 5, 7)] == [0, 0, None, 1, 1]


def test_sentiment_learned_from_scores_generalises_to_unseen_comments() -> None:
    data = comments(120)
    model = fit([t for _, t, _ in data], [label_from_score("nps", s, 0, 10) or 0 for *_, s in data])
    unseen_bad = ["de levering was te laat", "pakken var i stykker", "nobody answered"]
    unseen_good = ["vriendelijk personeel", "god pris", "friendly staff"]
    assert (model.score(unseen_bad) < 0).all() and (model.score(unseen_good) > 0).all()
    with pytest.raises(ValueError, match="both positive and negative"):
        fit(["a b", "c d"], [1, 1])


def test_themes_are_discovered_named_and_assigned_transparently() -> None:
    texts = [t for _, t, _ in comments(150)]
    themes = discover(texts, k=4)
    assert len(themes) == 4 and all(t.terms for t in themes)
    assert all(t.label == ", ".join(list(t.terms)[:3]) for t in themes)
    tagged = [assign(t, themes) for t in texts]
    assert sum(1 for t in tagged if t) / len(tagged) > 0.8


def test_an_aspect_is_found_by_its_words_in_every_language() -> None:
    said = {
        "The parcel arrived two days late": ["Delivery"],
        "Het pakket kwam te laat en was duur": ["Delivery", "Price and value"],
        "Leveringen tog alt for lang tid": ["Delivery"],
        "Το δέμα ήρθε νωρίτερα από το αναμενόμενο": ["Delivery"],
        "Ik wacht nog steeds op mijn terugbetaling": ["Returns and refunds"],
        "Η εφαρμογή με αποσύνδεσε κατά την πληρωμή": ["Website and app"],
        "Personalet var virkelig venlige": ["Staff and service"],
        "I really appreciate it": [],  # 'app' is a whole word, not a beginning
        "": [],
    }
    for text, aspects in said.items():
        assert aspects_in(text) == aspects, text
    assert set(ASPECTS) >= {"Delivery", "Price and value", "Quality", "Returns and refunds"}


def test_key_drivers_recover_a_planted_effect() -> None:
    rng = np.random.default_rng(5)
    n = 600
    delivery = rng.random(n) < 0.3
    staff = rng.random(n) < 0.4
    noise = rng.random(n) < 0.5  # a theme with no effect
    score = 7.5 - 3.0 * delivery + 1.0 * staff + rng.normal(0, 1.5, n)
    themes = [
        [name for name, on in (("delivery", d), ("staff", s), ("noise", x)) if on]
        for d, s, x in zip(delivery, staff, noise, strict=True)
    ]
    found = {d.theme: d for d in key_drivers(score.tolist(), themes)}
    assert (
        found["delivery"].effect == pytest.approx(-3.0, abs=0.4)
        and found["delivery"].p_value < 1e-6
    )
    assert found["staff"].effect == pytest.approx(1.0, abs=0.4) and found["staff"].p_value < 1e-3
    assert found["noise"].p_value > 0.01
    assert key_drivers([1.0, 2.0], [["a"], ["b"]]) == []  # too few to say anything


def test_trending_themes_rise_first() -> None:
    before = [["price"]] * 10 + [["delivery"]] * 10 + [[]] * 80
    recent = [["price"]] * 10 + [["delivery"]] * 40 + [[]] * 50
    ranked = trending(recent, before)
    assert ranked[0].theme == "delivery" and ranked[0].p_value < 1e-4
    assert ranked[-1].theme == "price"


def test_the_analysis_job_publishes_topics_drivers_and_trends(
    services: Services, customer: Any, clock: FixedClock, engine: Engine
) -> None:
    fb = services.feedback
    fb.create_from_template("nps", "nps-x", "X", ["nl", "da", "en"])
    items = []
    for i, (lang, text, score) in enumerate(comments(90)):
        at = clock.now() - timedelta(days=50 - (i % 50))
        items.append(
            {
                "external_id": f"r{i}",
                "survey_key": "nps-x",
                "customer_id": None,
                "values": {"nps": score, "why_low" if score <= 6 else "why_high": text},
                "submitted_at": at,
                "language": lang,
                "completed": True,
            }
        )
    fb.import_responses("test", items)
    done = fb.analyse(k=4)
    assert done.comments == 90 and done.sentiment and done.themes == 4
    with engine.connect() as conn:
        rows = conn.execute(sa.select(answer_topics)).mappings().all()
    assert rows and all(-1 <= r["sentiment"] <= 1 for r in rows)
    by_response: dict[str, list[float]] = {}
    for r in rows:
        by_response.setdefault(r["response_id"], []).append(r["sentiment"])
    assert {r["language"] for r in rows} <= {"nl", "da", "en", None}
    key = fb.themes()[0].key
    assert fb.name_theme(key, "delivery") and fb.themes()[0].title == "delivery"
    fb.analyse()
    with engine.connect() as conn:
        names = set(conn.execute(sa.select(answer_topics.c.theme)).scalars())
    assert "delivery" in names
    # the aspects are tagged beside the discovered themes, one figure across languages
    aspects = {name: n for name, n, _ in fb.theme_overview().aspects}
    assert list(aspects) == list(ASPECTS) and aspects["Delivery"] > 0
    assert "Delivery" in names
    drivers = fb.drivers("nps")
    assert drivers and all(0 <= d.p_value <= 1 for d in drivers)
    assert isinstance(fb.trends(25), list)


def test_the_themes_page_shows_volume_sentiment_drivers_and_trends_and_names_a_theme(
    sqlite_engine: Engine, clock: FixedClock
) -> None:
    import re

    from fastapi.testclient import TestClient

    from opencx.access.service import AccessService
    from opencx.app import build, create_app
    from opencx.settings import Settings

    settings = Settings(database_url=str(sqlite_engine.url), secret_key="k", base_url="http://x")
    services = build(settings, clock=clock, engine=sqlite_engine)
    fb = services.feedback
    fb.create_from_template("nps", "nps-x", "X", ["nl", "da", "en"])
    items = [
        {
            "external_id": f"r{i}",
            "survey_key": "nps-x",
            "customer_id": None,
            "values": {"nps": score, "why_low" if score <= 6 else "why_high": text},
            "submitted_at": clock.now() - timedelta(days=50 - (i % 50)),
            "language": lang,
            "completed": True,
        }
        for i, (lang, text, score) in enumerate(comments(120))
    ]
    fb.import_responses("test", items)
    fb.analyse(k=4)
    overview = fb.theme_overview()
    assert overview.analysed_at is not None
    assert sum(r.responses for r in overview.themes) + overview.untagged >= 120
    assert all(r.sentiment is None or -1 <= r.sentiment <= 1 for r in overview.themes)
    access = AccessService(services.engine, services.clock)
    access.create_user("a@x.nl", role="admin", password="correct-horse-9")
    with TestClient(create_app(settings, services=services)) as client:
        login = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert csrf
        client.post(
            "/login",
            data={"email": "a@x.nl", "password": "correct-horse-9", "csrf_token": csrf.group(1)},
        )
        page = client.get("/feedback/themes?score=nps&days=30")
        assert page.status_code == 200, page.text
        first = overview.themes[0]
        assert first.theme.label in page.text and 'id="drivers"' in page.text
        assert 'id="trends"' in page.text or "Not enough comments" in page.text
        assert client.get("/feedback/themes?score=csat").status_code == 200
        assert client.get("/feedback/themes?score=bogus").status_code == 422
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        named = client.post(
            f"/feedback/themes/{first.theme.key}/name",
            data={"csrf_token": token.group(1), "name": "delivery"},
            follow_redirects=False,
        )
        assert named.status_code == 303
        assert next(t for t in fb.themes() if t.key == first.theme.key).name == "delivery"
        gone = client.post(
            "/feedback/themes/nope/name", data={"csrf_token": token.group(1), "name": "x"}
        )
        assert gone.status_code == 404
        dashboard = client.get("/feedback")
        assert dashboard.status_code == 200 and 'id="scores"' in dashboard.text
        nps_row = dashboard.text.split('data-metric="nps"')[1].split("</tr>")[0]
        assert " – " in nps_row and re.search(r"<strong>[−-]?[0-9.]+</strong>", nps_row)
    access.create_user("agent@x.nl", role="agent", password="correct-horse-9")
    with TestClient(create_app(settings, services=services)) as agent:
        login = agent.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert csrf
        agent.post(
            "/login",
            data={
                "email": "agent@x.nl",
                "password": "correct-horse-9",
                "csrf_token": csrf.group(1),
            },
        )
        seen = agent.get("/feedback")
        assert seen.status_code == 200 and 'id="scores"' not in seen.text  # no metrics:read
