"""Time-driven feedback work as jobs on the scheduler: relationship NPS every quarter, delayed
invitations, one reminder; and the analysis job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from opencx.app import Services
from opencx.core import FixedClock

from .conftest import outbox_rows


def _job(services: Services, name: str) -> Any:
    [job] = [j for j in services.jobs if j.name == name]
    return job


def test_schedules_delays_and_reminders_run_as_jobs(
    services: Services, customer: Any, clock: FixedClock
) -> None:
    fb = services.feedback
    fb.create_from_template("nps", "nps-rel", "Relationship", ["en"])
    fb.create_from_template("csat", "csat-later", "Later", ["en"])
    fb.add_trigger(event="schedule", survey_key="nps-rel", every_days=91)
    ann, bob = customer(), customer()
    distribute = _job(services, "feedback.distribute")
    assert "scheduled 2" in distribute.run(None)
    assert "scheduled 0" in distribute.run(None)  # not due again yet
    assert len(outbox_rows(services.engine)) == 2

    clock.advance(timedelta(days=3, hours=1))
    assert "reminders 2" in distribute.run(None)
    assert "reminders 0" in distribute.run(None)  # one reminder each, however often it runs
    keys = sorted(m["dedupe_key"].rsplit(":", 1)[1] for m in outbox_rows(services.engine))
    assert keys == ["email", "email", "reminder", "reminder"]

    clock.advance(timedelta(days=70))
    later = fb.invite("csat-later", [ann], at=clock.now() + timedelta(days=2))
    assert later.scheduled == 1 and later.sent == 0
    clock.advance(timedelta(days=2))
    assert "sent 1" in distribute.run(None)

    clock.advance(timedelta(days=17))  # 91 days after the first relationship survey
    assert "scheduled 1" in distribute.run(None)  # bob again; ann was asked 17 days ago
    assert [s["reason"] for s in fb.skips(ann)] == [
        "not sent: surveyed 17 days ago (quiet period 30 days)"
    ]
    assert fb.skips(bob) == []


def test_analysis_job_runs_on_an_empty_store(services: Services) -> None:
    assert _job(services, "feedback.analyse").run(None) == "0 comments, 0 themes, 0 topic rows"
