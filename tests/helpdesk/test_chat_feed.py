"""Chat messages keep the order they were sent in, and every process can follow them as stored
(LISTEN/NOTIFY on PostgreSQL, the message numbers on SQLite)."""

from __future__ import annotations

import asyncio
from contextlib import aclosing

from opencx.app import Services
from opencx.core.ids import new_id
from opencx.helpdesk.domain.chat import ChatMessage, ChatPost
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
