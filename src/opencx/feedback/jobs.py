"""The feedback slice's periodic jobs: distribution (schedules such as relationship NPS, due and
delayed invitations, reminders) every five minutes, and text analytics every hour; and its
outbox tasks (the closed loop of an answer, run by the worker after the answer committed)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from opencx.feedback.domain.events import FOLLOW_UP_TASK
from opencx.feedback.service import FeedbackService
from opencx.jobs import Job, RunContext, every
from opencx.outbox.transports import TaskHandler


def jobs(service: FeedbackService) -> list[Job]:
    """Declared for the composition root (``opencx.app``), which hands them to the worker."""

    def distribute(_: RunContext) -> str:
        done = service.run_jobs()
        return ", ".join(f"{k} {v}" for k, v in done.items())

    def analyse(_: RunContext) -> str:
        done = service.analyse()
        return f"{done.comments} comments, {done.themes} themes, {done.rows} topic rows"

    return [
        Job(
            name="feedback.distribute",
            schedule=every(minutes=5),
            run=distribute,
            time_limit=timedelta(minutes=10),
            description="scheduled surveys, delayed invitations and reminders → outbox",
        ),
        Job(
            name="feedback.analyse",
            schedule=every(hours=1),
            run=analyse,
            time_limit=timedelta(minutes=30),
            description="sentiment, themes and answer_topics from the comments",
        ),
    ]


def tasks(service: FeedbackService) -> dict[str, TaskHandler]:
    """Outbox task handlers by name, registered by the composition root with the worker."""

    def follow_up(payload: Mapping[str, Any]) -> None:
        service.on_follow_up_task(payload)

    return {FOLLOW_UP_TASK: follow_up}
