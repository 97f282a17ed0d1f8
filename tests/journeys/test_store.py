"""The store's SQL gives the pure reference's counts, on SQLite and PostgreSQL: every outcome,
level and path length, on a seeded data set with merged customers, anonymous touches, orders
at the very second of a touch, cancelled orders and answers on both sides of the low-score
rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from opencx.journeys import store
from opencx.journeys.domain import (
    FRICTION_OUTCOMES,
    LEVELS,
    OUTCOMES,
    PATH_OUTCOMES,
    JourneyQuery,
    reference_friction_counts,
    reference_paths,
)
from tests.journeys.data import T0, Facts, load


@pytest.fixture
def facts(engine: Engine) -> Facts:
    return load(engine)


def _query(outcome: str, level: str = "touchpoint", steps: int = 4) -> JourneyQuery:
    return JourneyQuery(
        outcome, T0 + timedelta(days=10), T0 + timedelta(days=40), level, steps, within_days=14
    )


def _events(facts: Facts, outcome: str) -> dict[str, list]:
    source = OUTCOMES[outcome].source
    return {p: e[source] for p, e in facts.events.items()}


@pytest.mark.parametrize("level", list(LEVELS))
def test_paths_are_the_references(engine: Engine, facts: Facts, level: str) -> None:
    with engine.connect() as conn:
        for outcome in PATH_OUTCOMES:
            for steps in (1, 2, 4):
                q = _query(outcome, level, steps)
                got = {c.path: (c.customers, c.outcomes) for c in store.path_counts(conn, q)}
                want = reference_paths(facts.touches[level], _events(facts, outcome), q)
                assert got == want, (outcome, steps)
                assert sum(n for n, _ in got.values()) > 10


@pytest.mark.parametrize("level", ["touchpoint", "channel_touchpoint"])
def test_friction_counts_are_the_references(engine: Engine, facts: Facts, level: str) -> None:
    with engine.connect() as conn:
        for outcome in FRICTION_OUTCOMES:
            q = _query(outcome, level)
            counts, people, hits = store.friction_counts(conn, q)
            want = reference_friction_counts(facts.touches[level], _events(facts, outcome), q)
            assert (sorted(counts, key=lambda c: c.key), people, hits) == want, outcome
            assert 0 < hits < people, outcome


def test_merged_customers_count_as_their_survivor(engine: Engine, facts: Facts) -> None:
    with engine.connect() as conn:
        q = _query("purchase", steps=6)
        people = sum(c.customers for c in store.path_counts(conn, q))
    touched = {t.customer for t in facts.touches["touchpoint"] if q.start <= t.at < q.end}
    assert people == len(touched)
    assert not any(c.endswith("4") for c in touched)  # c0004, c0009, ... are merged away


def test_latest_touch_is_a_customers(engine: Engine, facts: Facts) -> None:
    with engine.connect() as conn:
        latest = store.latest_touch(conn)
    assert latest == max(t.at for t in facts.touches["touchpoint"])
