"""Triggers and the closed loop: stored triggers, follow-ups and their closure."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.feedback.domain.triggers import Trigger
from opencx.feedback.store.tables import feedback_followups, survey_triggers


def _trigger(row: Any) -> Trigger:
    return Trigger(
        row.id,
        row.event,
        row.survey_key,
        row.channel,
        timedelta(seconds=row.delay_seconds),
        row.sample_pct,
        row.every_days,
        row.active,
    )


def insert_trigger(conn: Connection, trigger: Trigger, now: datetime) -> None:
    conn.execute(
        survey_triggers.insert().values(
            id=trigger.id,
            survey_key=trigger.survey_key,
            event=trigger.event,
            channel=trigger.channel,
            delay_seconds=int(trigger.delay.total_seconds()),
            sample_pct=trigger.sample_pct,
            every_days=trigger.every_days,
            active=trigger.active,
            created_at=now,
        )
    )


@cache
def _active_triggers() -> sa.Select[Any]:
    """Built once: every order, case and interaction event asks, and building the statement
    cost more than running it."""
    t = survey_triggers.c
    query = sa.select(survey_triggers).order_by(t.created_at)
    return query.where(t.event == sa.bindparam("event", type_=sa.String), t.active)


def triggers(conn: Connection, event: str | None = None) -> list[Trigger]:
    if event is not None:
        return [_trigger(r) for r in conn.execute(_active_triggers(), {"event": event})]
    query = sa.select(survey_triggers).order_by(survey_triggers.c.created_at)
    return [_trigger(r) for r in conn.execute(query)]


def last_runs(conn: Connection) -> dict[str, datetime | None]:
    rows = conn.execute(sa.select(survey_triggers.c.id, survey_triggers.c.last_run_at))
    return {str(i): at for i, at in rows}


def mark_run(conn: Connection, trigger_id: str, at: datetime) -> None:
    conn.execute(
        survey_triggers.update().where(survey_triggers.c.id == trigger_id).values(last_run_at=at)
    )


def set_active(conn: Connection, trigger_id: str, active: bool) -> bool:
    result = conn.execute(
        survey_triggers.update().where(survey_triggers.c.id == trigger_id).values(active=active)
    )
    return bool(result.rowcount)


def insert_followup(conn: Connection, row: dict[str, Any]) -> bool:
    """Record a follow-up unless the response has one (one per response); True if new."""
    known = conn.execute(
        sa.select(feedback_followups.c.id).where(
            feedback_followups.c.response_id == row["response_id"]
        )
    ).first()
    if known is not None:
        return False
    conn.execute(feedback_followups.insert().values(**row))
    return True


def followups(
    conn: Connection, *, open_only: bool, limit: int, customer_id: str | None = None
) -> list[dict[str, Any]]:
    f = feedback_followups.c
    query = sa.select(feedback_followups).order_by(f.opened_at.desc()).limit(limit)
    if open_only:
        query = query.where(f.closed_at.is_(None))
    if customer_id is not None:
        query = query.where(f.customer_id == customer_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def link_case(conn: Connection, followup_id: str, case_id: str) -> bool:
    result = conn.execute(
        feedback_followups.update()
        .where(feedback_followups.c.id == followup_id)
        .values(case_id=case_id)
    )
    return bool(result.rowcount)


def close(
    conn: Connection, *, followup_id: str | None = None, case_id: str | None = None, at: datetime
) -> int:
    f = feedback_followups.c
    query = feedback_followups.update().where(f.closed_at.is_(None))
    if followup_id is not None:
        query = query.where(f.id == followup_id)
    elif case_id is not None:
        query = query.where(f.case_id == case_id)
    else:
        return 0
    return int(conn.execute(query.values(closed_at=at)).rowcount)


def closure_pairs(conn: Connection, since: datetime) -> list[tuple[datetime, datetime | None]]:
    f = feedback_followups.c
    rows = conn.execute(sa.select(f.opened_at, f.closed_at).where(f.opened_at >= since))
    return [(o, c) for o, c in rows]
