"""The demo company's surveys are sent and answered through the feedback slice: written by
``opencx demo`` (the services as the CLI builds them), its survey tables go to the feedback
history load, which makes the same invitations, responses and typed answers the generator
planned."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import build
from opencx.core import FixedClock
from opencx.demo import DemoSettings, build_demo
from opencx.settings import Settings


def _planned(settings: DemoSettings, table: str, *names: str) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for rows in build_demo(settings):
        if rows.table == table:
            cols = [list(rows.columns[n]) for n in names]
            out += list(zip(*cols, strict=True))
    return sorted(out, key=repr)


def _stored(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return sorted((tuple(r) for r in conn.execute(sa.text(sql))), key=repr)


def test_the_demos_surveys_go_through_the_feedback_history_load(
    engine: Engine, clock: FixedClock
) -> None:
    services = build(Settings(database_url=str(engine.url)), clock=clock, engine=engine)
    loaded: list[dict[str, int]] = []
    load = services.feedback.load_history

    def through(conn: Any, **history: Any) -> dict[str, int]:
        loaded.append(load(conn, **history))
        return loaded[-1]

    services.demo.surveys = through
    settings = DemoSettings(customers=300, seed=11)
    counts = services.demo.generate(settings)
    [done] = loaded
    assert done["responses"] == counts["responses"] > 100
    assert _stored(engine, "SELECT id, status FROM invitations") == _planned(
        settings, "invitations", "id", "status"
    )
    assert _stored(
        engine, "SELECT response_id, question_key, question_type, score, text FROM answers"
    ) == _planned(
        settings, "answers", "response_id", "question_key", "question_type", "score", "text"
    )
    assert (
        _stored(
            engine,
            "SELECT r.id FROM responses r JOIN surveys s ON s.id = r.survey_id "
            "WHERE s.kind = 'enps' AND (r.customer_id IS NOT NULL OR r.invitation_id IS NOT NULL)",
        )
        == []
    )
