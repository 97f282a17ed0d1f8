"""Chat messages as they are stored, for every server process: PostgreSQL's LISTEN/NOTIFY.

The store announces each message it inserts with ``pg_notify`` in the inserting transaction, so
the notification is delivered at commit, in commit order, and never for a message rolled back.
A notification carries the message itself (JSON); one whose text would pass PostgreSQL's
8,000-byte payload limit carries its id only and the follower reads it back. On SQLite the
followers poll the message numbers instead (:func:`opencx.helpdesk.store.chat.messages_after`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from opencx.helpdesk.domain.chat import ChatMessage

CHANNEL = "opencx_helpdesk_chat"
MAX_PAYLOAD = 7900  # bytes; PostgreSQL refuses 8,000 and more


def encode(m: ChatMessage) -> str:
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
    if len(text.encode()) <= MAX_PAYLOAD:
        return text
    return json.dumps({"id": m.id})


def decode(payload: str) -> ChatMessage | str:
    """The message a notification carries, or the id of one to read back."""
    data: dict[str, Any] = json.loads(payload)
    if "chat_id" not in data:
        return str(data["id"])
    return ChatMessage(
        data["id"],
        data["chat_id"],
        datetime.fromisoformat(data["at"]),
        data["sender"],
        data["author"],
        data["body"],
        data["seq"],
    )


def announce(conn: Connection, stored: list[ChatMessage]) -> None:
    """Notify the followers of ``stored``, in order, when ``conn``'s transaction commits."""
    conn.execute(
        sa.text(
            "SELECT pg_notify(:channel, p) FROM unnest(CAST(:payloads AS text[]))"
            " WITH ORDINALITY AS u(p, n) ORDER BY n"
        ),
        {"channel": CHANNEL, "payloads": [encode(m) for m in stored]},
    )


async def listen(
    engine: Engine,
    read_back: Callable[[str], Awaitable[ChatMessage | None]],
    listening: Callable[[], None],
) -> AsyncIterator[ChatMessage]:
    """Every message announced from now on, in commit order, on a connection of its own;
    ``listening`` is called once the LISTEN is in place (messages stored after it are seen)."""
    import psycopg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(f"LISTEN {CHANNEL}")
        listening()
        async for note in conn.notifies():
            found = decode(note.payload)
            message = await read_back(found) if isinstance(found, str) else found
            if message is not None:
                yield message
