"""Chats and chat messages."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.db import is_postgres
from opencx.helpdesk.domain.chat import Chat, ChatMessage
from opencx.helpdesk.store import chat_feed
from opencx.helpdesk.store.tables import chat_messages, chats


def _chat(r: Any) -> Chat:
    return Chat(
        r.id,
        r.customer_id,
        r.name,
        r.email,
        r.language,
        r.status,
        r.agent,
        r.started_at,
        r.ended_at,
        r.case_id,
    )


def insert_chat(conn: Connection, chat: Chat) -> None:
    conn.execute(chats.insert(), {k: getattr(chat, k) for k in chats.c.keys()})  # noqa: SIM118


def get_chat(conn: Connection, chat_id: str) -> Chat | None:
    row = conn.execute(sa.select(chats).where(chats.c.id == chat_id)).first()
    return _chat(row) if row else None


def update_chat(conn: Connection, chat_id: str, **values: Any) -> None:
    conn.execute(chats.update().where(chats.c.id == chat_id).values(**values))


def open_chats(conn: Connection) -> list[Chat]:
    query = sa.select(chats).where(chats.c.status != "ended").order_by(chats.c.started_at)
    return [_chat(r) for r in conn.execute(query)]


def _message(r: Any) -> ChatMessage:
    return ChatMessage(r.id, r.chat_id, r.at, r.sender, r.author, r.body, r.seq)


def insert_message(
    conn: Connection, chat_id: str, *, at: datetime, sender: str, author: str | None, body: str
) -> ChatMessage:
    return insert_messages(conn, [ChatMessage(new_id(), chat_id, at, sender, author, body)])[0]


def messages(conn: Connection, chat_id: str) -> list[ChatMessage]:
    m = chat_messages.c
    query = sa.select(chat_messages).where(m.chat_id == chat_id).order_by(m.seq)
    return [_message(r) for r in conn.execute(query)]


def message(conn: Connection, message_id: str) -> ChatMessage | None:
    row = conn.execute(sa.select(chat_messages).where(chat_messages.c.id == message_id)).first()
    return _message(row) if row else None


def messages_after(conn: Connection, seq: int, limit: int = 1000) -> list[ChatMessage]:
    """Messages of every chat stored after number ``seq``, in order (SQLite's feed: with one
    writer at a time, numbers become visible in order, so nothing is skipped)."""
    m = chat_messages.c
    query = sa.select(chat_messages).where(m.seq > seq).order_by(m.seq).limit(limit)
    return [_message(r) for r in conn.execute(query)]


def last_seq(conn: Connection) -> int:
    found = conn.execute(sa.select(sa.func.max(chat_messages.c.seq))).scalar_one()
    return int(found or 0)


def erase_chats(conn: Connection, customer_ids: list[str]) -> None:
    """Erasure: blank who chatted and what the customer wrote."""
    ids = sa.select(chats.c.id).where(chats.c.customer_id.in_(customer_ids))
    conn.execute(
        chat_messages.update()
        .where(chat_messages.c.chat_id.in_(ids), chat_messages.c.sender == "customer")
        .values(body=None, author=None)
    )
    conn.execute(
        chats.update().where(chats.c.customer_id.in_(customer_ids)).values(name=None, email=None)
    )


def chat_states(conn: Connection, ids: list[str]) -> dict[str, str]:
    """Each existing chat's status, by id (what posting a message checks)."""
    rows = conn.execute(sa.select(chats.c.id, chats.c.status).where(chats.c.id.in_(ids)))
    return {r.id: r.status for r in rows}


def insert_messages(conn: Connection, rows: list[ChatMessage]) -> list[ChatMessage]:
    """Store ``rows`` in their order; each comes back with its number. On PostgreSQL every
    stored message is also announced (NOTIFY, delivered at commit, in commit order) to the
    processes following the chat (:mod:`opencx.helpdesk.store.chat_feed`)."""
    if not rows:
        return []
    params = [
        {
            "id": m.id,
            "chat_id": m.chat_id,
            "at": m.at,
            "sender": m.sender,
            "author": m.author,
            "body": m.body,
        }
        for m in rows
    ]
    c = chat_messages.c
    if is_postgres(conn):
        stmt = chat_messages.insert().returning(c.seq, sort_by_parameter_order=True)
        seqs = list(conn.execute(stmt, params).scalars())
        stored = [replace(m, seq=seq) for m, seq in zip(rows, seqs, strict=True)]
        chat_feed.announce(conn, stored)
        return stored
    # SQLite: one INSERT per row (executemany), each numbering itself max + 1; the first one
    # takes the write lock, held to the commit, so the numbers are consecutive and in order
    following = sa.select(sa.func.coalesce(sa.func.max(c.seq), 0) + 1).scalar_subquery()
    conn.execute(chat_messages.insert().values(seq=following), params)
    last = int(conn.execute(sa.select(sa.func.max(c.seq))).scalar_one())
    first = last - len(rows) + 1
    return [replace(m, seq=first + i) for i, m in enumerate(rows)]
