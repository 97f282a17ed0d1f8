"""Chat messages as they are stored, for every server process: PostgreSQL's LISTEN/NOTIFY.

The store announces each message it inserts with ``pg_notify`` in the inserting transaction, so
the notification is delivered at commit, in commit order, and never for a message rolled back.
A notification carries the messages of a batch themselves (a JSON array, as many as fit in
PostgreSQL's 8,000-byte payload limit); a message too long for it is carried by its id only and
the follower reads it back. On SQLite the
followers poll the message numbers instead (:func:`opencx.helpdesk.store.chat.messages_after`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from opencx.helpdesk.domain.chat import ChatMessage

CHANNEL = "opencx_helpdesk_chat"
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
    listening: Callable[[], None],
) -> AsyncGenerator[ChatMessage, None]:
    """Every message announced from now on, in commit order, on a connection of its own;
    ``listening`` is called once the LISTEN is in place (messages stored after it are seen)."""
    import psycopg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(f"LISTEN {CHANNEL}")
        listening()
        async for note in conn.notifies():
            for found in decode(note.payload):
                message = await read_back(found) if isinstance(found, str) else found
                if message is not None:
                    yield message
