"""Following the chat store from one server process: every message stored by any process, in
the order stored, and every signal raised (typing, read, a chat started or ended).

PostgreSQL announces each message at commit and each signal at once (LISTEN/NOTIFY,
:mod:`opencx.helpdesk.store.chat_feed`); on SQLite the follower polls the message and signal
numbers (indexed queries; one writer at a time makes the numbers visible in order). A follower
started again after a lost connection passes the last message number it saw: what was stored
meanwhile comes first.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine

from opencx.db import is_postgres
from opencx.helpdesk.domain.chat import ChatMessage, ChatSignal
from opencx.helpdesk.store import chat as chat_store
from opencx.helpdesk.store import chat_feed

T = TypeVar("T")
CATCH_UP = 1000  # message numbers read again after a reconnect (PostgreSQL commits out of order)
PRESENCE_FRESH = timedelta(seconds=30)  # a process that said nothing for this long has no agents


async def follow(
    engine: Engine,
    listening: Callable[[], None],
    after: int | None = None,
    poll_seconds: float = 0.05,
    floor: int = 0,
) -> AsyncGenerator[ChatMessage | ChatSignal, None]:
    """Every chat message stored from now on by any process, in the order stored, and every
    signal raised; calls ``listening`` once following (messages stored after that call are all
    seen). ``after``: the last message number the caller saw (a reconnect): messages stored
    since come first, with up to :data:`CATCH_UP` before it again (on PostgreSQL numbers may
    commit out of order; the caller skips what it has), but none numbered ``floor`` or below
    (stored before the caller first followed: the last number it read then). SQLite is polled
    every ``poll_seconds``."""

    def read(query: Callable[..., T], *args: Any) -> T:
        with engine.connect() as conn:
            return query(conn, *args)

    if is_postgres(engine):

        async def caught_up() -> list[ChatMessage]:
            listening()
            if after is None:
                return []
            since = max(after - CATCH_UP, floor)
            return await asyncio.to_thread(read, _messages_since, since)

        async def read_back(message_id: str) -> ChatMessage | None:
            return await asyncio.to_thread(read, chat_store.message, message_id)

        feed = chat_feed.listen(engine, read_back, caught_up)
        async with aclosing(feed):  # closing this generator closes the listening connection
            async for m in feed:
                yield m
        return
    last = after if after is not None else await asyncio.to_thread(read, chat_store.last_seq)
    signalled = await asyncio.to_thread(read, chat_feed.last_signal)
    listening()
    while True:
        found, last, signalled = await asyncio.to_thread(read, _poll, last, signalled)
        for m in found:
            yield m
        if not found:
            await asyncio.sleep(poll_seconds)


def _messages_since(conn: Connection, seq: int) -> list[ChatMessage]:
    found: list[ChatMessage] = []
    while page := chat_store.messages_after(conn, seq):
        found += page
        seq = page[-1].seq or seq
    return found


def _poll(
    conn: Connection, seq: int, signalled: int
) -> tuple[list[ChatMessage | ChatSignal], int, int]:
    """SQLite: the messages after number ``seq`` and the signals after ``signalled``, by time
    (a chat's start before its first message, its end after the last), and the new numbers."""
    messages = chat_store.messages_after(conn, seq)
    signals = chat_feed.signals_after(conn, signalled)
    merged = sorted(
        [(m.at, 0, k, m) for k, m in enumerate(messages)]
        + [(at, 1, number, signal) for number, at, signal in signals],
        key=lambda item: item[:3],
    )
    return (
        [item[3] for item in merged],
        (messages[-1].seq or seq) if messages else seq,
        signals[-1][0] if signals else signalled,
    )
