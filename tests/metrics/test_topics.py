"""Breakdowns by the theme and sentiment of a response's comments, read from the feedback slice's
published read model ``answer_topics`` (like ``customer_segments``, decision 0009)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine

import opencx.metrics as m
from opencx.core.errors import InvalidInput
from opencx.feedback.store.tables import answer_topics
from opencx.metrics.service import MetricsService

from .conftest import load_sql

AT = datetime(2026, 1, 1, tzinfo=UTC)
SENTIMENTS = (0.8, -0.9, 0.0, None)
LABELS = {0.8: "positive", -0.9: "negative", 0.0: "neutral", None: None}


def themes_of(i: int) -> list[str]:
    return [["delivery"], ["delivery", "price"], []][i % 3]


def _topic_rows(responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Themes per response; a response with two themes was tagged on two comment questions
    (a theme repeated across them counts once)."""
    rows = []
    for i, r in enumerate(responses):
        for key in ("comment", "comment2") if i % 3 == 1 else ("comment",):
            for theme in themes_of(i):
                rows.append(
                    {
                        "response_id": r["id"],
                        "question_key": key,
                        "theme": theme,
                        "sentiment": SENTIMENTS[i % 4],
                        "language": "en",
                        "analysed_at": AT,
                    }
                )
    return rows


def _want(rows: dict[str, list[dict[str, Any]]], groups_of) -> dict[object, float]:
    kind = {s["id"]: s["kind"] for s in rows["surveys"]}
    index = {r["id"]: i for i, r in enumerate(rows["responses"])}
    survey = {r["id"]: r["survey_id"] for r in rows["responses"]}
    scores: dict[object, list[int]] = defaultdict(list)
    for a in rows["answers"]:
        rid = a["response_id"]
        if a["question_type"] == "nps" and kind[survey[rid]] != "enps":
            for g in groups_of(index[rid]):
                scores[g].append(a["score"])
    return {
        g: 100 * (sum(s >= 9 for s in v) - sum(s <= 6 for s in v)) / len(v)
        for g, v in scores.items()
    }


def _check(result: m.MetricResult, key: str, want: dict[object, float]) -> None:
    got = {r.keys[key]: r.value for r in result.rows}
    assert got.keys() == want.keys()
    for name, value in want.items():
        assert math.isclose(got[name], value), name


def test_nps_by_theme_and_sentiment(engine: Engine, canonical_rows) -> None:
    load_sql(engine, canonical_rows)
    with engine.begin() as conn:
        conn.execute(answer_topics.insert(), _topic_rows(canonical_rows["responses"]))
    service = MetricsService(engine)
    by_theme = service.compute(m.MetricRequest("nps", by=["theme"], min_n=1))
    _check(by_theme, "theme", _want(canonical_rows, lambda i: themes_of(i) or [None]))
    by_sentiment = service.compute(m.MetricRequest("nps", by=["sentiment"], min_n=1))
    want = _want(canonical_rows, lambda i: [LABELS[SENTIMENTS[i % 4]] if themes_of(i) else None])
    _check(by_sentiment, "sentiment", want)
    price = service.compute(m.MetricRequest("nps", filters={"theme": "price"}, min_n=1))
    assert math.isclose(price.rows[0].value, _want(canonical_rows, themes_of)["price"])


def test_without_the_topics_the_error_names_them(duck) -> None:
    with pytest.raises(InvalidInput, match=r"answer_topics.*feedback analyse"):
        m.compute(m.MetricRequest("nps", by=["theme"]), duck)
    assert m.compute(m.MetricRequest("nps", by=["survey"], min_n=1), duck).rows


def test_enps_never_shows_a_group_of_fewer_than_five(duck) -> None:
    """Employee surveys are anonymous: a quarter and country with under 5 answers is suppressed,
    even when the request lowers the minimum sample size."""
    result = m.compute(m.MetricRequest("enps", by=["country"], period="quarter", min_n=1), duck)
    small = [r for r in result.rows if r.n < 5]
    large = [r for r in result.rows if r.n >= 5]
    assert small and large
    for r in small:
        assert (r.value, r.lower, r.upper, r.flag) == (None, None, None, "suppressed")
        assert r.warning and "anonymous" in r.warning
    assert all(r.value is not None and r.flag is None for r in large)
    nps = m.compute(m.MetricRequest("nps", by=["country"], period="quarter", min_n=1), duck)
    assert all(r.value is not None for r in nps.rows)
