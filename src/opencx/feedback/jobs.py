"""The feedback slice's periodic jobs: distribution (schedules such as relationship NPS, due and
delayed invitations, reminders) every five minutes, and text analytics every hour; and its
outbox tasks (the closed loop of an answer and the webhooks of a response, run by the worker
after the answer committed)."""

from __future__ import annotations

from datetime import timedelta

from opencx.feedback.domain.events import FOLLOW_UP_TASK, WEBHOOK_TASK
from opencx.feedback.service import FeedbackService
from opencx.jobs import Job, RunContext, every
from opencx.outbox import OutboxMessage
from opencx.outbox.transports import HttpTransport, TaskHandler


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

    def follow_up(message: OutboxMessage) -> None:
        service.on_follow_up_task(message.payload)

    def webhook(message: OutboxMessage) -> None:
        """POST the response event to its subscriber, signed with the subscription's secret
        (read now, so a rotated secret or a removed subscription applies to retries too)."""
        target = service.webhook_target(str(message.payload["subscription"]))
        if target is None:
            return  # the subscription was removed or disabled: nothing more to deliver
        url, secret = target
        transport = HttpTransport(secret, url=url)
        try:
            transport.send(message)  # body: payload["body"]; Idempotency-Key: the message id
        finally:
            transport.close()

    return {FOLLOW_UP_TASK: follow_up, WEBHOOK_TASK: webhook}
