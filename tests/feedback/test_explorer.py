"""The response explorer (/feedback/responses and its CSV): a row per response with its scores,
comments, themes and sentiment; filters by score, language, theme, sentiment and comment text;
paged newest first; both stores.

Before, it listed answers, 200 at most with no paging: a score bound hid the comments of the
responses it kept (a comment has no score), and customers showed as ids."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from opencx.access.service import AccessService
from opencx.app import Services, create_app
from opencx.core import FixedClock
from opencx.db.schema import answers, responses, surveys
from opencx.feedback.store.tables import answer_topics

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def _log_in(client: TestClient, services: Services, role: str = "analyst") -> None:
    AccessService(services.engine, services.clock).create_user(
        f"{role}@x.nl", role=role, password="correct-horse-9"
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    form = {"email": f"{role}@x.nl", "password": "correct-horse-9", "csrf_token": token.group(1)}
    client.post("/login", data=form)


def _seed(services: Services, clock: FixedClock, customer: object) -> list[str]:
    """Seven responses to one NPS survey, a minute apart (the newest is r6): scores 0..9 with
    comments on the low ones, themes and sentiment on some, one anonymous, one in Danish."""
    services.feedback.create_from_template("nps", "nps-x", "After your order", ["nl", "en", "da"])
    ana = customer(name=f"Ana {EVIL}")  # type: ignore[operator]
    bo = customer(name="Bo")  # type: ignore[operator]
    t0 = clock.now() - timedelta(days=1)
    plan = [  # (customer, score, comment, language, themes, sentiment)
        (ana, 2, "Parcel came late, 100% annoyed", "en", ["delivery"], -0.8),
        (bo, 9, "Great staff", "en", ["service"], 0.9),
        (ana, 5, "Late again and no refund", "en", ["delivery", "refund"], -0.2),
        (None, 7, None, "en", [], None),
        (bo, 3, "For sent levering", "da", ["delivery"], -0.6),
        (bo, 10, None, "nl", [], None),
        (ana, 0, "Never again", "nl", ["(other)"], -0.9),
    ]
    ids = []
    with services.engine.begin() as conn:
        survey_id = conn.execute(sa.select(surveys.c.id).where(surveys.c.key == "nps-x")).scalar()
        for i, (who, score, comment, lang, themes, feeling) in enumerate(plan):
            rid = f"r{i}"
            ids.append(rid)
            conn.execute(
                responses.insert(),
                {
                    "id": rid,
                    "source": "test",
                    "external_id": rid,
                    "survey_id": survey_id,
                    "customer_id": who,
                    "submitted_at": t0 + timedelta(minutes=i),
                    "language": lang,
                    "completed": True,
                    "submission": {},
                },
            )
            rows = [(f"{rid}-s", "nps", "nps", score, None)]
            if comment:
                rows.append((f"{rid}-c", "why", "text", None, comment))
            keys = ("id", "question_key", "question_type", "score", "text")
            rows = [{"response_id": rid, **dict(zip(keys, r, strict=True))} for r in rows]
            conn.execute(answers.insert(), rows)
            for theme in themes:
                conn.execute(
                    answer_topics.insert(),
                    {
                        "response_id": rid,
                        "question_key": "why",
                        "theme": theme,
                        "sentiment": feeling,
                        "language": lang,
                        "analysed_at": clock.now(),
                    },
                )
    return ids


FILTERED = [  # (query, the responses it keeps)
    ("q=LATE", {"r0", "r2"}),  # case-insensitive, anywhere in the comment
    ("q=100%25", {"r0"}),  # % is a character, not a wildcard
    ("q=_", set()),
    ("theme=delivery", {"r0", "r2", "r4"}),
    ("theme=refund&max_score=6", {"r2"}),
    ("sentiment=negative", {"r0", "r4", "r6"}),
    ("sentiment=neutral", {"r2"}),
    ("sentiment=positive", {"r1"}),
    ("language=da", {"r4"}),
    ("survey=nope", set()),
]


def _rows(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")] if "<tbody>" in page else ""
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_a_row_per_response_with_its_comment_name_themes_and_sentiment(
    client: TestClient, services: Services, clock: FixedClock, customer: object
) -> None:
    _seed(services, clock, customer)
    _log_in(client, services)
    page = client.get("/feedback/responses")
    assert page.status_code == 200
    rows = _rows(page.text)
    assert len(rows) == 7  # a row per response, not per answer
    newest = rows[0]
    assert "Never again" in newest and "<strong>0</strong>" in newest and "negative" in newest
    assert "(other)" not in newest  # the no-theme tag is not a theme
    assert EVIL not in page.text and "Ana &lt;script&gt;" in page.text
    assert "anonymous" in rows[3]
    # a score bound keeps the responses' comments (before: only the score rows)
    low = _rows(client.get("/feedback/responses?max_score=6").text)
    assert len(low) == 4
    assert all(any(said in r for said in ("Late", "levering", "Never", "Parcel")) for r in low)
    assert len(_rows(client.get("/feedback/responses?min_score=9&max_score=10").text)) == 2
    for query, expected in FILTERED:  # the page and its CSV keep the same responses
        export = client.get(f"/feedback/responses.csv?{query}")
        assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
        got = {r["response_id"] for r in csv.DictReader(io.StringIO(export.text))}
        assert got == expected, query
        assert len(_rows(client.get(f"/feedback/responses?{query}").text)) == len(expected), query


def test_pages_run_newest_first_the_csv_holds_every_row_and_bad_input_is_named(
    client: TestClient, services: Services, clock: FixedClock, customer: object
) -> None:
    from opencx.feedback import pages

    ids = _seed(services, clock, customer)
    _log_in(client, services)
    pages.RESPONSES_PER_PAGE, pages.CSV_PAGE = 3, 2  # small pages over seven responses
    try:
        seen, link = [], "/feedback/responses"
        while link:
            page = client.get(link).text
            seen += re.findall(r"<div>([^<]+)</div>", page)  # the comments, in page order
            older = re.search(
                r'href="(/feedback/responses\?[^"]*before=[^"]+)" id="responses-older"', page
            )
            link = older.group(1).replace("&amp;", "&") if older else ""
        export = list(csv.DictReader(io.StringIO(client.get("/feedback/responses.csv").text)))
    finally:
        pages.RESPONSES_PER_PAGE, pages.CSV_PAGE = 50, 1000
    newest_first = ["Never again", "For sent levering", "Late again and no refund", "Great staff"]
    assert seen == [*newest_first, "Parcel came late, 100% annoyed"]
    assert [r["response_id"] for r in export] == ids[::-1]
    first = export[0]
    assert first["scores"] == "nps=0" and first["comment"] == "Never again"
    assert first["sentiment_label"] == "negative" and first["customer_name"].startswith("Ana")
    for query, said in (  # a filter or a page the list does not take: the 422 page naming it
        ("sentiment=angry", "sentiment"),
        ("before=yesterday", "before: &#39;yesterday&#39; is not a page of this list"),
        ("min_score=101", "min_score"),
    ):
        r = client.get(f"/feedback/responses?{query}")
        assert r.status_code == 422 and said in r.text, (query, r.text[-600:])


def test_an_erased_customer_has_no_name_and_the_csv_needs_the_page_role(
    client: TestClient, services: Services, clock: FixedClock, customer: object
) -> None:
    _seed(services, clock, customer)
    assert client.get("/feedback/responses.csv", follow_redirects=False).status_code in (303, 401)
    with services.engine.connect() as conn:
        ana = conn.execute(sa.select(responses.c.customer_id).where(responses.c.id == "r0"))
        ana_id = ana.scalar_one()
    services.customers.erase(ana_id)
    _log_in(client, services)
    export = {
        r["response_id"]: r
        for r in csv.DictReader(io.StringIO(client.get("/feedback/responses.csv").text))
    }
    assert "Ana" not in client.get("/feedback/responses").text
    assert all(export[r]["customer_name"] in ("", "Bo") for r in export)


def test_the_survey_page_shows_what_the_survey_gathered(
    client: TestClient, services: Services, clock: FixedClock, customer: object
) -> None:
    _seed(services, clock, customer)
    _log_in(client, services)
    page = client.get("/feedback/surveys/nps-x").text
    results = page[page.index('id="results"') : page.index('id="preview"')]
    assert '>7</div><div class="label">responses (7 complete)' in results
    bars = re.findall(r'role="cell">(\d+)</span>.*?role="cell">(\d+)</span>', results, re.S)
    assert [int(score) for score, _ in bars] == list(range(11))  # 0..10, the gaps shown as 0
    assert dict((int(a), int(b)) for a, b in bars)[9] == 1 and sum(int(b) for _, b in bars) == 7
    # scores 2, 9, 5, 7, 3, 10, 0: 2 promoters, 4 detractors of 7
    assert 'id="nps-nps">NPS -28.6</span>' in results
    comments = re.findall(r"<li>([^<]+?) <span", results)
    assert comments[:2] == ["Never again", "For sent levering"]  # newest first
    assert 'href="/feedback/responses?survey=nps-x"' in results
