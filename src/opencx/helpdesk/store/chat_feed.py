"""Chat messages as they are stored, and the signals that are not, for every server process.

The store announces each message it inserts with ``pg_notify`` in the inserting transaction, so
the notification is delivered at commit, in commit order, and never for a message rolled back.
A notification carries the messages of a batch themselves (a JSON array, as many as fit in
PostgreSQL's 8,000-byte payload limit); a message too long for it is carried by its id only and
the follower reads it back. On SQLite the
followers poll the message numbers instead (:func:`opencx.helpdesk.store.chat.messages_after`).

Signals (typing, read, a chat started or ended: :class:`ChatSignal`) go on a channel of their
own on PostgreSQL and through ``helpdesk_chat_signals`` on SQLite (polled, kept a minute).
Presence (how many agents each process has connected) is a row per process in
``helpdesk_chat_presence``, refreshed while the process runs.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from opencx.helpdesk.domain.chat import ChatMessage, ChatSignal
from opencx.helpdesk.store.tables import chat_presence, chat_signals

CHANNEL = "opencx_helpdesk_chat"
SIGNALS = "opencx_helpdesk_chat_signal"
SIGNAL_KEPT = timedelta(minutes=1)  # SQLite: a follower more than this behind misses typing
MAX_PAYLOAD = 7900  # bytes; PostgreSQL refuses 8,000 and more


def _one(m: ChatMessage) -> str:
    whole = {
        "id": m.id,
        "chat_id": m.chat_id,
        "at": m.at.isoformat(),
        "sender": m.sender,
        "author": m.author,
        "body": m.body,
        "seq": m.seq,
    }
    text = json.dumps(whole, ensure_ascii=False, separators=(",", ":"))
    return text if len(text.encode()) <= MAX_PAYLOAD - 2 else json.dumps({"id": m.id})


def encode(messages: list[ChatMessage]) -> list[str]:
    """The payloads announcing ``messages``: JSON arrays, as few as fit under the limit (one
    notification per message cost the PostgreSQL path more CPU than the rest of a message)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 2
    for m in messages:
        text = _one(m)
        length = len(text.encode()) + 1
        if current and size + length > MAX_PAYLOAD:
            chunks.append(f"[{','.join(current)}]")
            current, size = [], 2
        current.append(text)
        size += length
    if current:
        chunks.append(f"[{','.join(current)}]")
    return chunks


def decode(payload: str) -> list[ChatMessage | str]:
    """The messages a notification carries, in order; the id of one to read back for each that
    was too long to carry."""
    found: list[ChatMessage | str] = []
    for data in json.loads(payload):
        if "chat_id" not in data:
            found.append(str(data["id"]))
            continue
        at, sender, seq = datetime.fromisoformat(data["at"]), data["sender"], data["seq"]
        found.append(
            ChatMessage(data["id"], data["chat_id"], at, sender, data["author"], data["body"], seq)
        )
    return found


def announce(conn: Connection, stored: list[ChatMessage]) -> None:
    """Notify the followers of ``stored``, in order, when ``conn``'s transaction commits."""
    conn.execute(
        sa.text(
            "SELECT pg_notify(:channel, p) FROM unnest(CAST(:payloads AS text[]))"
            " WITH ORDINALITY AS u(p, n) ORDER BY n"
        ),
        {"channel": CHANNEL, "payloads": encode(stored)},
    )


async def listen(
    engine: Engine,
    read_back: Callable[[str], Awaitable[ChatMessage | None]],
    listening: Callable[[], Awaitable[list[ChatMessage]]],
) -> AsyncGenerator[ChatMessage | ChatSignal, None]:
    """Every message and signal announced from now on, in commit order, on a connection of its
    own. ``listening`` is awaited once the LISTEN is in place; the messages it returns (stored
    while nobody listened: a reconnect's catch-up) come first."""
    import psycopg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(f"LISTEN {CHANNEL}")
        await conn.execute(f"LISTEN {SIGNALS}")
        for caught in await listening():
            yield caught
        async for note in conn.notifies():
            if note.channel == SIGNALS:
                data = json.loads(note.payload)
                yield ChatSignal(str(data["origin"]), dict(data["payload"]))
                continue
            for found in decode(note.payload):
                message = await read_back(found) if isinstance(found, str) else found
                if message is not None:
                    yield message


def signal(conn: Connection, origin: str, payload: dict[str, Any], now: datetime) -> None:
    """Raise a signal for the other processes (PostgreSQL: at commit, by NOTIFY; SQLite: a row
    the followers poll, and those older than :data:`SIGNAL_KEPT` go)."""
    if conn.dialect.name == "postgresql":
        text = json.dumps({"origin": origin, "payload": payload}, separators=(",", ":"))
        conn.execute(sa.text("SELECT pg_notify(:c, :p)"), {"c": SIGNALS, "p": text})
        return
    # inserted before the old rows go, so the table is never empty: SQLite numbers a row one
    # above the largest left, and a number going back below what followers read is never read
    conn.execute(chat_signals.insert(), {"origin": origin, "payload": payload, "at": now})
    conn.execute(chat_signals.delete().where(chat_signals.c.at < now - SIGNAL_KEPT))


def signals_after(conn: Connection, number: int) -> list[tuple[int, datetime, ChatSignal]]:
    """SQLite's signals raised after ``number``, in order, with their numbers and times."""
    s = chat_signals.c
    query = sa.select(s.id, s.at, s.origin, s.payload).where(s.id > number).order_by(s.id)
    rows = conn.execute(query.limit(1000))
    return [(r.id, r.at, ChatSignal(r.origin, dict(r.payload))) for r in rows]


def last_signal(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.max(chat_signals.c.id))).scalar_one() or 0)


def set_presence(conn: Connection, origin: str, agents: int, now: datetime) -> None:
    """How many agents process ``origin`` has connected, as of ``now`` (0 and gone: no row)."""
    p = chat_presence.c
    gone = sa.or_(p.origin == origin, p.seen_at < now - timedelta(days=1))  # and dead processes
    conn.execute(chat_presence.delete().where(gone))
    if agents:
        conn.execute(chat_presence.insert(), {"origin": origin, "agents": agents, "seen_at": now})


def agents_online(conn: Connection, since: datetime) -> int:
    """Agents connected to any process that said so at ``since`` or later."""
    p = chat_presence.c
    found = conn.execute(sa.select(sa.func.sum(p.agents)).where(p.seen_at >= since))
    return int(found.scalar_one() or 0)
