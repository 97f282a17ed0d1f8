"""A small seeded journey data set written straight into the canonical tables, and the same
facts as the pure reference reads them (``Touch`` rows and outcome times per person)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.db.schema import (
    answers,
    cases,
    customers,
    interactions,
    orders,
    responses,
    survey_questions,
    surveys,
)
from opencx.journeys.domain import Touch

T0 = datetime(2026, 3, 1, tzinfo=UTC)
POINTS = ("home", "product", "checkout", "delivery", "returns", None)
CHANNELS = ("web", "app", "email")
# (question type, scale min, scale max, score): low or not by the rule of store._low_scores
SCORES = (
    ("nps", 0, 10, 6),
    ("nps", 0, 10, 9),
    ("csat", 1, 5, 2),
    ("csat", 1, 5, 3),
    ("ces", 1, 7, 3),
    ("ces", 1, 7, 4),
    ("csat", 1, 10, 5),
    ("csat", 1, 10, 6),
)


@dataclass
class Facts:
    """What the reference reads: touches (label per level) and event times per person."""

    touches: dict[str, list[Touch]] = field(default_factory=lambda: defaultdict(list))
    events: dict[str, dict[str, list[datetime]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )


def _customer(i: int, merged_into: str | None = None) -> dict[str, Any]:
    return {
        "id": f"c{i:04d}",
        "source": "test",
        "external_id": str(i),
        "created_at": T0,
        "attributes": {},
        "consent_email": False,
        "consent_sms": False,
        "consent_surveys": False,
        "merged_into": merged_into,
    }


def _when(rng: random.Random, days: int = 60) -> datetime:
    return T0 + timedelta(seconds=rng.randrange(days * 86_400))


def load(engine: Engine, seed: int = 7, people: int = 30, touches: int = 0) -> Facts:
    """``people`` customers (every fifth merged into the one before it), anonymous touches, and
    orders, cases and survey answers around the touches (some at the very same second);
    ``touches`` interactions (by default 250 to 350)."""
    rng = random.Random(seed)
    facts = Facts()
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    person: dict[str, str] = {}
    for i in range(people):
        merged = f"c{i - 1:04d}" if i % 5 == 4 else None
        rows["customers"].append(_customer(i, merged))
        cid = f"c{i:04d}"
        person[cid] = person.get(merged, merged) if merged else cid
    ids = sorted(person)
    rows["surveys"].append({"id": "s1", "key": "pulse", "kind": "custom", "name": "Pulse"})
    for n, (kind, lo, hi, _) in enumerate(SCORES):
        rows["survey_questions"].append(
            {
                "id": f"q{n}",
                "survey_id": "s1",
                "key": f"k{n}",
                "type": kind,
                "scale_min": lo,
                "scale_max": hi,
            }
        )
    for n in range(touches or rng.randrange(250, 350)):
        cid = rng.choice([*ids, None])
        at = _when(rng)
        channel, point = rng.choice(CHANNELS), rng.choice(POINTS)
        kind = rng.choice(("visit", "page_view", "campaign_open"))
        rows["interactions"].append(
            {
                "id": f"i{n:05d}",
                "source": "test",
                "external_id": f"i{n}",
                "customer_id": cid,
                "occurred_at": at,
                "channel": channel,
                "kind": kind,
                "touchpoint": point,
                "properties": {},
            }
        )
        if cid is None:
            continue
        label = point or kind
        p = person[cid]
        for level, text in (
            ("touchpoint", label),
            ("channel", channel),
            ("channel_touchpoint", f"{channel}:{label}"),
        ):
            facts.touches[level].append(Touch(p, at, text, f"i{n:05d}"))
        if rng.random() < 0.25:  # an order at the same second, or a little after
            placed = at + timedelta(seconds=rng.choice((0, 1, 3600, 86_400 * 3)))
            status = rng.choice(("completed", "completed", "cancelled"))
            rows["orders"].append(
                {
                    "id": f"o{n:05d}",
                    "source": "test",
                    "external_id": f"o{n}",
                    "customer_id": cid,
                    "placed_at": placed,
                    "channel": channel,
                    "status": status,
                    "currency": "EUR",
                    "discount_total": 0,
                }
            )
            if status != "cancelled":
                facts.events[p]["orders"].append(placed)
                facts.events[p]["activity"].append(placed)
        if rng.random() < 0.1:
            opened = at + timedelta(days=rng.choice((0, 2, 20, 40)))
            rows["cases"].append(
                {
                    "id": f"k{n:05d}",
                    "source": "test",
                    "external_id": f"k{n}",
                    "customer_id": cid,
                    "channel": "email",
                    "opened_at": opened,
                }
            )
            facts.events[p]["cases"].append(opened)
        if rng.random() < 0.15:
            submitted = at + timedelta(days=rng.choice((1, 5, 31)))
            q = rng.randrange(len(SCORES))
            kind_, lo, hi, score = SCORES[q]
            rows["responses"].append(
                {
                    "id": f"r{n:05d}",
                    "source": "test",
                    "external_id": f"r{n}",
                    "survey_id": "s1",
                    "customer_id": cid,
                    "submitted_at": submitted,
                    "completed": True,
                    "submission": {},
                }
            )
            rows["answers"].append(
                {
                    "id": f"a{n:05d}",
                    "response_id": f"r{n:05d}",
                    "question_key": f"k{q}",
                    "question_type": kind_,
                    "score": score,
                }
            )
            if score * 2 < lo + hi if kind_ != "nps" else score <= 6:
                facts.events[p]["low_scores"].append(submitted)
    for row in rows["interactions"]:
        if row["customer_id"] is not None:
            facts.events[person[row["customer_id"]]]["activity"].append(row["occurred_at"])
    with engine.begin() as conn:
        for table in (
            customers,
            surveys,
            survey_questions,
            interactions,
            orders,
            cases,
            responses,
            answers,
        ):
            if rows[table.name]:
                conn.execute(sa.insert(table), rows[table.name])
    return facts
