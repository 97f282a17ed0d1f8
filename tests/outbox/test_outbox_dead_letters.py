"""Dead letters: ``opencx outbox dead`` lists them, ``opencx outbox retry`` queues them again."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.app import build
from opencx.core import FixedClock
from opencx.outbox import enqueue, run_once
from opencx.outbox.cli import outbox_app
from opencx.outbox.domain import DeliveryFailed, OutboxMessage
from opencx.settings import Settings

runner = CliRunner()


class Refusing:
    """An SMS gateway that refuses every number (a permanent error: no retries)."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.refuse = True

    def send(self, message: OutboxMessage) -> None:
        if self.refuse:
            raise DeliveryFailed("gateway: 400 unknown sender id", permanent=True)
        self.sent.append(message.id)

    def close(self) -> None:
        pass


def test_dead_messages_are_listed_and_sent_after_a_retry(
    sqlite_url: str, sqlite_engine: Engine, clock: FixedClock
) -> None:
    with sqlite_engine.begin() as conn:
        for i in range(3):
            enqueue(
                conn,
                kind="sms",
                dedupe_key=f"s:{i}",
                payload={"to": "+1", "text": "x"},
                now=clock.now(),
            )
    gateway = Refusing()
    result = run_once(sqlite_engine, {"sms": gateway}, clock.now(), 10, clock=clock)
    assert result.dead == 3
    obj = build(Settings(database_url=sqlite_url), clock=clock, engine=sqlite_engine)
    listed = runner.invoke(outbox_app, ["dead"], obj=obj)
    assert listed.exit_code == 0 and listed.output.count("unknown sender id") == 3
    ids = [line.split()[0] for line in listed.output.splitlines()]

    usage = runner.invoke(outbox_app, ["retry"], obj=obj)
    assert usage.exit_code == 2 and "ids or --all" in usage.output
    one = runner.invoke(outbox_app, ["retry", ids[0], "no-such-id"], obj=obj)
    assert one.exit_code == 1 and "queued 1" in one.output and "1 id(s)" in one.output
    gateway.refuse = False
    assert run_once(sqlite_engine, {"sms": gateway}, clock.now(), 10, clock=clock).sent == 1
    assert gateway.sent == [ids[0]]
    rest = runner.invoke(outbox_app, ["retry", "--all"], obj=obj)
    assert rest.exit_code == 0 and "queued 2" in rest.output
    assert run_once(sqlite_engine, {"sms": gateway}, clock.now(), 10, clock=clock).sent == 2
    assert runner.invoke(outbox_app, ["dead"], obj=obj).output.strip() == "no dead messages"
