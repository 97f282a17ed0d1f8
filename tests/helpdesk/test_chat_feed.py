"""Chat messages keep the order they were sent in, and every process can follow them as stored
(LISTEN/NOTIFY on PostgreSQL, the message numbers on SQLite), with the signals that are not
stored (typing, read, chats started and ended) and the agents each process has online."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import aclosing
from datetime import timedelta

from opencx.app import Services
from opencx.core import FixedClock
from opencx.core.ids import new_id
from opencx.helpdesk.domain.chat import ChatMessage, ChatPost, ChatSignal
from opencx.helpdesk.store import chat_feed


def _post(services: Services, chat_id: str, *bodies: str) -> list[ChatMessage]:
    posted = services.helpdesk.chat_post_many(
        [ChatPost(new_id(), chat_id, "customer", None, body) for body in bodies]
    )
    assert all(isinstance(m, ChatMessage) for m in posted)
    return posted  # type: ignore[return-value]


def test_messages_of_one_batch_keep_the_order_they_were_sent_in(services: Services) -> None:
    chat, _ = services.helpdesk.start_chat("Ana", None, None)
    bodies = [f"line {k}" for k in range(12)]  # same batch, same millisecond: ids do not order
    posted = _post(services, chat.id, *bodies)
    seqs = [m.seq for m in posted]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    _, stored = services.helpdesk.chat(chat.id)
    assert [m.body for m in stored] == bodies
    assert [m.seq for m in stored] == seqs


def test_a_refused_message_keeps_its_place_among_the_stored(services: Services) -> None:
    chat, _ = services.helpdesk.start_chat("Ana", None, None)
    ok, empty, missing = services.helpdesk.chat_post_many(
        [
            ChatPost(new_id(), chat.id, "customer", None, "hello"),
            ChatPost(new_id(), chat.id, "customer", None, "   "),
            ChatPost(new_id(), "no-such-chat", "customer", None, "hello"),
        ]
    )
    assert isinstance(ok, ChatMessage) and ok.body == "hello" and ok.seq is not None
    assert not isinstance(empty, ChatMessage) and "1 to 4000 characters" in str(empty)
    assert not isinstance(missing, ChatMessage) and "does not exist" in str(missing)


def test_a_follower_sees_every_message_stored_after_it_started_in_order(
    services: Services,
) -> None:
    chat, _ = services.helpdesk.start_chat("Ana", None, None)
    _post(services, chat.id, "before")

    async def follow() -> list[str]:
        listening = asyncio.Event()
        seen: list[str] = []

        async def collect() -> None:
            feed = services.helpdesk.follow_chats(listening.set, poll_seconds=0.01)
            async with aclosing(feed):
                async for m in feed:
                    seen.append(m.body or "")
                    if len(seen) == 4:
                        return

        task = asyncio.create_task(collect())
        await listening.wait()
        await asyncio.to_thread(_post, services, chat.id, "one", "two")
        await asyncio.to_thread(_post, services, chat.id, "three", "é" * 4000)  # read back
        await asyncio.wait_for(task, timeout=30)  # a guard against hanging, not a measure
        return seen

    assert asyncio.run(follow()) == ["one", "two", "three", "é" * 4000]


def test_notifications_carry_a_batch_under_postgresql_limit_in_order() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 1, 1, tzinfo=UTC)
    batch = [ChatMessage(f"m{k}", "c1", at, "customer", None, "ü" * 300, k) for k in range(60)]
    batch.insert(7, ChatMessage("long", "c1", at, "customer", None, "é" * 4000, 99))  # 8,000 B
    payloads = chat_feed.encode(batch)
    assert len(payloads) > 1 and all(len(p.encode()) < 8000 for p in payloads)
    decoded = [found for p in payloads for found in chat_feed.decode(p)]
    assert decoded == [*batch[:7], "long", *batch[8:]]  # the long one is named, to be read back


def _follow(
    services: Services, want: int, act: Callable[[], None], after: int | None = None
) -> list[ChatMessage | ChatSignal]:
    """What a follower (started ``after`` a message number, or now) sees while ``act`` runs;
    ``want`` items, or until the message "after", then it stops."""

    async def run() -> list[ChatMessage | ChatSignal]:
        listening = asyncio.Event()
        seen: list[ChatMessage | ChatSignal] = []

        async def collect() -> None:
            feed = services.helpdesk.follow_chats(listening.set, after=after, poll_seconds=0.01)
            async with aclosing(feed):
                async for m in feed:
                    seen.append(m)
                    if len(seen) == want or getattr(m, "body", None) == "after":
                        return

        task = asyncio.create_task(collect())
        await listening.wait()
        await asyncio.to_thread(act)
        await asyncio.wait_for(task, timeout=30)  # a guard against hanging, not a measure
        return seen

    return asyncio.run(run())


def test_signals_reach_every_follower_with_the_process_that_raised_them(
    services: Services,
) -> None:
    chat, _ = services.helpdesk.start_chat("Ana", None, None)
    typing = {"type": "typing", "chat_id": chat.id, "sender": "customer", "upto": None}
    ended = {"type": "ended", "chat_id": chat.id, "case_id": "c1", "how": "end"}

    def act() -> None:
        services.helpdesk.chat_signal("process-a", typing)
        _post(services, chat.id, "between")
        services.helpdesk.chat_signal("process-b", ended)

    seen = _follow(services, 3, act)
    signals = [s for s in seen if isinstance(s, ChatSignal)]
    assert signals == [ChatSignal("process-a", typing), ChatSignal("process-b", ended)]
    assert [m.body for m in seen if isinstance(m, ChatMessage)] == ["between"]


def test_a_follower_started_again_gets_what_was_stored_while_it_was_away(
    services: Services,
) -> None:
    """A lost listening connection is followed again from the last message number it brought:
    what was stored in between comes first (PostgreSQL reads some numbers before it again, as
    they may commit out of order; the hub skips those it had)."""
    chat, _ = services.helpdesk.start_chat("Ana", None, None)
    [seen_last] = _post(services, chat.id, "seen before the connection broke")
    _post(services, chat.id, "stored while away 1", "stored while away 2")
    assert seen_last.seq is not None
    after = services.helpdesk.last_chat_seq()
    assert after == seen_last.seq + 2
    found = _follow(services, 4, lambda: _post(services, chat.id, "after"), after=seen_last.seq)
    bodies = [m.body for m in found if isinstance(m, ChatMessage)]
    assert bodies[-3:] == ["stored while away 1", "stored while away 2", "after"]


def test_agents_online_are_counted_across_processes_while_fresh(
    services: Services, hclock: FixedClock
) -> None:
    assert services.helpdesk.agents_online() == 0
    services.helpdesk.set_chat_presence("process-a", 2)
    services.helpdesk.set_chat_presence("process-b", 1)
    assert services.helpdesk.agents_online() == 3
    hclock.advance(timedelta(seconds=20))
    services.helpdesk.set_chat_presence("process-b", 1)  # b refreshes, a says nothing
    hclock.advance(timedelta(seconds=15))
    assert services.helpdesk.agents_online() == 1  # a's word is 35 s old: it may have died
    services.helpdesk.set_chat_presence("process-b", 0)
    assert services.helpdesk.agents_online() == 0


def test_a_signal_after_a_quiet_minute_reaches_a_follower_that_saw_the_last_one(
    services: Services, hclock: FixedClock
) -> None:
    """SQLite keeps signals a minute: the one raised after a quiet minute replaces them all, and
    still gets a number above those a follower has seen (a rowid reused from 1 was never read)."""
    chat, _ = services.helpdesk.start_chat("Ana", None, None)
    typing = {"type": "typing", "chat_id": chat.id, "sender": "customer", "upto": None}
    ended = {"type": "ended", "chat_id": chat.id, "case_id": "c1", "how": "end"}
    services.helpdesk.chat_signal("process-a", typing)  # before the follower: it starts past it
    hclock.advance(timedelta(minutes=2))

    def act() -> None:
        services.helpdesk.chat_signal("process-b", ended)
        hclock.advance(timedelta(seconds=1))  # SQLite's feed orders the two by time
        _post(services, chat.id, "after")

    seen = _follow(services, 2, act)
    assert [s for s in seen if isinstance(s, ChatSignal)] == [ChatSignal("process-b", ended)]
