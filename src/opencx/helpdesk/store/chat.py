"""Chats and chat messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.helpdesk.domain.chat import Chat, ChatMessage
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


def insert_message(
    conn: Connection, chat_id: str, *, at: datetime, sender: str, author: str | None, body: str
) -> ChatMessage:
    message = ChatMessage(new_id(), chat_id, at, sender, author, body)
    conn.execute(
        chat_messages.insert(),
        {
            "id": message.id,
            "chat_id": chat_id,
            "at": at,
            "sender": sender,
            "author": author,
            "body": body,
        },
    )
    return message


def messages(conn: Connection, chat_id: str) -> list[ChatMessage]:
    m = chat_messages.c
    query = sa.select(chat_messages).where(m.chat_id == chat_id).order_by(m.at, m.id)
    return [
        ChatMessage(r.id, r.chat_id, r.at, r.sender, r.author, r.body) for r in conn.execute(query)
    ]


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


def chats_by_id(conn: Connection, ids: list[str]) -> dict[str, Chat]:
    rows = conn.execute(sa.select(chats).where(chats.c.id.in_(ids)))
    return {r.id: _chat(r) for r in rows}


def insert_messages(conn: Connection, rows: list[ChatMessage]) -> None:
    if rows:
        conn.execute(
            chat_messages.insert(),
            [
                {
                    "id": m.id,
                    "chat_id": m.chat_id,
                    "at": m.at,
                    "sender": m.sender,
                    "author": m.author,
                    "body": m.body,
                }
                for m in rows
            ],
        )
