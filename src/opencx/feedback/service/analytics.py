"""Text analytics as a job: learn sentiment from the company's own scored comments, discover or
reuse themes, tag every comment, and publish the ``answer_topics`` read model; key drivers and
trending themes on demand. Runs asynchronously (``opencx feedback analyse``, a scheduled job),
never in the path of a response submission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core.errors import InvalidInput
from opencx.feedback.domain.text import (
    Driver,
    Trend,
    aspects_in,
    assign,
    detect,
    discover,
    fit,
    key_drivers,
    label_from_score,
    trending,
)
from opencx.feedback.store import topics as store

MIN_PER_CLASS = 10
NO_THEME = "(other)"


@dataclass(frozen=True, slots=True)
class Analysis:
    comments: int
    learned_from: int  # comments with a clearly low or high score
    sentiment: bool  # False when too few labelled comments to learn from
    themes: int
    rows: int


def _labels(rows: list[dict[str, Any]]) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    for r in rows:
        if r["score"] is None or r["scale_min"] is None or r["scale_max"] is None:
            continue
        label = label_from_score(r["question_type"], r["score"], r["scale_min"], r["scale_max"])
        if label is not None:
            texts.append(r["text"])
            labels.append(label)
    return texts, labels


def analyse(conn: Connection, now: datetime, *, rediscover: bool = False, k: int = 8) -> Analysis:
    """Refresh ``answer_topics`` from every comment (themes discovered when none are stored)."""
    rows = store.comments(conn)
    if not rows:
        store.replace_topics(conn, [])
        return Analysis(0, 0, False, 0, 0)
    texts = [r["text"] for r in rows]
    train, labels = _labels(rows)
    enough = min(labels.count(0), labels.count(1)) >= MIN_PER_CLASS if labels else False
    sentiment = fit(train, labels).score(texts).tolist() if enough else [None] * len(rows)
    themes = store.themes(conn)
    if rediscover or not themes:
        try:
            themes = discover(texts, k=k)
        except ValueError:
            themes = []
        store.replace_themes(conn, themes, now)
        themes = store.themes(conn)
    out = []
    for row, score in zip(rows, sentiment, strict=True):
        named = aspects_in(row["text"])
        found = named + [t for t in assign(row["text"], themes) if t not in named] or [NO_THEME]
        lang = detect(row["text"]) or row["language"]
        for theme in found:
            out.append(
                {
                    "response_id": row["response_id"],
                    "question_key": row["question_key"],
                    "theme": theme[:100],
                    "sentiment": score,
                    "language": lang,
                    "analysed_at": now,
                }
            )
    written = store.replace_topics(conn, out)
    return Analysis(len(rows), len(labels), enough, len(themes), written)


def drivers(conn: Connection, question_type: str = "nps") -> list[Driver]:
    """Which themes move the ``question_type`` score, with effect sizes and significance."""
    rows = [r for r in store.topics_with_scores(conn) if r["question_type"] == question_type]
    rows = [r for r in rows if r["score"] is not None]
    themes = [[t for t in r["themes"] if t != NO_THEME] for r in rows]
    return key_drivers([float(r["score"]) for r in rows], themes)


def trends(conn: Connection, now: datetime, days: int = 30) -> list[Trend]:
    """Themes rising or falling: the last ``days`` against the ``days`` before."""
    if days < 1:
        raise InvalidInput(f"trend window {days}: at least one day")
    rows = store.topics_with_scores(conn)
    start, middle = now - timedelta(days=2 * days), now - timedelta(days=days)
    recent = [r["themes"] for r in rows if middle <= r["submitted_at"] <= now]
    before = [r["themes"] for r in rows if start <= r["submitted_at"] < middle]
    return trending(recent, before)
